import type { EntityManager } from '@mikro-orm/postgresql';
import { connectDatabase, type Orm } from '../src/db/database.js';
import { JobQueue } from '../src/jobs/queue.js';
import { tenantEntityManager } from '../src/context.js';
import { runInvestigation, validatePlaybook, type EngineDeps } from '../src/playbooks/engine.js';
import type { PlaybookDefinition, StepDefinition } from '../src/playbooks/playbook.types.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { LogStep } from '../src/investigations/log-step.entity.js';
import { GraphEdge, InvestigatedEntity } from '../src/investigations/investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from '../src/investigations/email-cluster.entity.js';
import { Action } from '../src/actions/action.entity.js';
import { OutboxEvent } from '../src/realtime/outbox-event.entity.js';
import { EmailMessage } from '../src/telemetry/email-message.entity.js';
import { ClusterQuery, EntityKind, InvestigationState, Phase, Playbook, StepStatus } from '../src/domain/investigation.js';
import { ActionType } from '../src/domain/action.js';
import { DeliveryLocation, DetectionVerdict, Verdict } from '../src/domain/telemetry.js';
import { createTestDatabase } from './support/database.js';
import { recordingLogger } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId as tenantIdOf } from './support/fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let tenantId: string;
let em: EntityManager;
let queue: JobQueue;
const { logger } = recordingLogger();

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await connectDatabase(db.url);
  tenantId = await tenantIdOf(orm, 'engine');
  em = tenantEntityManager(orm, tenantId);
  queue = await JobQueue.start(db.url, { logger });
});
afterAll(async () => {
  await queue.stop(1000);
  await orm.close();
  await db.drop();
});

async function newInvestigation() {
  const fork = em.fork();
  const inv = fork.create(Investigation, {
    tenantId,
    playbook: Playbook.MANUAL_INVESTIGATION,
    title: 'engine test',
    createdAt: new Date(),
  });
  await fork.flush();
  return inv;
}

async function messages(n: number) {
  const fork = em.fork();
  const rows = Array.from({ length: n }, (_, i) =>
    fork.create(EmailMessage, {
      tenantId,
      externalId: `m-${Date.now()}-${Math.random()}-${i}`,
      recipient: `u${i}@engine.example`,
      sender: 'bad@evil.example',
      subject: 'Invoice',
      body: 'pay now',
      receivedAt: new Date(),
      location: i % 2 ? DeliveryLocation.INBOX : DeliveryLocation.QUARANTINE,
      verdict: i % 2 ? DetectionVerdict.CLEAN : DetectionVerdict.PHISH,
    }),
  );
  await fork.flush();
  return rows;
}

const step = (key: string, dependsOn: string[], run: StepDefinition['run'], phase = Phase.HUNTING): StepDefinition => ({
  key,
  name: key,
  description: `does ${key}`,
  phase,
  dependsOn,
  run,
});

function deps(def: PlaybookDefinition): EngineDeps<unknown> {
  validatePlaybook(def);
  return { orm, queue, definitionOf: () => def, portsFor: () => ({}), logger };
}

test('runs steps in dependency order, independent ones together, and writes each outcome with its completion', async () => {
  const inv = await newInvestigation();
  const msgs = await messages(4);
  // Two independent steps each wait (up to 10 s) for the other to have started: they only both
  // see the other if the engine ran them at the same time — no timing assumption involved.
  const started = new Map<string, () => void>();
  const seen = new Map<string, Promise<boolean>>();
  for (const key of ['clicks', 'devices']) {
    seen.set(
      key,
      new Promise<boolean>((resolve) => {
        started.set(key, () => resolve(true));
        setTimeout(() => resolve(false), 10_000).unref();
      }),
    );
  }
  const overlapped: boolean[] = [];
  const timed = (key: string, other: string) => async () => {
    started.get(key)!();
    overlapped.push(await seen.get(other)!);
    return { findings: { key } };
  };
  const def: PlaybookDefinition = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [
      step(
        'root',
        [],
        async () => ({
          findings: { sender: 'bad@evil.example' },
          entities: [{ kind: EntityKind.SENDER, value: 'bad@evil.example', displayName: 'bad@evil.example', verdict: Verdict.SUSPICIOUS }],
        }),
        Phase.ROOT_INVESTIGATION,
      ),
      step('clicks', ['root'], timed('clicks', 'devices')),
      step('devices', ['root'], timed('devices', 'clicks')),
      step('cluster', ['root'], async (ctx) => {
        expect(ctx.results('root')).toEqual({ sender: 'bad@evil.example' });
        await ctx.progress(50, 'half way');
        return {
          clusters: [
            {
              key: 'c',
              name: 'Same sender',
              query: ClusterQuery.SAME_SENDER,
              queryValue: 'bad@evil.example',
              verdict: Verdict.MALICIOUS,
              messageIds: msgs.map((m) => m.id),
            },
          ],
          entities: [
            {
              kind: EntityKind.SENDER,
              value: 'bad@evil.example',
              displayName: 'bad@evil.example',
              verdict: Verdict.MALICIOUS,
              threats: ['Phish sender'],
            },
          ],
          edges: [{ from: { cluster: 'c' }, to: { kind: EntityKind.SENDER, value: 'bad@evil.example' }, relation: 'sent by' }],
        };
      }),
      step(
        'recommend',
        ['clicks', 'devices', 'cluster'],
        async () => ({
          actions: [
            {
              type: ActionType.BLOCK_SENDER,
              rationale: 'malicious sender',
              targets: [{ kind: EntityKind.SENDER, value: 'bad@evil.example' }],
            },
          ],
        }),
        Phase.REMEDIATION,
      ),
    ],
  };
  expect(await runInvestigation(deps(def), tenantId, inv.id)).toBe(InvestigationState.PENDING_ACTION);

  expect(overlapped).toEqual([true, true]); // clicks and devices ran at the same time
  const f = em.fork();
  const logs = await f.find(LogStep, { investigationId: inv.id }, { orderBy: { seq: 'asc' } });
  expect(logs.map((l) => [l.key, l.status, l.progress])).toEqual([
    ['root', StepStatus.COMPLETED, 100],
    ['clicks', StepStatus.COMPLETED, 100],
    ['devices', StepStatus.COMPLETED, 100],
    ['cluster', StepStatus.COMPLETED, 100],
    ['recommend', StepStatus.COMPLETED, 100],
  ]);
  expect(logs.every((l) => l.startedAt && l.endedAt && l.endedAt >= l.startedAt)).toBe(true);
  const entities = await f.find(InvestigatedEntity, { investigationId: inv.id });
  expect(entities).toHaveLength(1); // reported twice, stored once, refined by the later step
  expect(entities[0]).toMatchObject({ verdict: Verdict.MALICIOUS, threats: ['Phish sender'] });
  const [cluster] = await f.find(EmailCluster, { investigationId: inv.id });
  expect(cluster).toMatchObject({
    messageCount: 4,
    countsByVerdict: { PHISH: 2, CLEAN: 2 },
    countsByLocation: { INBOX: 2, QUARANTINE: 2 },
  });
  expect(await f.count(EmailClusterMember, { clusterId: cluster!.id })).toBe(4);
  expect(await f.count(GraphEdge, { investigationId: inv.id })).toBe(1);
  const [action] = await f.find(Action, { investigationId: inv.id });
  expect(action).toMatchObject({ type: ActionType.BLOCK_SENDER, status: 'PENDING_APPROVAL' });
  expect(action!.expiresAt!.getTime() - Date.now()).toBeGreaterThan(167 * 3600_000);
  const final = await f.findOneOrFail(Investigation, { id: inv.id });
  expect(final.startedAt).toBeTruthy();

  const events = await f.find(OutboxEvent, { investigationId: inv.id }, { orderBy: { id: 'asc' } });
  const types = events.map((e) => e.type);
  expect(types[0]).toBe('INVESTIGATION_STATE_CHANGED');
  expect(types.at(-1)).toBe('INVESTIGATION_STATE_CHANGED');
  expect(types.filter((t) => t === 'STEP_STARTED')).toHaveLength(5);
  expect(types.filter((t) => t === 'STEP_COMPLETED')).toHaveLength(5);
  expect(types).toEqual(expect.arrayContaining(['STEP_PROGRESS', 'ENTITY_FOUND', 'CLUSTER_FOUND', 'ACTION_RECOMMENDED']));
  expect(events.at(-1)!.payload).toEqual({ id: inv.id, state: 'PENDING_ACTION' });
});

test('nothing to act on ends NO_THREATS_FOUND; a skipped step is logged SKIPPED', async () => {
  const inv = await newInvestigation();
  const def: PlaybookDefinition = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [step('root', [], async () => ({ findings: {} })), step('clicks', ['root'], async () => ({ skipped: true }))],
  };
  expect(await runInvestigation(deps(def), tenantId, inv.id)).toBe(InvestigationState.NO_THREATS_FOUND);
  const logs = await em.fork().find(LogStep, { investigationId: inv.id }, { orderBy: { seq: 'asc' } });
  expect(logs.map((l) => l.status)).toEqual([StepStatus.COMPLETED, StepStatus.SKIPPED]);
  expect((await em.fork().findOneOrFail(Investigation, { id: inv.id })).endedAt).toBeTruthy();
});

test('a failing step fails the investigation with the reason; steps after it never run', async () => {
  const inv = await newInvestigation();
  let laterRan = false;
  const def: PlaybookDefinition = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [
      step('root', [], async () => {
        throw new Error('mail store unreachable');
      }),
      step('later', ['root'], async () => {
        laterRan = true;
        return {};
      }),
    ],
  };
  expect(await runInvestigation(deps(def), tenantId, inv.id)).toBe(InvestigationState.FAILED);
  expect(laterRan).toBe(false);
  const final = await em.fork().findOneOrFail(Investigation, { id: inv.id });
  expect(final.stateReason).toBe("step 'root' failed: mail store unreachable");
  const logs = await em.fork().find(LogStep, { investigationId: inv.id }, { orderBy: { seq: 'asc' } });
  expect(logs.map((l) => [l.status, l.error ?? null])).toEqual([
    [StepStatus.FAILED, 'mail store unreachable'],
    [StepStatus.PENDING, null],
  ]);
});

test('a run that died mid-step resumes at that step; finished steps and their effects are not repeated', async () => {
  const inv = await newInvestigation();
  const calls: string[] = [];
  const root = step('root', [], async () => {
    calls.push('root');
    return { entities: [{ kind: EntityKind.IP, value: '203.0.113.9', displayName: '203.0.113.9', verdict: Verdict.SUSPICIOUS }] };
  });
  // First run: 'hunt' never returns, as if the worker died inside it. Nothing of it is written.
  const stuck: PlaybookDefinition = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [root, step('hunt', ['root'], () => new Promise(() => calls.push('hunt (stuck)')))],
  };
  void runInvestigation(deps(stuck), tenantId, inv.id);
  await eventually('the first run to enter the stuck step', () => calls.includes('hunt (stuck)'), { timeoutMs: 2000, intervalMs: 20 });
  const mid = await em.fork().find(LogStep, { investigationId: inv.id }, { orderBy: { seq: 'asc' } });
  expect(mid.map((l) => l.status)).toEqual([StepStatus.COMPLETED, StepStatus.RUNNING]);

  // Second run, as a restarted worker would do it.
  const healthy: PlaybookDefinition = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [
      root,
      step('hunt', ['root'], async () => {
        calls.push('hunt');
        return { actions: [{ type: ActionType.BLOCK_URL, rationale: 'bad', targets: [] }] };
      }),
    ],
  };
  expect(await runInvestigation(deps(healthy), tenantId, inv.id)).toBe(InvestigationState.PENDING_ACTION);
  expect(calls).toEqual(['root', 'hunt (stuck)', 'hunt']);
  expect(await em.fork().count(InvestigatedEntity, { investigationId: inv.id })).toBe(1);
  expect(await em.fork().count(Action, { investigationId: inv.id })).toBe(1);
  // Running a finished investigation again changes nothing.
  expect(await runInvestigation(deps(healthy), tenantId, inv.id)).toBe(InvestigationState.PENDING_ACTION);
  expect(calls).toHaveLength(3);
});

test('a playbook with a cycle, a duplicate key or an unknown dependency is refused', () => {
  const noop = async () => ({});
  const p = (steps: StepDefinition[]) => ({ playbook: Playbook.MANUAL_INVESTIGATION, steps });
  expect(() => validatePlaybook(p([step('a', ['b'], noop), step('b', ['a'], noop)]))).toThrow(/cycle: a → b → a/);
  expect(() => validatePlaybook(p([step('a', [], noop), step('a', [], noop)]))).toThrow(/'a' is declared twice/);
  expect(() => validatePlaybook(p([step('a', ['zzz'], noop)]))).toThrow(/unknown step 'zzz'/);
});

test('a step whose database connection drops is not a failed investigation: the run is handed back and the step runs again', async () => {
  const inv = await newInvestigation();
  let attempts = 0;
  const def: PlaybookDefinition<{ db: EntityManager }> = {
    playbook: Playbook.MANUAL_INVESTIGATION,
    steps: [
      {
        key: 'root',
        name: 'root',
        description: 'reads the mail store',
        phase: Phase.ROOT_INVESTIGATION,
        async run(ctx) {
          // The first attempt's connection is killed under it, as a failover or a proxy would.
          if (++attempts === 1) await ctx.db.getConnection().execute('select pg_terminate_backend(pg_backend_pid())');
          return { findings: { attempts } };
        },
      },
    ],
  };
  validatePlaybook(def);
  const engine: EngineDeps<{ db: EntityManager }> = { orm, queue, definitionOf: () => def, portsFor: (db) => ({ db }), logger };
  // Thrown to the job queue, which retries it with backoff like a crash.
  await expect(runInvestigation(engine, tenantId, inv.id)).rejects.toThrow(/terminat/i);
  // The pool drops the dead connection when its socket closes; the queue's retry comes seconds later.
  await new Promise((r) => setTimeout(r, 500));
  const mid = await em.fork().findOneOrFail(Investigation, { id: inv.id });
  expect(mid.state).toBe(InvestigationState.RUNNING);
  expect((await em.fork().findOneOrFail(LogStep, { investigationId: inv.id, key: 'root' })).status).toBe(StepStatus.RUNNING);
  expect(await runInvestigation(engine, tenantId, inv.id)).toBe(InvestigationState.NO_THREATS_FOUND);
  expect(attempts).toBe(2);
});
