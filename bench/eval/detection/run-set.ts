/**
 * One set of real mail through one fresh tenant, the way a customer's first days would go: the
 * organisation's mailboxes and the set's messages are ingested (each message to one of the mailboxes, at
 * the time its Date header gives, in INBOX), the tenant's automation level is set through
 * `updateAutomationSettings`, then each message is reported by its recipient with `reportMessage`, in the
 * order received, at most `concurrency` reports in flight, each waited for until its investigation has
 * concluded and its automatically approved actions have run. What each investigation concluded is read at
 * the end (outcome.ts), and where every ingested message now is, with the tenant's block list.
 */
import type { Air, IngestReport } from './air.js';
import type { MailSet } from './corpus.js';
import { ACTIVE, outcomeOf, PROGRESS, type InvestigationOutcome, type Progress } from './outcome.js';

export type AutomationLevel = 'APPROVAL_REQUIRED' | 'FULL';

export interface RunOptions {
  concurrency: number;
  /** Give up waiting on one report after this long (it is then counted under its last state). */
  timeoutMs: number;
  say: (line: string) => void;
}

/** One reported message: which investigation it ended in, and how long the verdict took. */
export interface Reported {
  name: string;
  messageId: string;
  investigationId: string | null;
  merged: boolean;
  /** Report call → the verdict step's end; only for reports that started their own investigation. */
  verdictMs: number | null;
  /** Report call → the investigation observed out of its active states (polled). */
  concludedMs: number | null;
  timedOut: boolean;
  error: string | null;
}

export interface SetRun {
  set: MailSet;
  automation: AutomationLevel;
  tenant: string;
  ingest: IngestReport;
  reports: Reported[];
  outcomes: Map<string, InvestigationOutcome>;
  /** Ingested messages of the tenant by where they are now; all were ingested in INBOX. */
  locations: Record<string, number>;
  /** Active block-list entries of the tenant, by kind. */
  blocked: Record<string, number>;
  seconds: { ingest: number; reports: number };
}

/** The organisation every tenant plays: fictional, and no sender domain of the corpora. */
export const DOMAIN = 'northwind-traders.com';
const MAILBOXES = 50;
/**
 * Every investigation that recommends an action waits PENDING_ACTION under APPROVAL_REQUIRED, and
 * nobody approves here: at the default limit (50 awaiting action) later reports would queue
 * QUEUED_BY_THROTTLING for ever — correct behaviour, but not what is measured — so each tenant's limit
 * is raised past the set's size, as bench:investigate does. No GraphQL mutation sets it.
 */
const PENDING_LIMIT = 1_000_000;

const recipientOf = (i: number) => `user${(i % MAILBOXES) + 1}@${DOMAIN}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ingestSet(air: Air, tenant: string, set: MailSet, messageIds: string[]): Promise<IngestReport> {
  const mailboxes = Array.from({ length: MAILBOXES }, (_, i) => ({
    type: 'mailbox',
    id: `mailbox-${i + 1}`,
    address: recipientOf(i),
    displayName: `User ${i + 1}`,
  }));
  const messages = set.items.map((item, i) => ({
    type: 'raw_message',
    id: messageIds[i],
    recipient: recipientOf(i),
    receivedAt: item.receivedAt.toISOString(),
    location: 'INBOX',
    emlBase64: item.bytes.toString('base64'),
  }));
  return air.ingest(tenant, [...mailboxes, ...messages]);
}

/** Report one message and wait until its investigation has concluded and its approved actions have run. */
async function reportAndWait(air: Air, tenant: string, messageId: string, reportedBy: string, timeoutMs: number) {
  const start = Date.now();
  const { reportMessage: receipt } = await air.graphql<{ reportMessage: { investigationId: string; merged: boolean } }>(
    tenant,
    `mutation Report($m: String!, $by: String!) {
      reportMessage(input: { messageId: $m, reportedBy: $by }) { investigationId merged }
    }`,
    { m: messageId, by: reportedBy },
  );
  let concludedMs: number | null = null;
  let verdictEnd: string | null = null;
  for (let poll = 0; ; poll++) {
    const { investigation } = await air.graphql<Progress>(tenant, PROGRESS, { id: receipt.investigationId });
    verdictEnd = investigation.logSteps.find((s) => s.key === 'verdict')?.endedAt ?? verdictEnd;
    if (!ACTIVE.has(investigation.state)) concludedMs ??= Date.now() - start;
    if (concludedMs !== null && investigation.actions.totalCount === 0) break;
    if (Date.now() - start > timeoutMs) return { receipt, concludedMs, verdictMs: null, timedOut: true };
    await sleep(Math.min(500, 50 + poll * 25));
  }
  // A merged report's investigation decided before the report was made: no latency of its own.
  const verdictMs = !receipt.merged && verdictEnd ? Date.parse(verdictEnd) - start : null;
  return { receipt, concludedMs, verdictMs, timedOut: false };
}

export async function runSet(air: Air, set: MailSet, automation: AutomationLevel, options: RunOptions): Promise<SetRun> {
  const { say } = options;
  const tenant = `eval-${set.key}-${automation.toLowerCase().replace('_', '-')}`;
  await air.graphql(tenant, `mutation Level($l: AutomationLevel!) { updateAutomationSettings(input: { level: $l }) { automationLevel } }`, {
    l: automation,
  });
  await air.sql(`update tenants set max_pending_investigations = $1 where name = $2`, [PENDING_LIMIT, tenant]);

  const messageIds = set.items.map((item) => `${set.key}:${item.name}`);
  let t = performance.now();
  const ingest = await ingestSet(air, tenant, set, messageIds);
  const ingestSeconds = (performance.now() - t) / 1000;
  say(
    `  ${set.label} / ${automation}: ingested ${set.items.length} messages + ${MAILBOXES} mailboxes in ${ingestSeconds.toFixed(1)} s ` +
      `(stored ${ingest.stored}, rejected ${ingest.failed})`,
  );
  for (const e of ingest.errors.slice(0, 5)) say(`    rejected: ${e.message.slice(0, 160)}`);

  t = performance.now();
  const reports: Reported[] = new Array(set.items.length);
  let next = 0;
  let done = 0;
  let lastSaid = performance.now();
  const worker = async () => {
    for (let i = next++; i < set.items.length; i = next++) {
      const item = set.items[i]!;
      const messageId = messageIds[i]!;
      const base = { name: item.name, messageId, investigationId: null, merged: false, verdictMs: null, concludedMs: null };
      try {
        const r = await reportAndWait(air, tenant, messageId, recipientOf(i), options.timeoutMs);
        reports[i] = { ...base, ...r, investigationId: r.receipt.investigationId, merged: r.receipt.merged, error: null };
      } catch (e) {
        // A report the API refused (e.g. a message it could not ingest) counts as a miss, with its reason.
        reports[i] = { ...base, timedOut: false, error: e instanceof Error ? e.message : String(e) };
      }
      done++;
      if (performance.now() - lastSaid > 15_000 || done === set.items.length) {
        lastSaid = performance.now();
        const s = (performance.now() - t) / 1000;
        say(`    reported ${done}/${set.items.length} in ${s.toFixed(0)} s (${(done / s).toFixed(2)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  const reportSeconds = (performance.now() - t) / 1000;

  const ids = [...new Set(reports.flatMap((r) => (r.investigationId ? [r.investigationId] : [])))];
  const outcomes = new Map<string, InvestigationOutcome>();
  for (let i = 0; i < ids.length; i += 8) {
    const batch = await Promise.all(ids.slice(i, i + 8).map((id) => outcomeOf(air, tenant, id)));
    for (const o of batch) outcomes.set(o.id, o);
  }
  const where = await air.sql<{ location: string; n: string }>(
    `select m.location, count(*) as n from email_messages m join tenants t on t.id = m.tenant_id
     where t.name = $1 and m.external_id = any($2) group by m.location`,
    [tenant, messageIds],
  );
  const blockedRows = await air.sql<{ kind: string; n: string }>(
    `select b.kind, count(*) as n from block_list_entries b join tenants t on t.id = b.tenant_id
     where t.name = $1 and b.lifted_at is null group by b.kind`,
    [tenant],
  );
  return {
    set,
    automation,
    tenant,
    ingest,
    reports,
    outcomes,
    locations: Object.fromEntries(where.map((r) => [r.location, Number(r.n)])),
    blocked: Object.fromEntries(blockedRows.map((r) => [r.kind, Number(r.n)])),
    seconds: { ingest: ingestSeconds, reports: reportSeconds },
  };
}
