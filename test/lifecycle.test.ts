import { codes, gql, ingestRecords, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { seedInvestigation } from './support/fixtures.js';
import { BUILTIN_EXECUTORS } from '../src/actions/builtin.executor.js';
import type { ExecutorRegistry } from '../src/actions/executor.js';
import { expirePendingActions } from '../src/actions/expiry.service.js';
import { reconcile, settleInvestigations } from '../src/investigations/lifecycle.service.js';
import { tenantEntityManager } from '../src/context.js';
import { routeWaitingAlerts } from '../src/investigations/intake.service.js';
import { Role } from '../src/domain/role.js';
import { sql as rawSql } from '../src/db/sql.js';

/**
 * The investigation lifecycle's transitions, each a regression test of a bug found by using the product:
 * throttled investigations start when room frees up (by any path), settling is race-free and repaired
 * by reconciliation, alerts get one set of defaults by either entry path, executors are one plugged-in
 * registry for running and undoing, `updatedAt` moves. Real servers over HTTP, real pg-boss workers.
 */
let t: TestApp;
let admin: (tenant: string) => Promise<string>;

const REJECT = `mutation($ids: [ID!]!) { rejectActions(ids: $ids) { id outcome } }`;
const APPROVE = `mutation($ids: [ID!]!) { approveActions(ids: $ids) { id outcome } }`;
const CANCEL = `mutation($id: ID!) { cancelInvestigation(id: $id) { id state } }`;
const UNDO = `mutation($id: ID!) { undoAction(id: $id) { id status result } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { alertId investigationId investigationState merged } }`;
const STATE = `query($id: ID!) { investigation(id: $id) { state createdAt startedAt updatedAt } }`;

interface Receipt {
  alertId: string;
  investigationId: string;
  investigationState: string;
  merged: boolean;
}
interface InvestigationRow {
  state: string;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  t.app.orm.em.fork().transactional((tx) => rawSql<T>(tx, query, params));

async function investigation(tenant: string, id: string): Promise<InvestigationRow> {
  const res = await gql(t.url, await admin(tenant), STATE, { id });
  expect(res.errors).toBeUndefined();
  return (res.data as { investigation: InvestigationRow }).investigation;
}

async function raise(tenant: string, input: Record<string, unknown>, token?: string) {
  return gql(t.url, token ?? (await admin(tenant)), RAISE, { input });
}

/** Tenant with room for one investigation awaiting action, which a seeded one takes; then a second alert queues. */
async function throttledTenant(tenant: string) {
  const seeded = await seedInvestigation(t.app.orm, tenant, { actions: 1 });
  await sql(`update tenants set max_pending_investigations = 1 where id = ?`, [seeded.tenantId]);
  const res = await raise(tenant, { kind: 'RISKY_SIGN_IN', user: `queued@${tenant}.example` });
  expect(res.errors).toBeUndefined();
  const queued = (res.data as { raiseAlert: Receipt }).raiseAlert;
  expect(queued.investigationState).toBe('QUEUED_BY_THROTTLING');
  return { seeded, queued };
}

const started = (tenant: string, id: string) =>
  eventually(
    `investigation ${id} to leave the throttling queue`,
    async () => {
      const row = await investigation(tenant, id);
      return row.state !== 'QUEUED_BY_THROTTLING' && row.startedAt ? row : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '2' } });
  admin = (tenant) => t.token(tenant, Role.SECURITY_ADMIN);
}, 60_000);
afterAll(() => t.stop());

describe('throttled investigations start as soon as room frees up', () => {
  test('when a rejection settles the investigation that held the room', async () => {
    const { seeded, queued } = await throttledTenant('throttle-reject');
    const res = await gql(t.url, await admin('throttle-reject'), REJECT, { ids: [seeded.actions[0]!.id] });
    expect(res.errors).toBeUndefined();
    expect((await investigation('throttle-reject', seeded.investigation.id)).state).toBe('PARTIALLY_REMEDIATED');
    const row = await started('throttle-reject', queued.investigationId);
    // updatedAt moves with every transition (it stayed at createdAt for every investigation).
    expect(new Date(row.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(row.startedAt!).getTime());
    expect(new Date(row.updatedAt).getTime()).toBeGreaterThan(new Date(row.createdAt).getTime());
  });

  test('when the investigation that held the room is cancelled', async () => {
    const { seeded, queued } = await throttledTenant('throttle-cancel');
    const res = await gql(t.url, await admin('throttle-cancel'), CANCEL, { id: seeded.investigation.id });
    expect(res.errors).toBeUndefined();
    await started('throttle-cancel', queued.investigationId);
  });

  test('when its pending actions expire', async () => {
    const { seeded, queued } = await throttledTenant('throttle-expire');
    await sql(`update actions set expires_at = now() - interval '1 minute' where id = ?`, [seeded.actions[0]!.id]);
    // The scheduled sweep's work, run now instead of at the next minute.
    expect(await expirePendingActions(t.app.orm, t.app.queue)).toBeGreaterThanOrEqual(1);
    expect((await investigation('throttle-expire', seeded.investigation.id)).state).toBe('TERMINATED_BY_SYSTEM');
    await started('throttle-expire', queued.investigationId);
  });

  test('when a worker starts and finds room (nothing else would have woken it)', async () => {
    const { seeded, queued } = await throttledTenant('throttle-boot');
    // Room appears behind the lifecycle's back (an operator raised the limit): only a worker start or the sweep notices.
    await sql(`update tenants set max_pending_investigations = 5 where id = ?`, [seeded.tenantId]);
    const node = await startTestApp({ databaseUrl: t.databaseUrl, env: { AIR_WORKERS: '1' } });
    try {
      // Started by the time the node is up (its start reconciles before bootstrap returns), not by a
      // minute's sweep that might have fired meanwhile: the queued investigation has left the queue already.
      const [row] = await sql<{ state: string }>(`select state from investigations where id = ?`, [queued.investigationId]);
      expect(row?.state).not.toBe('QUEUED_BY_THROTTLING');
      await started('throttle-boot', queued.investigationId);
    } finally {
      await node.stop();
    }
  });
});

describe('settling', () => {
  test('two transactions completing the last two actions at once: exactly one settles the investigation (no write skew)', async () => {
    const { tenantId, investigation: inv, actions } = await seedInvestigation(t.app.orm, 'write-skew', { actions: 2 });
    await sql(`update actions set status = 'RUNNING' where id = any(?::uuid[])`, [actions.map((a) => a.id)]);
    // Each transaction completes its own action, then waits until the other has too, then settles:
    // under READ COMMITTED both counted the other's action as RUNNING and neither settled.
    const completed: (() => void)[] = [];
    const both = Promise.all([0, 1].map((i) => new Promise<void>((r) => (completed[i] = r))));
    const complete = (i: number) =>
      tenantEntityManager(t.app.orm, tenantId).transactional(async (tx) => {
        await rawSql(tx, `update actions set status = 'COMPLETED', completed_at = now() where id = ?`, [actions[i]!.id]);
        completed[i]!();
        await both;
        return settleInvestigations(tx, t.app.queue, tenantId, [inv.id]);
      });
    const settledBy = await Promise.all([complete(0), complete(1)]);
    expect(settledBy.flat()).toEqual([inv.id]);
    expect((await investigation('write-skew', inv.id)).state).toBe('REMEDIATED');
  });

  test('an investigation whose actions all closed while nothing settled it is repaired by reconciliation', async () => {
    const { investigation: inv, actions } = await seedInvestigation(t.app.orm, 'reconcile', { actions: 2 });
    await sql(`update actions set status = 'COMPLETED', completed_at = now() where id = any(?::uuid[])`, [actions.map((a) => a.id)]);
    expect((await investigation('reconcile', inv.id)).state).toBe('PENDING_ACTION');
    expect((await reconcile(t.app.orm, t.app.queue)).settled).toBeGreaterThanOrEqual(1);
    expect((await investigation('reconcile', inv.id)).state).toBe('REMEDIATED');
  });
});

describe('alerts: one table of defaults for both entry paths; raiseAlert idempotent by id', () => {
  test('/ingest refuses an alert without the field its kind needs, as a per-line error', async () => {
    const service = await t.token('alerts', Role.SERVICE);
    const lines = [
      { type: 'alert', id: 'no-url', kind: 'URL_VERDICT_CHANGE', at: new Date().toISOString() },
      { type: 'alert', id: 'with-url', kind: 'URL_VERDICT_CHANGE', at: new Date().toISOString(), url: 'https://bad.example/x' },
    ];
    const report = await ingestRecords(t, service, lines);
    expect(report.failed).toBe(1);
    expect(report.errors[0]).toMatchObject({ line: 1, id: 'no-url' });
    expect(report.errors[0]!.message).toMatch(/url/);
    // The same kind raised through GraphQL gets the same default severity as through /ingest.
    const raised = await raise('alerts', { kind: 'URL_VERDICT_CHANGE', url: 'https://bad.example/y' }, service);
    expect(raised.errors).toBeUndefined();
    const severities = await sql<{ external_id: string | null; severity: string }>(
      `select a.external_id, a.severity from alerts a join tenants t on t.id = a.tenant_id where t.name = 'alerts' and a.kind = 'URL_VERDICT_CHANGE'`,
    );
    expect(new Set(severities.map((s) => s.severity))).toEqual(new Set(['HIGH']));
    expect(severities).toHaveLength(2);
  });

  test('raiseAlert with the id of an alert /ingest stored (its message not yet there) routes it, then answers the same', async () => {
    const service = await t.token('alerts-2', Role.SERVICE);
    const at = new Date().toISOString();
    expect(
      (await ingestRecords(t, service, [{ type: 'alert', id: 'early-report', kind: 'USER_REPORTED', at, messageId: 'late-message' }]))
        .failed,
    ).toBe(0);
    const input = { id: 'early-report', kind: 'USER_REPORTED', messageId: 'late-message', user: 'reporter@alerts-2.example' };
    // The message is still missing: a clear refusal, not "Unexpected error." from a duplicate insert.
    const early = await raise('alerts-2', input, service);
    expect(codes(early)).toEqual(['BAD_USER_INPUT']);
    const message = {
      type: 'message',
      id: 'late-message',
      recipient: 'reporter@alerts-2.example',
      sender: 'someone@elsewhere.example',
      subject: 'Quarterly figures',
      body: 'See attached.',
      receivedAt: at,
      location: 'INBOX',
    };
    expect((await ingestRecords(t, service, [message])).failed).toBe(0);
    const first = await raise('alerts-2', input, service);
    expect(first.errors).toBeUndefined();
    const receipt = (first.data as { raiseAlert: Receipt }).raiseAlert;
    const again = await raise('alerts-2', input, service);
    expect(again.errors).toBeUndefined();
    expect((again.data as { raiseAlert: Receipt }).raiseAlert).toMatchObject({
      alertId: receipt.alertId,
      investigationId: receipt.investigationId,
      merged: true,
    });
    const rows = await sql<{ n: number }>(
      `select count(*)::int n from alerts a join tenants t on t.id = a.tenant_id where t.name = 'alerts-2' and a.external_id = 'early-report'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe('an alert that arrives before its message', () => {
  test('waits, and starts its playbook once the message is ingested (the lifecycle sweep routes it)', async () => {
    const service = await t.token('early-alerts', Role.SERVICE);
    const at = new Date().toISOString();
    expect(
      (await ingestRecords(t, service, [{ type: 'alert', id: 'zap-first', kind: 'PHISH_ZAPPED', at, messageId: 'zapped-later' }])).failed,
    ).toBe(0);
    const waiting = () =>
      sql<{ investigation_id: string | null }>(
        `select a.investigation_id from alerts a join tenants t on t.id = a.tenant_id where t.name = 'early-alerts' and a.external_id = 'zap-first'`,
      );
    expect((await waiting())[0]?.investigation_id).toBeNull();
    // Nothing to route while the message is missing.
    await routeWaitingAlerts(t.app.orm, t.app.queue);
    expect((await waiting())[0]?.investigation_id).toBeNull();
    const message = {
      type: 'message',
      id: 'zapped-later',
      recipient: 'someone@early-alerts.example',
      sender: 'billing@elsewhere.example',
      subject: 'Your invoice',
      body: 'Open the attachment.',
      receivedAt: at,
      location: 'QUARANTINE',
    };
    expect((await ingestRecords(t, service, [message])).failed).toBe(0);
    // The sweep's work, run now instead of at the next minute.
    expect(await routeWaitingAlerts(t.app.orm, t.app.queue)).toBeGreaterThanOrEqual(1);
    const [row] = await waiting();
    expect(row?.investigation_id).toBeTruthy();
    expect((await investigation('early-alerts', row!.investigation_id!)).state).not.toBe('FAILED');
  });
});

describe('one executor registry, given to bootstrap, for running and undoing', () => {
  let plugged: TestApp;
  const calls: string[] = [];
  /** Both executors wait here until the other has started: the two actions complete at the same moment. */
  let arrived = 0;
  let release!: () => void;
  const together = new Promise<void>((r) => (release = r));
  const meet = async () => {
    if (++arrived === 2) release();
    // Cleared once met: a pending 10 s timer would outlive the file (the leak check counts it).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([together, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
  };
  const executors: ExecutorRegistry = {
    ...BUILTIN_EXECUTORS,
    SOFT_DELETE_EMAILS: {
      run: async () => {
        calls.push('run SOFT_DELETE_EMAILS');
        await meet();
        return { plugged: true };
      },
      undo: async (_ctx, result) => {
        calls.push('undo SOFT_DELETE_EMAILS');
        return { restoredBy: 'plugged', ran: result };
      },
    },
    BLOCK_URL: {
      run: async () => {
        calls.push('run BLOCK_URL');
        await meet();
        return { plugged: true };
      },
    },
  };

  beforeAll(async () => {
    plugged = await startTestApp({ databaseUrl: t.databaseUrl, env: { AIR_WORKERS: '2' }, executors });
  }, 60_000);
  afterAll(() => plugged.stop());

  test('two actions completing at once on two workers settle the investigation (no write skew); undo uses the plugged registry', async () => {
    // Only the plugged node runs actions here: the first node's workers stop taking action jobs.
    await t.app.queue.boss.offWork('action-run');
    const { investigation: inv, actions } = await seedInvestigation(t.app.orm, 'plugged', { actions: 2 });
    const token = await plugged.token('plugged', Role.SECURITY_ADMIN);
    const res = await gql(plugged.url, token, APPROVE, { ids: actions.map((a) => a.id) });
    expect(res.errors).toBeUndefined();
    const state = await eventually(
      'the investigation to settle',
      async () => {
        const s = (await investigation('plugged', inv.id)).state;
        return s !== 'PENDING_ACTION' && s;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(state).toBe('REMEDIATED');
    // Settled by the transaction that completed the last action, not later by the reconciliation sweep:
    // the REMEDIATED event was written in the same transaction as one of the COMPLETED events.
    const events = await sql<{ type: string; state: string | null; status: string | null; tx: string }>(
      `select type, payload->>'state' as state, payload->>'status' as status, tx_id::text as tx from events where investigation_id = ?`,
      [inv.id],
    );
    const completedIn = new Set(events.filter((e) => e.type === 'ACTION_EXECUTED' && e.status === 'COMPLETED').map((e) => e.tx));
    const remediated = events.filter((e) => e.type === 'INVESTIGATION_STATE_CHANGED' && e.state === 'REMEDIATED');
    expect(remediated).toHaveLength(1);
    expect(completedIn.has(remediated[0]!.tx)).toBe(true);
    expect(calls.sort()).toEqual(['run BLOCK_URL', 'run SOFT_DELETE_EMAILS']);
    const soft = actions.find((a) => a.type === 'SOFT_DELETE_EMAILS')!;
    const undone = await gql(plugged.url, token, UNDO, { id: soft.id });
    expect(undone.errors).toBeUndefined();
    expect((undone.data as { undoAction: { status: string; result: Record<string, unknown> } }).undoAction).toMatchObject({
      status: 'UNDONE',
      result: { plugged: true, undo: { restoredBy: 'plugged' } },
    });
    expect(calls).toContain('undo SOFT_DELETE_EMAILS');
  });
});
