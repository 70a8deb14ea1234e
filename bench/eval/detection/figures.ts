/**
 * The figures of one real-mail run, counted per reported message (a report merged into an open
 * investigation counts with that investigation's outcome), and the reasons behind its misses and false
 * positives. The targets are checked here: real phish ≥ 90 % judged a threat with recommended
 * actions; easy ham 0 % and hard ham ≤ 2 % MALICIOUS, none remediated automatically, no sender blocked.
 */
import { ranAutomatically, threatWithActions, type InvestigationOutcome, type RootVerdict } from './outcome.js';
import type { SetRun } from './run-set.js';
import { pct, quantiles, type Target } from './section.js';

export interface MessageRow {
  name: string;
  messageId: string;
  investigationId: string | null;
  merged: boolean;
  state: string;
  verdict: RootVerdict;
  actions: number;
  threatWithActions: boolean;
  reasons: string[];
  /** The signals of the root's evidence; null while the API does not expose evidence. */
  signals: string[] | null;
  verdictMs: number | null;
  error: string | null;
}

export interface Figures {
  run: string;
  /** Legitimate mail: what matters is what was flagged at all (false positives), not what was missed. */
  legitimate: boolean;
  reported: number;
  investigations: number;
  merged: number;
  errors: number;
  timedOut: number;
  threatWithActions: number;
  verdicts: Record<RootVerdict, number>;
  states: Record<string, number>;
  actionsRecommended: number;
  actionsAutomatic: Record<string, number>;
  /** The set's ingested messages no longer in INBOX (all were ingested there). */
  moved: number;
  sendersBlockedAutomatically: number;
  blockList: Record<string, number>;
  latency: { verdict: ReturnType<typeof quantiles>; concluded: ReturnType<typeof quantiles> };
  /** Reason → reports, among the misses (phish) or false positives (ham). */
  missReasons: [string, number][];
  /** Reason → reports among the hits (phish judged a threat), to see which signals carry the detection. */
  hitReasons: [string, number][];
  /** Evidence signals among the misses / false positives and among the hits, once the API exposes evidence. */
  missSignals: [string, number][];
  hitSignals: [string, number][];
  /** What the misses were, by root verdict and whether any action was recommended. */
  missKinds: Record<string, number>;
  targets: Target[];
  seconds: { ingest: number; reports: number };
  messages: MessageRow[];
}

/** Numbers vary between copies of one reason ("3 similar message(s) zapped"): group them as N. */
const reasonKey = (r: string) => r.replace(/\d+(\.\d+)?/g, 'N').slice(0, 100);

function rank(lists: string[][]): [string, number][] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const r of new Set(list.map(reasonKey))) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const count = <K extends string>(keys: K[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

export function figuresOf(run: SetRun): Figures {
  const rows: MessageRow[] = run.reports.map((r) => {
    const o: InvestigationOutcome | undefined = r.investigationId ? run.outcomes.get(r.investigationId) : undefined;
    return {
      name: r.name,
      messageId: r.messageId,
      investigationId: r.investigationId,
      merged: r.merged,
      state: o?.state ?? (r.error ? 'REPORT_REFUSED' : 'UNKNOWN'),
      verdict: o?.rootVerdict ?? 'NONE',
      actions: o?.actionCount ?? 0,
      threatWithActions: threatWithActions(o),
      reasons: o?.reasons ?? [],
      signals: o?.evidence?.map((e) => e.signal) ?? null,
      verdictMs: r.verdictMs,
      error: r.error,
    };
  });
  const n = rows.length;
  const verdicts: Record<RootVerdict, number> = { MALICIOUS: 0, SUSPICIOUS: 0, CLEAN: 0, UNKNOWN: 0, NONE: 0 };
  for (const row of rows) verdicts[row.verdict]++;
  const outcomes = [...run.outcomes.values()];
  const automatic = outcomes.flatMap((o) => o.actions.filter(ranAutomatically));
  const sendersBlocked = new Set(automatic.filter((a) => a.type === 'BLOCK_SENDER').flatMap((a) => a.targets)).size;
  const moved = Object.entries(run.locations).reduce((sum, [where, k]) => sum + (where === 'INBOX' ? 0 : k), 0);
  const hit = run.set.legitimate
    ? (row: MessageRow) => row.verdict === 'MALICIOUS' || row.verdict === 'SUSPICIOUS'
    : (row: MessageRow) => row.threatWithActions;
  // For phish the misses are what was not caught; for legitimate mail, what was flagged at all.
  const misses = run.set.legitimate ? rows.filter(hit) : rows.filter((row) => !hit(row));
  const hits = run.set.legitimate ? [] : rows.filter(hit);
  const label = `${run.set.label} / ${run.automation}`;
  const targets: Target[] = [];
  const threatCount = rows.filter((r) => r.threatWithActions).length;
  if (!run.set.legitimate) {
    targets.push({
      name: `${label}: judged a threat with recommended actions`,
      value: pct(threatCount, n),
      target: '≥ 90 %',
      pass: n > 0 && threatCount / n >= 0.9,
    });
  } else {
    const limit = run.set.key === 'easy' ? 0 : 0.02;
    targets.push(
      {
        name: `${label}: judged MALICIOUS`,
        value: pct(verdicts.MALICIOUS, n),
        target: limit ? '≤ 2 %' : '0 %',
        pass: verdicts.MALICIOUS / Math.max(1, n) <= limit,
      },
      { name: `${label}: messages remediated automatically`, value: String(moved), target: '0', pass: moved === 0 },
      { name: `${label}: senders blocked automatically`, value: String(sendersBlocked), target: '0', pass: sendersBlocked === 0 },
    );
  }
  const own = run.reports.filter((r) => !r.merged);
  return {
    run: label,
    legitimate: run.set.legitimate,
    reported: n,
    investigations: run.outcomes.size,
    merged: run.reports.filter((r) => r.merged).length,
    errors: rows.filter((r) => r.error).length,
    timedOut: run.reports.filter((r) => r.timedOut).length,
    threatWithActions: threatCount,
    verdicts,
    states: count(rows.map((r) => r.state)),
    actionsRecommended: outcomes.reduce((sum, o) => sum + o.actionCount, 0),
    actionsAutomatic: count(automatic.map((a) => a.type)),
    moved,
    sendersBlockedAutomatically: sendersBlocked,
    blockList: run.blocked,
    latency: {
      verdict: quantiles(own.flatMap((r) => (r.verdictMs === null ? [] : [r.verdictMs]))),
      concluded: quantiles(own.flatMap((r) => (r.concludedMs === null ? [] : [r.concludedMs]))),
    },
    missReasons: rank(misses.map((r) => (r.reasons.length ? r.reasons : [`(no reason given; root ${r.verdict})`]))),
    hitReasons: rank(hits.map((r) => r.reasons)),
    missSignals: rank(misses.flatMap((r) => (r.signals ? [r.signals] : []))),
    hitSignals: rank(hits.flatMap((r) => (r.signals ? [r.signals] : []))),
    missKinds: count(misses.map((r) => `${r.verdict}${r.actions ? ' with actions' : ', no action'}`)),
    targets,
    seconds: run.seconds,
    messages: rows,
  };
}
