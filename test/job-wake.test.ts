import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WipData } from 'pg-boss';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { connectDatabase, type Orm } from '../src/db/database.js';
import { tenantEntityManager } from '../src/context.js';
import { JobQueue, RUN_INVESTIGATION } from '../src/jobs/queue.js';
import { Investigation } from '../src/investigations/investigation.entity.js';
import { Playbook } from '../src/domain/investigation.js';
import { Role } from '../src/domain/role.js';
import { createTestDatabase } from './support/database.js';
import { gql, ingestRecords, recordingLogger, startTestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { tenantId as tenantIdOf } from './support/fixtures.js';

/**
 * Workers start a job when the transaction that enqueued it commits (pg-boss NOTIFY), not at their next
 * poll: every test here sets the poll far beyond what the work takes, and checks the work happened
 * before any worker's next poll was due.
 */
const POLL_SECONDS = 60;
const REPORT = `mutation($input: ReportMessageInput!) { reportMessage(input: $input) { investigationId } }`;

/** The investigation workers once each has looked at the queue and found it empty: they now sleep the poll. */
const idleWorkers = (queue: JobQueue) =>
  eventually('every investigation worker to go idle', () => {
    const workers = queue.boss.getWipData().filter((w) => w.name === RUN_INVESTIGATION);
    return workers.length > 0 && workers.every((w) => w.lastFetchedOn !== null && w.count === 0) && workers;
  });
/** When the first of `workers` would look at the queue again on its own. */
const nextPoll = (workers: WipData[]) => Math.min(...workers.map((w) => w.lastFetchedOn!)) + POLL_SECONDS * 1000;

describe('a whole server', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ env: { AIR_JOB_BACKSTOP_POLL_SECONDS: String(POLL_SECONDS) } });
  });
  afterAll(() => t.stop());

  test("a reported message's investigation starts when the report commits, before any worker's next poll", async () => {
    const report = await ingestRecords(t, await t.token('wake', Role.SERVICE), [
      {
        type: 'message',
        id: 'wake-1',
        recipient: 'alice@wake.example',
        sender: 'billing@outside.example',
        subject: 'Your invoice',
        body: 'Please pay the attached invoice today.',
        urls: ['https://pay-now.example/invoice'],
        receivedAt: new Date().toISOString(),
        location: 'INBOX',
      },
    ]);
    expect(report.failed).toBe(0);
    const workers = await idleWorkers(t.app.queue);
    const due = nextPoll(workers);

    const admin = await t.token('wake', Role.SECURITY_ADMIN);
    const res = await gql(t.url, admin, REPORT, { input: { messageId: 'wake-1', reportedBy: 'alice@wake.example' } });
    expect(res.errors).toBeUndefined();
    const id = (res.data as { reportMessage: { investigationId: string } }).reportMessage.investigationId;
    const em = tenantEntityManager(t.app.orm, await tenantIdOf(t.app.orm, 'wake'));
    const started = await eventually(
      'the investigation to start',
      async () => (await em.fork().findOne(Investigation, { id }))?.startedAt,
      {
        timeoutMs: POLL_SECONDS * 1000,
        intervalMs: 20,
      },
    );
    expect(started.getTime()).toBeLessThan(due);
  }, 90_000);
});

describe('the job queue', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: Orm;
  let queue: JobQueue;
  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await connectDatabase(db.url);
  });
  afterEach(() => queue?.stop(1000));
  afterAll(async () => {
    await orm.close();
    await db.drop();
  });

  async function enqueue(tenant: string, n: number): Promise<string[]> {
    const tenantId = await tenantIdOf(orm, tenant);
    const ids: string[] = [];
    // One transaction: PostgreSQL folds its identical NOTIFYs into one, so only draining runs the rest.
    await tenantEntityManager(orm, tenantId)
      .fork()
      .transactional(async (tx) => {
        for (let i = 0; i < n; i++) {
          const inv = tx.create(Investigation, {
            tenantId,
            playbook: Playbook.MANUAL_INVESTIGATION,
            title: `wake ${i}`,
            createdAt: new Date(),
          });
          await tx.flush();
          ids.push(inv.id);
          await queue.enqueueInvestigation({ tenantId, investigationId: inv.id }, tx);
        }
      });
    return ids;
  }

  test('a burst enqueued in one transaction is drained back to back, before any worker polls again', async () => {
    queue = await JobQueue.start(db.url, { logger: recordingLogger().logger, backstopPollSeconds: POLL_SECONDS });
    const ran: { id: string; at: number }[] = [];
    await queue.workInvestigations(2, async ({ investigationId }) => {
      await new Promise((r) => setTimeout(r, 20));
      ran.push({ id: investigationId, at: Date.now() });
    });
    const due = nextPoll(await idleWorkers(queue));
    const ids = await enqueue('burst', 8);
    await eventually('every job to run', () => ran.length === ids.length, { timeoutMs: POLL_SECONDS * 1000 });
    expect(ran.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(Math.max(...ran.map((r) => r.at))).toBeLessThan(due);
  }, 90_000);

  test('a job failed back to retry, which no NOTIFY announces, runs again once due (the default backstop poll)', async () => {
    queue = await JobQueue.start(db.url, { logger: recordingLogger().logger });
    const attempts: number[] = [];
    await queue.workInvestigations(1, async () => {
      attempts.push(Date.now());
      if (attempts.length === 1) throw new Error('a transient failure');
    });
    const [id] = await enqueue('retry', 1);
    await eventually('the first attempt', () => attempts.length === 1, { timeoutMs: POLL_SECONDS * 1000 });
    // pg-boss records the failure once the handler has thrown.
    const failed = await eventually('the job to be failed back to retry', async () => {
      const [job] = await queue.boss.findJobs(RUN_INVESTIGATION, { key: id });
      return job?.state === 'retry' && job;
    });
    // Due only after a backoff: no NOTIFY announces it.
    expect(failed.startAfter.getTime()).toBeGreaterThan(attempts[0]!);
    // Due after a backoff of seconds; found by the next backstop poll (5 s here; pg-boss's own is 30 s with LISTEN up).
    await eventually('the retry to run', () => attempts.length === 2);
    expect(attempts[1]!).toBeGreaterThanOrEqual(failed.startAfter.getTime());
  }, 90_000);
});

describe('PostgreSQL restarted under an idle worker', () => {
  let dir: string;
  let pg: EmbeddedDatabase | undefined;
  let queue: JobQueue | undefined;
  afterAll(async () => {
    await queue?.stop(1000);
    await pg?.stop().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('the LISTEN connection comes back by itself, and a job enqueued afterwards starts before the next poll', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-job-wake-'));
    await fs.chmod(dir, 0o755);
    const { logger } = recordingLogger();
    // Its own server, not the shared one: this test stops it.
    const start = () => startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 16000 + (process.pid % 1000), logger });
    pg = await start();
    const jobs = (queue = await JobQueue.start(pg.url, { logger, backstopPollSeconds: POLL_SECONDS }));
    const ran: string[] = [];
    await jobs.workInvestigations(1, async ({ investigationId }) => {
      ran.push(investigationId);
    });
    await idleWorkers(jobs);

    await pg.stop();
    const restartedAt = Date.now();
    pg = await start();
    // pg-boss's listener reconnects with back-off and then has every worker look once: that look,
    // well before the 60 s poll, is the sign the new LISTEN is in place.
    await eventually('the listener to reconnect', async () => (await idleWorkers(jobs)).every((w) => w.lastFetchedOn! > restartedAt), {
      timeoutMs: POLL_SECONDS * 1000,
      intervalMs: 100,
    });
    const due = nextPoll(await idleWorkers(jobs));

    const id = crypto.randomUUID();
    await jobs.enqueueInvestigation({ tenantId: crypto.randomUUID(), investigationId: id });
    await eventually('the job to run', () => ran.includes(id), { timeoutMs: POLL_SECONDS * 1000 });
    expect(Date.now()).toBeLessThan(due);
  }, 120_000);
});
