import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connectDatabase, type Orm } from '../src/db/database.js';
import { tenantEntityManager } from '../src/context.js';
import { JobQueue } from '../src/jobs/queue.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { LogStep } from '../src/investigations/log-step.entity.js';
import { InvestigatedEntity } from '../src/investigations/investigated-entity.entity.js';
import { Action } from '../src/actions/action.entity.js';
import { OutboxEvent } from '../src/realtime/outbox-event.entity.js';
import { InvestigationState, Playbook, StepStatus } from '../src/domain/investigation.js';
import { createTestDatabase } from './support/database.js';
import { recordingLogger } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId as tenantIdOf } from './support/fixtures.js';

const STEPS = 6; // test/support/worker-child.js
const INVESTIGATIONS = 6;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let queue: JobQueue;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await connectDatabase(db.url);
  queue = await JobQueue.start(db.url, { logger: recordingLogger().logger, heartbeatSeconds: 10, superviseIntervalSeconds: 1 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await queue.stop(1000);
  await orm.close();
  await db.drop();
});

async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['test/support/worker-child.js', db.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toContain('ready');
  return child;
}

test("a worker killed with SIGKILL mid-investigation loses nothing: a new worker finishes every investigation, each step's effects written once", async () => {
  const tenantId = await tenantIdOf(orm, 'crash');
  const em = tenantEntityManager(orm, tenantId);
  const ids: string[] = [];
  // Created and enqueued in one transaction, as the intake does.
  await em.fork().transactional(async (tx) => {
    for (let i = 0; i < INVESTIGATIONS; i++) {
      const inv = tx.create(Investigation, {
        tenantId,
        playbook: Playbook.MANUAL_INVESTIGATION,
        title: `crash ${i}`,
        createdAt: new Date(),
      });
      ids.push(inv.id);
      await tx.flush();
      await queue.enqueueInvestigation({ tenantId, investigationId: inv.id }, tx);
    }
  });

  const first = await startWorker();
  // Kill it once some steps are done and others are under way.
  await eventually('some progress', async () => (await em.fork().count(LogStep, { status: StepStatus.COMPLETED })) >= 4, {
    timeoutMs: 45_000,
    intervalMs: 100,
  });
  first.kill('SIGKILL');
  await once(first, 'exit');
  const atKill = await em.fork().find(LogStep, {});
  expect(atKill.some((s) => s.status !== StepStatus.COMPLETED)).toBe(true);

  const second = await startWorker();
  await eventually(
    'every investigation to finish',
    async () => (await em.fork().count(Investigation, { state: InvestigationState.PENDING_ACTION })) === INVESTIGATIONS,
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  second.kill('SIGTERM');
  await once(second, 'exit');

  for (const investigationId of ids) {
    const f = em.fork();
    const steps = await f.find(LogStep, { investigationId });
    expect(steps.map((s) => s.status)).toEqual(Array(STEPS).fill(StepStatus.COMPLETED));
    expect(await f.count(InvestigatedEntity, { investigationId })).toBe(STEPS);
    expect(await f.count(Action, { investigationId })).toBe(1);
    // Exactly one completion event per step: no step's outcome was committed twice.
    expect(await f.count(OutboxEvent, { investigationId, type: 'STEP_COMPLETED' })).toBe(STEPS);
  }
});

test('an investigation rolled back with its transaction leaves no job behind', async () => {
  const tenantId = await tenantIdOf(orm, 'rollback');
  const em = tenantEntityManager(orm, tenantId);
  let id = '';
  await expect(
    em.fork().transactional(async (tx) => {
      const inv = tx.create(Investigation, { tenantId, playbook: Playbook.MANUAL_INVESTIGATION, title: 'never', createdAt: new Date() });
      id = inv.id;
      await tx.flush();
      await queue.enqueueInvestigation({ tenantId, investigationId: inv.id }, tx);
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
  const jobs = await queue.boss.findJobs('investigation-run', { key: id });
  expect(jobs).toEqual([]);
});
