import { tenantEntityManager } from '../src/context.js';
import { appendEvents, EventType, type EventInput } from '../src/realtime/outbox.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { LogStep } from '../src/investigations/log-step.entity.js';
import { Action } from '../src/actions/action.entity.js';
import { InvestigationState, StepStatus } from '../src/domain/investigation.js';
import { ActionStatus } from '../src/domain/action.js';
import { Role } from '../src/domain/role.js';
import { startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { Collector, disposeAll, registered, wsClient } from './support/ws.js';
import { eventually } from './support/eventually.js';
import { InvestigationEventObjectsDocument, type InvestigationEventObjectsSubscription } from './generated/graphql.js';
import type { EntityManager } from '@mikro-orm/postgresql';

let t: TestApp;
const statements: string[] = [];
beforeAll(async () => {
  t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
});
afterEach(() => disposeAll());
afterAll(() => t.stop());

/** A change and its events in one transaction, as the engine and the lifecycle service write them. */
async function commit(tenantId: string, change: (tx: EntityManager) => Promise<unknown>, events: Omit<EventInput, 'tenantId'>[]) {
  await tenantEntityManager(t.app.orm, tenantId).transactional(async (tx) => {
    await change(tx);
    await appendEvents(
      tx,
      events.map((e) => ({ ...e, tenantId })),
    );
  });
}

type Event = InvestigationEventObjectsSubscription['investigationEvents'];
const ofType = <T extends Event['__typename']>(c: Collector<InvestigationEventObjectsSubscription>, type: T) =>
  c.data.map((d) => d.investigationEvents).filter((e): e is Extract<Event, { __typename: T }> => e.__typename === type);

test('every event carries the object it changed, as it is after the change, with its id', async () => {
  const seeded = await seedInvestigation(t.app.orm, 'acme', { steps: 2, actions: 1 });
  const { tenantId, investigation, steps, entities, clusters, actions } = seeded;
  const token = await t.token('acme', Role.SECURITY_READER);
  const watcher = new Collector(wsClient(t.url, token).client, InvestigationEventObjectsDocument, { investigationId: investigation.id });
  await registered(t.app.server.events, { investigationId: investigation.id }, 1);

  const step = steps[0]!;
  await commit(
    tenantId,
    (tx) => tx.nativeUpdate(LogStep, { id: step.id }, { status: StepStatus.RUNNING, progress: 40, progressMessage: 'reading mail' }),
    [
      {
        investigationId: investigation.id,
        type: EventType.STEP_PROGRESS,
        payload: { stepId: step.id, progress: 40, message: 'reading mail' },
      },
    ],
  );
  await commit(tenantId, async () => undefined, [
    { investigationId: investigation.id, type: EventType.ENTITY_FOUND, payload: { id: entities[0]!.id } },
    { investigationId: investigation.id, type: EventType.CLUSTER_FOUND, payload: { id: clusters[0]!.cluster.id } },
  ]);
  await commit(
    tenantId,
    (tx) =>
      tx.nativeUpdate(Action, { id: actions[0]!.id }, { status: ActionStatus.REJECTED, decisionComment: 'not ours', decidedBy: 'ann' }),
    [{ investigationId: investigation.id, type: EventType.ACTION_DECIDED, payload: { id: actions[0]!.id, status: 'REJECTED' } }],
  );
  await commit(tenantId, (tx) => tx.nativeUpdate(Investigation, { id: investigation.id }, { state: InvestigationState.REMEDIATED }), [
    {
      investigationId: investigation.id,
      type: EventType.INVESTIGATION_STATE_CHANGED,
      payload: { id: investigation.id, state: 'REMEDIATED' },
    },
  ]);
  await watcher.until((c) => c.data.length === 5);

  expect(watcher.errors).toEqual([]);
  expect(ofType(watcher, 'StepProgressEvent')[0]!.step).toEqual({
    id: step.id,
    status: 'RUNNING',
    progress: 40,
    progressMessage: 'reading mail',
  });
  expect(ofType(watcher, 'EntityFoundEvent')[0]!.entity).toMatchObject({ id: entities[0]!.id, value: entities[0]!.value });
  expect(ofType(watcher, 'ClusterFoundEvent')[0]!.cluster).toMatchObject({ id: clusters[0]!.cluster.id, name: 'Cluster 0' });
  expect(ofType(watcher, 'ActionDecidedEvent')[0]!.action).toEqual({ id: actions[0]!.id, status: 'REJECTED', decisionComment: 'not ours' });
  const changed = ofType(watcher, 'InvestigationStateChangedEvent')[0]!.investigation;
  expect(changed).toMatchObject({ id: investigation.id, state: 'REMEDIATED' });
  // Relations below the object are read for this event, not served from what an earlier event cached.
  expect(changed.logSteps.find((s) => s.id === step.id)?.status).toBe('RUNNING');
});

test('a batch of events costs one statement for its objects, however many subscribers and events', async () => {
  const seeded = await Promise.all(Array.from({ length: 8 }, () => seedInvestigation(t.app.orm, 'initech', { steps: 1, actions: 0 })));
  const tenantId = seeded[0]!.tenantId;
  const ids = seeded.map((s) => s.investigation.id);
  const token = await t.token('initech', Role.SECURITY_READER);
  // Two documents, so the two subscribers do not share one execution: each resolves the objects itself.
  const documents = ['id state', 'id state title'].map(
    (fields) => `subscription { tenantEvents { __typename ... on InvestigationStateChangedEvent { cursor investigation { ${fields} } } } }`,
  );
  const watchers = documents.map((query) => {
    const client = wsClient(t.url, token).client;
    const results: { data?: unknown; errors?: unknown }[] = [];
    client.subscribe({ query }, { next: (r) => void results.push(r), error: () => undefined, complete: () => undefined });
    return results;
  });
  await registered(t.app.server.events, { tenantId }, 2);

  const from = statements.length;
  await commit(
    tenantId,
    (tx) => tx.nativeUpdate(Investigation, { id: { $in: ids } }, { state: InvestigationState.NO_THREATS_FOUND }),
    ids.map((id) => ({ investigationId: id, type: EventType.INVESTIGATION_STATE_CHANGED, payload: { id, state: 'NO_THREATS_FOUND' } })),
  );
  await t.app.server.events.afterNextRead();
  await eventually('both subscribers received every event', () => watchers.every((w) => w.length === ids.length));

  for (const results of watchers) {
    expect(results.every((r) => !r.errors)).toBe(true);
    const states = results.map(
      (r) => (r.data as { tenantEvents: { investigation: { id: string; state: string } } }).tenantEvents.investigation,
    );
    expect(states.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(['NO_THREATS_FOUND']));
  }
  // The statement log carries placeholders, not values: one select for all eight ids, none per event or subscriber.
  const loads = statements.slice(from).filter((sql) => /^select .* from "investigations"/.test(sql));
  expect(loads).toEqual([
    `select "i0".* from "investigations" as "i0" where "i0"."tenant_id" = ? and "i0"."id" in (${ids.map(() => '?').join(', ')})`,
  ]);
});

test("an event never carries another tenant's object, even when its row names one", async () => {
  const ours = await seedInvestigation(t.app.orm, 'acme', { steps: 1 });
  const theirs = await seedInvestigation(t.app.orm, 'globex', { steps: 1 });
  const token = await t.token('globex', Role.SECURITY_ADMIN);
  const watcher = new Collector(wsClient(t.url, token).client, InvestigationEventObjectsDocument, {
    investigationId: theirs.investigation.id,
  });
  await registered(t.app.server.events, { investigationId: theirs.investigation.id }, 1);
  // A globex outbox row naming an acme step: only a bug could write it; the load must still not cross tenants.
  await commit(theirs.tenantId, async () => undefined, [
    {
      investigationId: theirs.investigation.id,
      type: EventType.STEP_PROGRESS,
      payload: { stepId: ours.steps[0]!.id, progress: 10 },
    },
  ]);
  await watcher.until((c) => c.results.length === 1);
  expect(watcher.data).toEqual([]);
  expect(watcher.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  expect(JSON.stringify(watcher.results)).not.toContain(ours.steps[0]!.id);
});
