import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { parse, type DocumentNode } from 'graphql';
import pg from 'pg';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { gql, ingestRecords, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId } from './support/fixtures.js';
import { Collector, disposeAll, registered, wsClient } from './support/ws.js';
import { InvestigationsDocument } from './generated/graphql.js';
import { ormPool } from '../src/app.js';
import { ACTIVE_STATES, InvestigationState } from '../src/domain/investigation.js';
import { ActionStatus } from '../src/domain/action.js';
import { Role } from '../src/domain/role.js';

/**
 * /metrics shows the work: each test does real work (an upload, an investigation run by the playbook
 * engine, a live subscription, a worker process) over real HTTP and WebSocket, then scrapes /metrics
 * over HTTP and checks that the numbers moved by exactly what was done.
 */

/** One scrape, parsed: `value(name, labels)` sums the samples whose labels include `labels`; undefined when none. */
interface Scrape {
  text: string;
  value(name: string, labels?: Record<string, string>): number | undefined;
}

function parseScrape(text: string): Scrape {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return {
    text,
    value(name, want = {}) {
      const hits = samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v));
      return hits.length ? hits.reduce((sum, s) => sum + s.value, 0) : undefined;
    },
  };
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return parseScrape(await res.text());
}

/** How much a counter moved between two scrapes (a series not yet born counts as 0). */
const moved = (before: Scrape, after: Scrape, name: string, labels?: Record<string, string>) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

const doc = <T = Record<string, unknown>>(text: string) => parse(text) as DocumentNode as TypedDocumentNode<T, Record<string, unknown>>;
const TENANT_EVENTS = doc(`subscription ($after: String) { tenantEvents(after: $after) { __typename ... on LiveEvent { cursor } } }`);
const INVESTIGATION = `query ($id: ID!) { investigation(id: $id) { state logSteps { key status } } }`;
type InvestigationResult = { investigation: { state: InvestigationState; logSteps: { key: string; status: string }[] } | null };

const finished = (app: TestApp, token: string, id: string) =>
  eventually(`investigation ${id} to finish`, async () => {
    const r = await gql<InvestigationResult, unknown>(app.url, token, INVESTIGATION, { id });
    const inv = r.data?.investigation;
    return inv && !ACTIVE_STATES.includes(inv.state) && inv;
  });

afterEach(() => disposeAll());

describe('one API node with its workers', () => {
  let t: TestApp;
  let admin: string;
  let service: string;
  let metricsUrl: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { AIR_WORKERS: '1' } });
    admin = await t.token('acme', Role.SECURITY_ADMIN);
    service = await t.token('acme', Role.SERVICE);
    metricsUrl = t.app.server.metricsUrl;
  });
  afterAll(() => t.stop());

  test('an upload, the investigation it starts, a live subscription and a query move their metrics', async () => {
    const before = await scrape(metricsUrl);
    const { client } = wsClient(t.url, admin);
    const live = new Collector(client, TENANT_EVENTS, {});
    await registered(t.app.server.events, { tenantId: await tenantId(t.app.orm, 'acme') }, 1);
    let now = await scrape(metricsUrl);
    expect(now.value('air_websocket_connections')).toBe(1);
    expect(now.value('air_subscriptions_active')).toBe(1);

    // An upload: a message and its report by the recipient, which starts an investigation.
    const records = [
      {
        type: 'message',
        id: 'metrics-msg-1',
        recipient: 'ann@acme.example',
        sender: 'news@partner.example',
        subject: 'Quarterly figures',
        body: 'The figures are attached.',
        receivedAt: '2026-11-20T09:00:00Z',
        location: 'INBOX',
      },
      { type: 'alert', id: 'metrics-alert-1', kind: 'USER_REPORTED', at: '2026-11-20T09:05:00Z', messageId: 'metrics-msg-1' },
      'not json',
    ];
    const body = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
    expect(await ingestRecords(t, service, records)).toMatchObject({ stored: 2, failed: 1 });
    const created = await eventually('the investigation the report started', async () => {
      const r = await gql<{ investigations: { edges: { node: { id: string } }[] } }, unknown>(
        t.url,
        admin,
        '{ investigations(first: 1) { edges { node { id } } } }',
      );
      return r.data?.investigations.edges[0]?.node.id;
    });
    const investigation = await finished(t, admin, created);
    // Every tenant event the run wrote reaches the subscription before the scrape.
    const [{ n: written }] = (await t.app.orm.em
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from events where tenant_id = ? and type in ('INVESTIGATION_CREATED', 'INVESTIGATION_STATE_CHANGED', 'ACTION_RECOMMENDED', 'ACTION_DECIDED')`,
        [await tenantId(t.app.orm, 'acme')],
      )) as [{ n: number }];
    expect(written).toBeGreaterThanOrEqual(3);
    await live.until((c) => c.data.length >= written, 'every event of the investigation');
    expect((await gql(t.url, admin, InvestigationsDocument, { first: 5 })).status).toBe(200);

    now = await scrape(metricsUrl);
    // HTTP by route and status.
    expect(moved(before, now, 'air_http_requests_total', { route: '/ingest', method: 'POST', status: '200' })).toBe(1);
    expect(moved(before, now, 'air_http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(moved(before, now, 'air_http_request_duration_seconds_count', { route: '/ingest' })).toBe(1);
    // Ingest records and bytes: exactly the body sent.
    expect(moved(before, now, 'air_ingest_records_total', { outcome: 'stored' })).toBe(2);
    expect(moved(before, now, 'air_ingest_records_total', { outcome: 'failed' })).toBe(1);
    expect(moved(before, now, 'air_ingest_stored_records_total', { type: 'message' })).toBe(1);
    expect(moved(before, now, 'air_ingest_stored_records_total', { type: 'alert' })).toBe(1);
    expect(moved(before, now, 'air_ingest_bytes_total')).toBe(Buffer.byteLength(body));
    // GraphQL by operation name; the polls above were anonymous.
    expect(
      moved(before, now, 'air_graphql_named_operation_seconds_count', { operation: 'Investigations', type: 'query', outcome: 'ok' }),
    ).toBe(1);
    expect(
      moved(before, now, 'air_graphql_named_operation_seconds_count', { operation: '(anonymous)', type: 'query' }),
    ).toBeGreaterThanOrEqual(2);
    // Step durations: one observation per step of the log, under its key and final status.
    expect(investigation.logSteps.length).toBeGreaterThan(1);
    for (const step of investigation.logSteps) {
      expect([step.key, moved(before, now, 'air_playbook_step_seconds_count', { step: step.key, status: step.status })]).toEqual([
        step.key,
        1,
      ]);
    }
    expect(moved(before, now, 'air_playbook_step_seconds_count')).toBe(investigation.logSteps.length);
    // Events delivered live, each with its lag.
    const delivered = moved(before, now, 'air_events_delivered_total', { source: 'live' });
    expect(delivered).toBe(written);
    expect(moved(before, now, 'air_events_delivered_total', { type: 'INVESTIGATION_CREATED', source: 'live' })).toBe(1);
    expect(moved(before, now, 'air_event_delivery_lag_seconds_count', { source: 'live' })).toBe(delivered);
    expect(now.value('air_event_delivery_lag_seconds_sum', { source: 'live' })).toBeGreaterThan(0);

    // A replay from the first cursor counts as such, apart from the live path's lag.
    const replay = new Collector(client, TENANT_EVENTS, { after: '0' });
    await replay.until((c) => c.data.length >= delivered, 'the replay');
    const replayed = await scrape(metricsUrl);
    expect(moved(now, replayed, 'air_events_delivered_total', { source: 'replay' })).toBeGreaterThanOrEqual(delivered);
    expect(moved(now, replayed, 'air_event_delivery_lag_seconds_count', { source: 'replay' })).toBe(
      moved(now, replayed, 'air_events_delivered_total', { source: 'replay' }),
    );

    // The database gauges (read at most 5 s apart): this investigation in its final state, every other state 0.
    const gauges = await eventually('the investigation in the state gauge', async () => {
      const s = await scrape(metricsUrl);
      return s.value('air_investigations', { state: investigation.state }) === 1 && s;
    });
    expect(gauges.value('air_investigations')).toBe(1);
    for (const state of Object.values(InvestigationState)) expect(gauges.value('air_investigations', { state })).toBeDefined();
    for (const status of Object.values(ActionStatus)) expect(gauges.value('air_actions', { status })).toBeDefined();
    expect(gauges.value('air_job_queue_jobs', { queue: 'investigation-run', state: 'ready' })).toBe(0);
    expect(gauges.value('air_job_queue_oldest_ready_seconds', { queue: 'investigation-run' })).toBe(0);
    expect(gauges.value('air_db_pool_max')).toBe(10);
    expect(gauges.value('air_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(gauges.value('air_db_pool_waiting')).toBe(0);

    // Closing the socket ends its subscriptions.
    await disposeAll();
    await eventually('the socket and its subscriptions gone from the gauges', async () => {
      const s = await scrape(metricsUrl);
      return s.value('air_websocket_connections') === 0 && s.value('air_subscriptions_active') === 0;
    });
  });

  test('paths a client invents share one route label; an export is labelled by its route, not its id', async () => {
    const before = await scrape(metricsUrl);
    const base = t.url.replace(/\/graphql$/, '');
    for (const path of ['/nope', '/wp-login.php', '/graphql/../etc']) expect((await fetch(`${base}${path}`)).status).toBe(404);
    const id = '0190a000-0000-7000-8000-00000000dead';
    const exported = await fetch(`${base}/export/investigations/${id}/log.csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect(exported.status).toBe(404);
    const now = await scrape(metricsUrl);
    expect(moved(before, now, 'air_http_requests_total', { route: 'other', status: '404' })).toBe(3);
    expect(moved(before, now, 'air_http_requests_total', { route: '/export/investigations/:id/log.csv', status: '404' })).toBe(1);
    expect(now.text).not.toContain(id);
    expect(now.text).not.toContain('wp-login');
  });
});

describe('an API node without workers, and a worker process of its own', () => {
  let api: TestApp;
  let admin: string;
  let service: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    api = await startTestApp({ env: { AIR_WORKERS: '0' } });
    admin = await api.token('acme', Role.SECURITY_ADMIN);
    service = await api.token('acme', Role.SERVICE);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await api.stop();
  });

  test('with the pool exhausted /metrics still answers, and shows it: every connection in use, a query waiting', async () => {
    const pool = await ormPool(api.app.orm);
    const max = pool.options.max!;
    const held = await Promise.all(Array.from({ length: max }, () => pool.connect()));
    const waiting = pool.connect();
    try {
      const s = await scrape(api.app.server.metricsUrl);
      expect(s.value('air_db_pool_connections', { state: 'in_use' })).toBe(max);
      expect(s.value('air_db_pool_waiting')).toBe(1);
      expect(s.value('air_db_pool_max')).toBe(max);
    } finally {
      held[0]!.release();
      (await waiting).release();
      for (const c of held.slice(1)) c.release();
    }
    expect((await scrape(api.app.server.metricsUrl)).value('air_db_pool_waiting')).toBe(0);
  });

  test('a database that does not answer costs the scrape its database gauges, not the scrape', async () => {
    const locker = new pg.Client({ connectionString: api.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table investigations in access exclusive mode');
      const before = await scrape(api.app.server.metricsUrl);
      const failed = await eventually('a scrape whose database read timed out', async () => {
        const s = await scrape(api.app.server.metricsUrl);
        return moved(before, s, 'air_metrics_collect_failures_total') >= 1 && s;
      });
      expect(failed.value('air_investigations')).toBeUndefined();
      expect(failed.value('air_job_queue_jobs')).toBeUndefined();
      // The rest of the scrape is whole.
      expect(failed.value('air_db_pool_max')).toBe(10);
      expect(failed.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await eventually('the database gauges back', async () => (await scrape(api.app.server.metricsUrl)).value('air_investigations') === 0);
  });

  test("a queued investigation shows in the queue's depth and age; `npm run worker` runs it and serves its own /metrics", async () => {
    const raised = await gql<{ raiseAlert: { investigationId: string } }, unknown>(
      api.url,
      service,
      `mutation { raiseAlert(input: { kind: USER_COMPROMISED, user: "victim@acme.example" }) { investigationId } }`,
    );
    const id = raised.data!.raiseAlert.investigationId;
    const queued = await eventually('the job in the queue gauges', async () => {
      const s = await scrape(api.app.server.metricsUrl);
      return (
        s.value('air_job_queue_jobs', { queue: 'investigation-run', state: 'ready' }) === 1 &&
        s.value('air_job_queue_oldest_ready_seconds', { queue: 'investigation-run' })! > 0 &&
        s
      );
    });
    expect(queued.value('air_investigations', { state: InvestigationState.STARTING })).toBe(1);

    // The compiled worker entry point (dist/, built by the test global setup), on a free metrics port.
    const child = spawn(process.execPath, ['dist/src/cli/worker.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: api.databaseUrl,
        AIR_WORKERS: '1',
        AIR_METRICS_PORT: '0',
        AIR_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let workerMetrics: string | undefined;
    for await (const line of readline.createInterface({ input: child.stdout! })) {
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { msg?: string; metrics?: string };
      if (entry.msg === 'worker running investigations') {
        workerMetrics = entry.metrics;
        break;
      }
    }
    expect(workerMetrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    child.stdout!.resume();

    const investigation = await finished(api, admin, id);
    const worker = await scrape(workerMetrics!);
    // The steps ran in the worker: they show on its /metrics, and not on the API node's.
    for (const step of investigation.logSteps) {
      expect([step.key, worker.value('air_playbook_step_seconds_count', { step: step.key, status: step.status })]).toEqual([step.key, 1]);
    }
    expect((await scrape(api.app.server.metricsUrl)).value('air_playbook_step_seconds_count')).toBeUndefined();
    expect(worker.value('air_db_pool_max')).toBe(10);
    expect(worker.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    // The database-wide gauges are the API nodes' alone: one worker more does not count them twice.
    expect(worker.value('air_investigations')).toBeUndefined();
    expect(worker.value('air_job_queue_jobs')).toBeUndefined();

    await eventually('the queue drained in the gauges', async () => {
      const s = await scrape(api.app.server.metricsUrl);
      return s.value('air_job_queue_jobs', { queue: 'investigation-run', state: 'ready' }) === 0;
    });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.exitCode).toBe(0);
  });
});
