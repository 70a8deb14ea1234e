import pg from 'pg';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { gql, ingestRecords, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { adminUrl, withDatabase } from './support/database.js';
import { Role } from '../src/domain/role.js';
import { ACTIVE_STATES } from '../src/domain/investigation.js';

/**
 * Issue 12, item 1, as an operator would meet it: 50 of the server's PostgreSQL backends terminated at
 * random (`pg_terminate_backend` from a separate admin connection: the ORM pool's, pg-boss's, the outbox
 * listener's) while clients ingest telemetry, alerts start investigations that workers run, and readers
 * query. Clients retry what was refused, as real ones do. Afterwards the server serves within seconds,
 * every ingested record is stored, every investigation finishes and none FAILED for the kills.
 */
const KILLS = 50;
const BATCH = 100;
const INVESTIGATIONS_QUERY = `query($first: Int) { investigations(first: $first) { totalCount edges { node { id state } } } }`;
let t: TestApp;
let admin: pg.Client;

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '2' } });
  admin = new pg.Client({ connectionString: adminUrl(t.databaseUrl) });
  await admin.connect();
}, 60_000);
afterAll(async () => {
  await admin.end();
  await t.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbName = () => new URL(t.databaseUrl).pathname.slice(1);
const base = () => t.url.replace(/\/graphql$/, '');

/** One batch of telemetry: messages, and alerts that start investigations (a reported message, a risky sign-in). */
function batch(b: number): unknown[] {
  const at = new Date(Date.now() - 3600_000).toISOString();
  const records: unknown[] = [{ type: 'mailbox', id: `mb-${b}`, address: `user${b}@chaos.example`, displayName: `User ${b}` }];
  for (let i = 0; i < BATCH; i++) {
    records.push({
      type: 'message',
      id: `m-${b}-${i}`,
      recipient: `user${b}@chaos.example`,
      sender: `sender${b}@outside${b}.example`,
      subject: `Invoice ${b}-${i}`,
      body: `Please see invoice ${b}-${i} at https://pay${b}.example/${i}`,
      urls: [`https://pay${b}.example/${i}`],
      receivedAt: at,
      location: 'INBOX',
    });
  }
  records.push({ type: 'alert', id: `a-report-${b}`, kind: 'USER_REPORTED', at, messageId: `m-${b}-0` });
  records.push({ type: 'alert', id: `a-signin-${b}`, kind: 'RISKY_SIGN_IN', at, user: `user${b}@chaos.example` });
  return records;
}

/**
 * The server's backends on this test's database (other than the admin connection), busy ones first: a
 * backend running a statement or inside a transaction is the case that leaked (issue 12).
 */
async function backends(): Promise<{ pid: number; state: string }[]> {
  const { rows } = await admin.query<{ pid: number; state: string }>(
    `select pid, state from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    [dbName()],
  );
  const busy = rows.filter((r) => r.state !== 'idle');
  return busy.length > 0 && Math.random() < 0.8 ? busy : rows;
}

test('50 backends killed at random during ingest, investigations and queries: serving again within seconds, nothing lost, nothing FAILED', async () => {
  const service = await t.token('chaos', Role.SERVICE);
  const reader = await t.token('chaos', Role.SECURITY_READER);
  let killing = true;
  const refused = { ingest: 0, query: 0 };

  // Writers: batches until the killer is done, each retried until the server reports it stored whole.
  let batches = 0;
  const writer = (async () => {
    for (let b = 0; killing || b < 4; b++) {
      const records = batch(b);
      for (;;) {
        const report = await ingestRecords(t, service, records).catch(() => undefined);
        if (report && report.failed === 0 && report.received === records.length) break;
        refused.ingest++;
        await sleep(100);
      }
      batches = b + 1;
    }
  })();
  // Readers: the investigations list, as a dashboard polls it.
  const readerLoop = (async () => {
    while (killing) {
      const res = await gql(t.url, reader, INVESTIGATIONS_QUERY, { first: 20 }).catch(() => undefined);
      if (!res || res.errors) refused.query++;
      await sleep(20);
    }
  })();

  // The killer: 50 terminations, 50–250 ms apart, each of a random backend of the server's.
  let killed = 0;
  let lastKill = 0;
  const byState: Record<string, number> = {};
  while (killed < KILLS) {
    await sleep(50 + Math.random() * 200);
    const candidates = await backends();
    if (candidates.length === 0) continue;
    const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
    const { rows } = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [victim.pid]);
    if (rows[0]?.ok) {
      killed++;
      byState[victim.state] = (byState[victim.state] ?? 0) + 1;
      lastKill = Date.now();
    }
  }
  killing = false;

  // Serving again: readiness and a query, measured from the last kill.
  const recovered = await eventually(
    'the server to serve after the last kill',
    async () => {
      const ready = await fetch(`${base()}/readyz`).catch(() => undefined);
      if (ready?.status !== 200) return undefined;
      const res = await gql(t.url, reader, INVESTIGATIONS_QUERY, { first: 1 });
      return res.errors ? undefined : Date.now() - lastKill;
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  await Promise.all([writer, readerLoop]);
  console.log(`db-chaos: ${killed} backends killed; serving ${recovered} ms after the last kill; ${batches} batches;`, {
    byState,
    refused,
  });
  expect(recovered).toBeLessThan(5000);

  // Nothing lost: every message of every batch is stored, once.
  const { rows } = await withDatabase(t.databaseUrl, (c) =>
    c.query<{ n: string }>(`select count(*) as n from email_messages m join tenants t on t.id = m.tenant_id where t.name = 'chaos'`),
  );
  expect(Number(rows[0]!.n)).toBe(batches * BATCH);

  // Every alert started (or joined) an investigation: none was stored and then forgotten. Routing retries
  // a lost connection at once; an alert whose every retry was killed too waits for the minute's sweep.
  await eventually(
    'every alert to be routed to an investigation',
    async () => {
      const { rows } = await withDatabase(t.databaseUrl, (c) => c.query(`select count(*) as n from alerts where investigation_id is null`));
      return Number(rows[0].n) === 0;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  const alerts = await withDatabase(t.databaseUrl, (c) => c.query(`select count(*) as n from alerts`));
  expect(Number(alerts.rows[0].n)).toBe(batches * 2);

  // Every investigation finishes; none FAILED (a killed connection is retried, never a step's failure).
  const states = await eventually(
    'every investigation to finish',
    async () => {
      const res = await gql<{ investigations: { totalCount: number; edges: { node: { id: string; state: string } }[] } }, unknown>(
        t.url,
        reader,
        INVESTIGATIONS_QUERY,
        { first: 100 },
      );
      const nodes = res.data?.investigations.edges.map((e) => e.node) ?? [];
      return nodes.length > 0 && nodes.every((n) => !ACTIVE_STATES.includes(n.state as never)) ? nodes : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  expect(states.length).toBeGreaterThanOrEqual(batches);
  expect(states.length).toBeLessThanOrEqual(batches * 2);
  expect(states.filter((s) => s.state === 'FAILED')).toEqual([]);

  // And the pool is whole: once idle, no connection is still checked out.
  const pool = await (t.app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  await eventually('the pool to hold no checked-out connection', () => pool.totalCount - pool.idleCount === 0, { timeoutMs: 10_000 });
}, 240_000);
