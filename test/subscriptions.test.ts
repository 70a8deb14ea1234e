import pg from 'pg';
import { tenantEntityManager } from '../src/context.js';
import { appendEvents, EventType, type EventInput } from '../src/realtime/outbox.js';
import { gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { Collector, disposeAll, registered, runOnce, wsClient } from './support/ws.js';
import { InvestigationEventsDocument, TenantEventsDocument, type InvestigationEventsSubscription } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';
import { isStreamEnd, StreamEndReason, type Delivery } from '../src/realtime/stream.types.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterEach(() => disposeAll());
afterAll(() => t.stop());

type Ev = InvestigationEventsSubscription['investigationEvents'];
const cursors = (c: Collector<InvestigationEventsSubscription>) => c.data.map((d) => d.investigationEvents.cursor);

/** Append events in one transaction, as the engine does; returns their cursors. */
async function append(tenantId: string, events: Omit<EventInput, 'tenantId'>[]): Promise<string[]> {
  const em = tenantEntityManager(t.app.orm, tenantId);
  await em.transactional((tx) =>
    appendEvents(
      tx,
      events.map((e) => ({ ...e, tenantId })),
    ),
  );
  const rows = await t.app.orm.em
    .getConnection()
    .execute<{ id: string }[]>(`select id from events where tenant_id = ? order by tx_id desc, id desc limit ?`, [tenantId, events.length]);
  return rows.map((r) => r.id).reverse();
}

const progress = (investigationId: string, n: number) => ({
  investigationId,
  type: EventType.STEP_PROGRESS,
  payload: { stepId: investigationId, progress: n, message: `at ${n}` },
});

async function watch(token: string, investigationId: string, after?: string) {
  const { client } = wsClient(t.url, token);
  return new Collector(client, InvestigationEventsDocument, { investigationId, after });
}

describe('authentication at connection_init', () => {
  test('no token and a bad token close the socket with 4401 before any subscription starts', async () => {
    const none = wsClient(t.url, null);
    const noneSub = new Collector(none.client, TenantEventsDocument, {});
    expect(await none.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/Not authenticated: send Authorization/) });
    expect((await noneSub.ended).error).toBeDefined();
    expect(noneSub.results).toEqual([]);

    const bad = wsClient(t.url, 'not.a.jwt');
    expect(await bad.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/token is malformed/) });
    const forged = wsClient(t.url, (await t.token('acme', Role.SECURITY_READER)).slice(0, -4) + 'AAAA');
    expect((await forged.closed).code).toBe(4401);
  });

  test('a token that expires while the socket is open closes it with 4401', async () => {
    const { client, closed } = wsClient(t.url, await t.token('acme', Role.SECURITY_READER, { ttlSeconds: 2 }));
    const sub = new Collector(client, TenantEventsDocument, {});
    expect(await closed).toMatchObject({ code: 4401, reason: 'Not authenticated: token expired' });
    await sub.ended;
  });

  test('sockets sharing one token all close at its expiry, and the token is refused afterwards though it verified before', async () => {
    const token = await t.token('acme', Role.SECURITY_READER, { ttlSeconds: 2 });
    // The first use verifies the token and the authenticator remembers it; both sockets share one expiry timer.
    expect((await gql(t.url, token, '{ me { tenant } }')).data).toEqual({ me: { tenant: 'acme' } });
    const first = wsClient(t.url, token);
    const second = wsClient(t.url, token);
    const subs = [new Collector(first.client, TenantEventsDocument, {}), new Collector(second.client, TenantEventsDocument, {})];
    for (const closed of [first.closed, second.closed]) {
      expect(await closed).toMatchObject({ code: 4401, reason: 'Not authenticated: token expired' });
    }
    await Promise.all(subs.map((s) => s.ended));
    // Remembered or not, an expired token opens nothing: not a socket, not an HTTP request.
    expect(await wsClient(t.url, token).closed).toMatchObject({ code: 4401, reason: 'Not authenticated: token expired' });
    const http = await gql(t.url, token, '{ me { tenant } }');
    expect(http.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Not authenticated: token expired']]);
  });
});

describe('authorization, exactly as queries have it', () => {
  test("another tenant's investigation id answers NOT_FOUND exactly like a missing one, and no event", async () => {
    const theirs = await seedInvestigation(t.app.orm, 'globex');
    const token = await t.token('acme', Role.SECURITY_ADMIN);
    const foreign = await watch(token, theirs.investigation.id, '0');
    const missing = await watch(token, '0190a000-0000-7000-8000-00000000dead', '0');
    const malformed = await watch(token, 'nope', '0');
    await Promise.all([foreign.ended, missing.ended, malformed.ended]);
    expect(foreign.data).toEqual([]);
    expect(foreign.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(foreign.errors[0]?.message).toBe(`Investigation '${theirs.investigation.id}' was not found`);
    expect(missing.errors[0]?.message).toBe(`Investigation '0190a000-0000-7000-8000-00000000dead' was not found`);
    expect(malformed.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

    // Nor does a cursor of theirs open a window into their outbox.
    const [theirCursor] = await append(theirs.tenantId, [progress(theirs.investigation.id, 1)]);
    const tenant = new Collector(wsClient(t.url, token).client, TenantEventsDocument, { after: theirCursor });
    await tenant.ended;
    expect(tenant.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }]);
  });

  test('a reader and an admin both receive events; SERVICE reads nothing', async () => {
    const inv = await seedInvestigation(t.app.orm, 'acme');
    const reader = await watch(await t.token('acme', Role.SECURITY_READER), inv.investigation.id);
    const admin = await watch(await t.token('acme', Role.GLOBAL_ADMIN), inv.investigation.id);
    const service = await watch(await t.token('acme', Role.SERVICE), inv.investigation.id);
    // Refused in onSubscribe, before anything runs: a graphql-ws `error` message.
    expect((await service.ended).error).toEqual([
      { message: 'Watching investigations needs a security role', extensions: { code: 'FORBIDDEN' } },
    ]);
    expect(service.data).toEqual([]);
    await registered(t.app.server.events, { investigationId: inv.investigation.id }, 2);
    const [cursor] = await append(inv.tenantId, [progress(inv.investigation.id, 42)]);
    for (const c of [reader, admin]) {
      await c.until((x) => x.data.length === 1);
      expect(c.data[0]?.investigationEvents).toMatchObject({ __typename: 'StepProgressEvent', cursor, progress: 42, message: 'at 42' });
    }
  });
});

describe('the event union', () => {
  test('every outbox type arrives as its typed event, with its cursor, in order', async () => {
    const inv = await seedInvestigation(t.app.orm, 'acme');
    const id = inv.investigation.id;
    const at = '2026-11-24T10:00:00.000Z';
    const written = await append(inv.tenantId, [
      {
        investigationId: id,
        type: EventType.INVESTIGATION_CREATED,
        payload: { id, playbook: 'MANUAL_INVESTIGATION', state: 'STARTING', title: 'T' },
      },
      { investigationId: id, type: EventType.INVESTIGATION_STATE_CHANGED, payload: { id, state: 'RUNNING' } },
      { investigationId: id, type: EventType.STEP_STARTED, payload: { stepId: id, key: 'root', startedAt: at } },
      progress(id, 50),
      {
        investigationId: id,
        type: EventType.STEP_COMPLETED,
        payload: { stepId: id, key: 'root', status: 'SKIPPED', endedAt: at, durationMs: 1234 },
      },
      { investigationId: id, type: EventType.STEP_FAILED, payload: { stepId: id, error: 'boom', endedAt: at, durationMs: 5 } },
      {
        investigationId: id,
        type: EventType.ENTITY_FOUND,
        payload: { id, kind: 'URL', value: 'https://evil.example', verdict: 'MALICIOUS' },
      },
      { investigationId: id, type: EventType.CLUSTER_FOUND, payload: { id, name: 'Similar', verdict: 'MALICIOUS', messageCount: 41 } },
      { investigationId: id, type: EventType.ACTION_RECOMMENDED, payload: { id, type: 'SOFT_DELETE_EMAILS', rationale: 'phish' } },
      {
        investigationId: id,
        type: EventType.ACTION_DECIDED,
        payload: { id, status: 'APPROVED', decidedBy: 'ann@acme', decidedAt: at, comment: 'go', source: 'MANUAL' },
      },
      { investigationId: id, type: EventType.ACTION_EXECUTED, payload: { id, status: 'COMPLETED', result: { moved: 41 } } },
      { investigationId: id, type: EventType.ACTION_EXECUTED, payload: { id, status: 'FAILED', error: 'mailbox gone' } },
    ]);
    const c = await watch(await t.token('acme', Role.SECURITY_READER), id, '0');
    await c.until((x) => x.data.length === written.length);
    expect(cursors(c)).toEqual(written);
    const events = c.data.map((d) => d.investigationEvents) as Ev[];
    expect(events.map((e) => e.__typename)).toEqual([
      'InvestigationCreatedEvent',
      'InvestigationStateChangedEvent',
      'StepStartedEvent',
      'StepProgressEvent',
      'StepCompletedEvent',
      'StepFailedEvent',
      'EntityFoundEvent',
      'ClusterFoundEvent',
      'ActionRecommendedEvent',
      'ActionDecidedEvent',
      'ActionExecutedEvent',
      'ActionExecutedEvent',
    ]);
    expect(events.every((e) => e.investigationId === id)).toBe(true);
    expect(events).toMatchObject([
      { playbook: 'MANUAL_INVESTIGATION', state: 'STARTING', title: 'T' },
      { state: 'RUNNING', stateReason: null },
      { stepId: id, key: 'root', startedAt: at },
      { progress: 50 },
      { key: 'root', stepStatus: 'SKIPPED', endedAt: at, durationMs: 1234 },
      { error: 'boom', durationMs: 5 },
      { entityId: id, kind: 'URL', value: 'https://evil.example', verdict: 'MALICIOUS' },
      { clusterId: id, name: 'Similar', messageCount: 41 },
      { actionId: id, type: 'SOFT_DELETE_EMAILS', rationale: 'phish' },
      { actionId: id, status: 'APPROVED', decidedBy: 'ann@acme', decidedAt: at, comment: 'go', source: 'MANUAL' },
      { actionId: id, status: 'COMPLETED', result: { moved: 41 }, error: null },
      { actionId: id, status: 'FAILED', result: null, error: 'mailbox gone' },
    ]);
  });
});

describe('cursors', () => {
  test('after replays what followed the cursor, then continues live: no gap, no duplicate at the seam', async () => {
    const inv = await seedInvestigation(t.app.orm, 'acme');
    const id = inv.investigation.id;
    const first = await append(
      inv.tenantId,
      [1, 2, 3, 4, 5].map((n) => progress(id, n)),
    );
    const c = await watch(await t.token('acme', Role.SECURITY_READER), id, first[1]);
    // Written while the replay may still be reading: each must arrive exactly once.
    const during = await append(
      inv.tenantId,
      [6, 7].map((n) => progress(id, n)),
    );
    await c.until((x) => x.data.length >= 5);
    const after = await append(
      inv.tenantId,
      [8, 9].map((n) => progress(id, n)),
    );
    await c.until((x) => x.data.length >= 7);
    expect(cursors(c)).toEqual([...first.slice(2), ...during, ...after]);
    expect(c.data.map((d) => (d.investigationEvents as { progress: number }).progress)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  test('tenantEvents: only the tenant, only the chosen types, never another tenant', async () => {
    const mine = await seedInvestigation(t.app.orm, 'initech');
    const theirs = await seedInvestigation(t.app.orm, 'globex');
    const token = await t.token('initech', Role.SECURITY_READER);
    const all = new Collector(wsClient(t.url, token).client, TenantEventsDocument, {});
    const onlyActions = new Collector(wsClient(t.url, token).client, TenantEventsDocument, { types: ['ACTION_RECOMMENDED'] });
    await registered(t.app.server.events, { tenantId: mine.tenantId }, 2);
    const action = { type: EventType.ACTION_RECOMMENDED, payload: { id: mine.investigation.id, type: 'BLOCK_URL', rationale: 'r' } };
    await append(theirs.tenantId, [
      { investigationId: theirs.investigation.id, type: EventType.INVESTIGATION_CREATED, payload: { id: theirs.investigation.id } },
      { investigationId: theirs.investigation.id, ...action },
    ]);
    const [created, , recommended, changed] = await append(mine.tenantId, [
      {
        investigationId: mine.investigation.id,
        type: EventType.INVESTIGATION_CREATED,
        payload: { id: mine.investigation.id, state: 'STARTING', playbook: 'ZAPPED_PHISH' },
      },
      progress(mine.investigation.id, 1),
      { investigationId: mine.investigation.id, ...action },
      {
        investigationId: mine.investigation.id,
        type: EventType.INVESTIGATION_STATE_CHANGED,
        payload: { id: mine.investigation.id, state: 'PENDING_ACTION' },
      },
    ]);
    // The last one written arrived, and events arrive in order: nothing else is still on its way.
    await all.until((x) => x.data.some((d) => d.tenantEvents.cursor === changed));
    await onlyActions.until((x) => x.data.length === 1);
    expect(all.data.map((d) => d.tenantEvents.cursor)).toEqual([created, recommended, changed]);
    expect(all.data.every((d) => d.tenantEvents.investigationId === mine.investigation.id)).toBe(true);
    expect(onlyActions.data.map((d) => d.tenantEvents.cursor)).toEqual([recommended]);
  });

  test('an id taken early and committed late is delivered, before the later id, and never skipped', async () => {
    const inv = await seedInvestigation(t.app.orm, 'acme');
    const id = inv.investigation.id;
    const c = await watch(await t.token('acme', Role.SECURITY_READER), id);
    await registered(t.app.server.events, { investigationId: id }, 1);
    const [a, b] = [new pg.Client({ connectionString: t.databaseUrl }), new pg.Client({ connectionString: t.databaseUrl })];
    await Promise.all([a.connect(), b.connect()]);
    const insert = `insert into events (tenant_id, investigation_id, type, payload) values ($1, $2, 'STEP_PROGRESS', $3) returning id`;
    try {
      await a.query('begin');
      const early = (await a.query(insert, [inv.tenantId, id, { stepId: id, progress: 10 }])).rows[0].id as string;
      await b.query('begin');
      const late = (await b.query(insert, [inv.tenantId, id, { stepId: id, progress: 11 }])).rows[0].id as string;
      expect(BigInt(late)).toBeGreaterThan(BigInt(early));
      await b.query(`select pg_notify('air_events', '')`);
      await b.query('commit');
      // The node reads while `early` is still uncommitted: an id-only reader would pass it here.
      await t.app.server.events.afterNextRead();
      expect(c.data).toEqual([]);
      await a.query(`select pg_notify('air_events', '')`);
      await a.query('commit');
      await c.until((x) => x.data.length === 2);
      expect(cursors(c)).toEqual([early, late]);
      // And a replay from before both sees them in the same order.
      const replay = await watch(await t.token('acme', Role.SECURITY_READER), id, '0');
      await replay.until((x) => x.data.length === 2);
      expect(cursors(replay)).toEqual([early, late]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe('bounded queues', () => {
  test('a subscription that does not read ends with SLOW_CONSUMER and the cursor to resume from, holding no more than its bound', async () => {
    const inv = await seedInvestigation(t.app.orm, 'acme');
    const id = inv.investigation.id;
    const stream = t.app.server.events;
    const filter = { tenantId: inv.tenantId, investigationId: id, expiresAt: Date.now() / 1000 + 600 };
    // The reader has passed an earlier event once a live subscriber has received it: reads stop below the
    // oldest transaction in flight, and the app's workers may hold that back for a moment under load.
    const probe = stream.subscribe(filter);
    const [zero] = await append(inv.tenantId, [progress(id, 0)]);
    expect(((await probe.next()).value as Delivery & { cursor: string }).cursor).toBe(zero);
    await probe.return?.();
    const sub = stream.subscribe(filter);
    await stream.afterNextRead();
    // Read one, then stop reading while more than the bound arrives.
    const [first] = await append(inv.tenantId, [progress(id, 1)]);
    await stream.afterNextRead();
    expect(((await sub.next()).value as Delivery & { cursor: string }).cursor).toBe(first);
    await append(
      inv.tenantId,
      Array.from({ length: stream.queueLimit + 1 }, (_, i) => progress(id, i)),
    );
    await stream.afterNextRead();
    const end = (await sub.next()).value as Delivery;
    expect(isStreamEnd(end) && end).toEqual({ end: StreamEndReason.SLOW_CONSUMER, resumeAfter: first });
    expect((await sub.next()).done).toBe(true);
  });

  test('over the socket: a burst past the bound ends the stream with an error naming the cursor to resume after; a replay is paced, not refused', async () => {
    const small = await startTestApp({ env: { AIR_SUBSCRIPTION_QUEUE: '3' } });
    try {
      const inv = await seedInvestigation(small.app.orm, 'acme');
      const id = inv.investigation.id;
      const token = await small.token('acme', Role.SECURITY_READER);
      const burst = async (from: number) => {
        const em = tenantEntityManager(small.app.orm, inv.tenantId);
        await em.transactional((tx) =>
          appendEvents(
            tx,
            Array.from({ length: 6 }, (_, i) => ({ tenantId: inv.tenantId, ...progress(id, from + i) })),
          ),
        );
      };
      const live = new Collector(wsClient(small.url, token).client, InvestigationEventsDocument, { investigationId: id });
      await registered(small.app.server.events, { investigationId: id }, 1);
      // One transaction of six: the node hands all six to the subscription at once, and its queue holds three.
      await burst(1);
      expect(await live.ended).toEqual({});
      // The first may have gone straight to the waiting socket; the rest overflowed.
      expect(live.data.length).toBeLessThanOrEqual(1);
      const lastReceived = live.data.at(-1)?.investigationEvents.cursor ?? null;
      expect(live.errors).toEqual([
        {
          message: expect.stringMatching(/faster than this subscription read them.*subscribe again with/),
          extensions: { code: 'CONFLICT', reason: 'SLOW_CONSUMER', resumeAfter: lastReceived },
          locations: expect.any(Array),
          path: ['investigationEvents'],
        },
      ]);

      // Resuming replays the six, a batch at a time as the client takes them, and continues live.
      const resumed = new Collector(wsClient(small.url, token).client, InvestigationEventsDocument, { investigationId: id, after: '0' });
      await resumed.until((x) => x.data.length === 6);
      expect(resumed.errors).toEqual([]);
      expect(resumed.data.map((d) => (d.investigationEvents as { progress: number }).progress)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await disposeAll();
      await small.stop();
    }
  });
});

describe('every operation a socket sends passes the HTTP rules', () => {
  test('queries run over the socket under shield; the query limits refuse what HTTP refuses', async () => {
    const service = wsClient(t.url, await t.token('acme', Role.SERVICE)).client;
    expect(await runOnce(service, '{ me { tenant roles } }')).toEqual({ result: { data: { me: { tenant: 'acme', roles: ['SERVICE'] } } } });
    const denied = await runOnce(service, '{ investigations { totalCount } }');
    expect(denied.result?.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const { client } = wsClient(t.url, await t.token('acme', Role.SECURITY_READER));

    const aliases = `subscription { tenantEvents { ... on InvestigationCreatedEvent { ${Array.from({ length: 20 }, (_, i) => `a${i}: cursor`).join(' ')} } } }`;
    expect((await runOnce(client, aliases)).errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/too many aliases/), extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
    expect((await runOnce(client, 'subscription { nope }')).errors).toEqual([
      expect.objectContaining({ message: 'Cannot query field "nope" on type "Subscription".', extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
    // A document refused once is refused the same way again, on another socket (documents are cached by text).
    const again = wsClient(t.url, await t.token('acme', Role.SECURITY_READER)).client;
    for (const query of [aliases, 'subscription { nope }'])
      expect((await runOnce(again, query)).errors).toEqual((await runOnce(client, query)).errors);
    expect((await runOnce(again, 'subscription {')).errors).toEqual([
      expect.objectContaining({ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { code: 'BAD_USER_INPUT' } }),
    ]);
    // HTTP refuses the same document with the same message.
    const http = await gql(
      t.url,
      await t.token('acme', Role.SECURITY_READER),
      aliases.replace('subscription { tenantEvents', 'query { me'),
    );
    expect(http.errors![0]?.message).toMatch(/too many aliases/);
  });
});
