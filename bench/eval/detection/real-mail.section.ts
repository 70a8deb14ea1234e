/**
 * The real-mail section of `eval:detection`: real phish reported one by one on a tenant without threat
 * intelligence, under APPROVAL_REQUIRED and again under FULL automation; the SpamAssassin corpus's easy
 * and hard ham reported one by one under FULL. Each run is its own fresh tenant (run-set.ts), so nothing
 * one run learns or blocks leaks into another.
 */
import { hamSet, phishSet, type MailSet } from './corpus.js';
import { figuresOf, type Figures } from './figures.js';
import { runSet, type AutomationLevel } from './run-set.js';
import { pct, sideBySide, type Column, type Section, type SectionContext, type SectionResult } from './section.js';

export interface RealMailOptions {
  /** Directory of real phishing .eml files; the phish runs are skipped without it. */
  phishDir?: string;
  /** The SpamAssassin `data/` folder (or one laid out like it); the ham runs are skipped without it. */
  hamDir?: string;
  sets: Set<'phish' | 'easy' | 'hard'>;
}

const ROWS = {
  reported: 'messages reported',
  investigations: 'investigations (reports merged)',
  threat: 'judged a threat with recommended actions',
  malicious: 'root MALICIOUS',
  suspicious: 'root SUSPICIOUS',
  clean: 'root CLEAN',
  other: 'root UNKNOWN / no root verdict',
  recommended: 'actions recommended',
  automatic: 'actions run automatically',
  moved: 'messages moved out of INBOX',
  blocked: 'senders blocked automatically',
  verdict: 'report → verdict, median / p95',
  concluded: 'report → concluded, median / p95',
  failures: 'report errors / timeouts',
  elapsed: 'elapsed: ingest + reports',
};

/** A cell with its target's verdict beside it, when the run checks that figure. */
function cell(f: Figures, value: string, targetName: string): string {
  const t = f.targets.find((x) => x.name.endsWith(targetName));
  return t ? `${value} ${t.pass ? 'PASS' : 'FAIL'} (${t.target})` : value;
}

function column(f: Figures): Column {
  const n = f.reported;
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const cells = new Map<string, string>([
    [ROWS.reported, String(n)],
    [ROWS.investigations, `${f.investigations} (${f.merged})`],
    [ROWS.threat, cell(f, `${pct(f.threatWithActions, n)}`, 'judged a threat with recommended actions')],
    [ROWS.malicious, cell(f, pct(f.verdicts.MALICIOUS, n), 'judged MALICIOUS')],
    [ROWS.suspicious, pct(f.verdicts.SUSPICIOUS, n)],
    [ROWS.clean, pct(f.verdicts.CLEAN, n)],
    [ROWS.other, pct(f.verdicts.UNKNOWN + f.verdicts.NONE, n)],
    [ROWS.recommended, String(f.actionsRecommended)],
    [ROWS.automatic, String(sum(f.actionsAutomatic))],
    [ROWS.moved, cell(f, String(f.moved), 'messages remediated automatically')],
    [ROWS.blocked, cell(f, String(f.sendersBlockedAutomatically), 'senders blocked automatically')],
    [ROWS.verdict, f.latency.verdict.text],
    [ROWS.concluded, f.latency.concluded.text],
    [ROWS.failures, `${f.errors} / ${f.timedOut}`],
    [ROWS.elapsed, `${f.seconds.ingest.toFixed(0)} s + ${f.seconds.reports.toFixed(0)} s`],
  ]);
  return { title: f.run, cells };
}

const TOP = 10;

function details(f: Figures): string[] {
  const lines = [`${f.run}:`];
  const states = Object.entries(f.states).sort((a, b) => b[1] - a[1]);
  lines.push(`  final states (per reported message): ${states.map(([s, k]) => `${s} ${k}`).join(', ')}`);
  if (Object.keys(f.actionsAutomatic).length)
    lines.push(
      `  run automatically: ${Object.entries(f.actionsAutomatic)
        .map(([t, k]) => `${t} ${k}`)
        .join(', ')}`,
    );
  if (Object.keys(f.blockList).length)
    lines.push(
      `  block list: ${Object.entries(f.blockList)
        .map(([t, k]) => `${t} ${k}`)
        .join(', ')}`,
    );
  const what = f.legitimate ? 'false positives (root MALICIOUS or SUSPICIOUS)' : 'misses';
  const missCount = Object.values(f.missKinds).reduce((a, b) => a + b, 0);
  lines.push(
    `  ${what}: ${missCount} — ${
      Object.entries(f.missKinds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
  );
  for (const [reason, k] of f.missReasons.slice(0, TOP)) lines.push(`    ${String(k).padStart(5)} × ${reason}`);
  if (f.missSignals.length) {
    lines.push(`  evidence signals among them:`);
    for (const [signal, k] of f.missSignals.slice(0, TOP)) lines.push(`    ${String(k).padStart(5)} × ${signal}`);
  }
  if (f.hitReasons.length) {
    lines.push(`  reasons among hits:`);
    for (const [reason, k] of f.hitReasons.slice(0, 5)) lines.push(`    ${String(k).padStart(5)} × ${reason}`);
    for (const [signal, k] of f.hitSignals.slice(0, 5)) lines.push(`    ${String(k).padStart(5)} × ${signal}`);
  }
  const refused = f.messages.filter((m) => m.error).slice(0, 3);
  for (const m of refused) lines.push(`  report refused: ${m.name}: ${m.error!.slice(0, 160)}`);
  return lines;
}

export function realMailSection(mail: RealMailOptions): Section {
  return {
    name: 'real mail',
    async run({ air, options, say }: SectionContext): Promise<SectionResult> {
      const plan: { load: () => Promise<MailSet>; levels: AutomationLevel[] }[] = [];
      if (mail.phishDir && mail.sets.has('phish'))
        plan.push({ load: () => phishSet(mail.phishDir!, options.limit), levels: ['APPROVAL_REQUIRED', 'FULL'] });
      for (const key of ['easy', 'hard'] as const)
        if (mail.hamDir && mail.sets.has(key)) plan.push({ load: () => hamSet(mail.hamDir!, key, options.limit), levels: ['FULL'] });
      const figures: Figures[] = [];
      for (const { load, levels } of plan) {
        const set = await load();
        const undated = set.items.filter((i) => !i.dated).length;
        say(`${set.label}: ${set.items.length} messages${undated ? ` (${undated} without a usable Date header)` : ''}`);
        for (const level of levels) figures.push(figuresOf(await runSet(air, set, level, { ...options, say })));
      }
      const text = [
        sideBySide(Object.values(ROWS), figures.map(column)),
        '',
        `"judged a threat with recommended actions": the root entity's verdict MALICIOUS or SUSPICIOUS and at least one action.`,
        `latency: report call → the verdict step's end (log tab), and → the investigation seen out of STARTING/RUNNING/QUEUED;`,
        `reports merged into an open investigation count with its outcome and are left out of the latency.`,
        '',
        ...figures.flatMap((f) => [...details(f), '']),
      ].join('\n');
      return {
        title: 'Detection on real mail',
        text,
        targets: figures.flatMap((f) => f.targets),
        json: figures,
      };
    },
  };
}
