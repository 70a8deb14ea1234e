import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlNumbered } from '../db/sql.js';
import { APPLICATION_NAME, POOL_DEFAULTS, sessionOptions, type PoolSettings } from '../db/pool.js';
import { PgBoss, type Db } from 'pg-boss';
import { coerceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isUuid } from '../common/lookup.js';

/** Queue names and the payload each carries: the one map from job to data. */
export interface JobPayloads {
  'investigation-run': { tenantId: string; investigationId: string };
  'action-run': { tenantId: string; actionId: string };
  'lifecycle-sweep': Record<string, never>;
}
export type JobName = keyof JobPayloads;
export const RUN_INVESTIGATION: JobName = 'investigation-run';
export const RUN_ACTION: JobName = 'action-run';
/** Expire pending actions past their time, settle what a crash left unsettled, start throttled investigations. */
export const SWEEP: JobName = 'lifecycle-sweep';
/** The sweep's name before it also reconciled: unscheduled at start so old databases stop running it. */
const OLD_EXPIRY_QUEUE = 'actions-expire';

/** Validate a job payload at the trust boundary: a job may have been written by another version. */
export function parseRunInvestigation(data: unknown): JobPayloads['investigation-run'] {
  const d = data as Partial<JobPayloads['investigation-run']> | null;
  for (const field of ['tenantId', 'investigationId'] as const) {
    if (typeof d?.[field] !== 'string' || !isUuid(d[field])) {
      throw new Error(`investigation-run job: '${field}' must be a UUID, but got ${JSON.stringify(d?.[field])}`);
    }
  }
  return { tenantId: d!.tenantId!, investigationId: d!.investigationId! };
}

/** Validate an action-run payload (see parseRunInvestigation). */
export function parseRunAction(data: unknown): JobPayloads['action-run'] {
  const d = data as Partial<JobPayloads['action-run']> | null;
  for (const field of ['tenantId', 'actionId'] as const) {
    if (typeof d?.[field] !== 'string' || !isUuid(d[field])) {
      throw new Error(`action-run job: '${field}' must be a UUID, but got ${JSON.stringify(d?.[field])}`);
    }
  }
  return { tenantId: d!.tenantId!, actionId: d!.actionId! };
}

/**
 * pg-boss writing through the caller's MikroORM transaction, so a job is created in the same commit
 * as the row that causes it: no investigation without its job, no job for a rolled-back one.
 * pg-boss speaks `$1` placeholders, passed to the driver as they are (db/sql.ts).
 */
export function transactionDb(tx: EntityManager): Db {
  if (!tx.isInTransaction()) throw new Error('transactionDb: call it inside em.transactional()');
  return { executeSql: async (text: string, values: unknown[] = []) => ({ rows: await sqlNumbered(tx, text, values) }) };
}

export interface QueueOptions {
  logger: Logger;
  /** A dead worker's job returns after this many seconds without a heartbeat (pg-boss minimum 10). @default 20 */
  heartbeatSeconds?: number;
  /**
   * How often this process looks for jobs whose heartbeat stopped. pg-boss gates that sweep on both its
   * supervise and monitor intervals (60 s each by default), so both are set from this. @default 10
   */
  superviseIntervalSeconds?: number;
  /** Acquisition deadline and session timeouts of pg-boss's own pool, as the ORM's. @default POOL_DEFAULTS */
  session?: Partial<Pick<PoolSettings, 'acquireTimeoutMs' | 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'>>;
  /**
   * Hold a LISTEN connection so this process's workers start a job the moment it is committed. Off for a
   * process that only enqueues (an API node without workers): its jobs still NOTIFY the others. @default true
   */
  listen?: boolean;
  /**
   * How often an idle worker looks for jobs while LISTEN is up. This poll is the backstop for what no
   * NOTIFY announces: a job retried after a failure or a lost heartbeat becomes due at a later
   * `start_after` (backoff of 4 s and more), and a hint sent while the listener was reconnecting.
   * @default 5
   */
  backstopPollSeconds?: number;
}

/** The poll while the LISTEN connection is down (or `listen: false`): new jobs are found within this. */
const POLL_WITHOUT_LISTEN_SECONDS = 1;

/** The durable job queue (pg-boss, in the `pgboss` schema of the same database). */
export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly logger: Logger,
    private readonly backstopPollSeconds: number,
  ) {}

  static async start(url: string, opts: QueueOptions): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: url,
      schema: 'pgboss',
      // Jobs on a `notify` queue send a NOTIFY in the enqueuing transaction (delivered at commit); the
      // listener wakes this process's workers at once, and reconnects (with a fetch) after a restart.
      useListenNotify: opts.listen ?? true,
      max: 4,
      // pg-boss closes a connection whose statement failed (its Db), so a terminated backend costs no slot;
      // the deadline and timeouts keep its pool from waiting forever, as the ORM's (src/db/pool.ts).
      connectionTimeoutMillis: opts.session?.acquireTimeoutMs ?? POOL_DEFAULTS.acquireTimeoutMs,
      options: sessionOptions({ ...POOL_DEFAULTS, ...opts.session }),
      application_name: APPLICATION_NAME,
      superviseIntervalSeconds: opts.superviseIntervalSeconds ?? 10,
      monitorIntervalSeconds: opts.superviseIntervalSeconds ?? 10,
    });
    boss.on('error', (e) => opts.logger.error({ err: coerceError(e) }, 'job queue error'));
    await boss.start();
    // singleton + singletonKey = investigation id: one investigation never runs in two workers at once.
    // Heartbeats: a worker killed mid-investigation gives its job back within ~heartbeatSeconds, and the
    // engine resumes at the first unfinished step. Retries with backoff cover transient failures.
    await boss.createQueue(RUN_INVESTIGATION, {
      policy: 'singleton',
      notify: true,
      retryLimit: 5,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 120,
      expireInSeconds: 3600,
      heartbeatSeconds: opts.heartbeatSeconds ?? 20,
    });
    // An approved action is a durable job: retried with backoff when its executor fails, given back by
    // the heartbeat when its worker dies; one job per action (singleton), so it never runs twice at once.
    await boss.createQueue(RUN_ACTION, {
      policy: 'singleton',
      notify: true,
      retryLimit: 4,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 900,
      heartbeatSeconds: opts.heartbeatSeconds ?? 20,
    });
    // `notify` is not set by createQueue on a queue that already exists (a database from before).
    for (const name of [RUN_INVESTIGATION, RUN_ACTION]) await boss.updateQueue(name, { notify: true });
    // One sweep a minute, whichever node's scheduler fires: expiry, and the lifecycle's reconciliation.
    await boss.createQueue(SWEEP, { policy: 'singleton', retryLimit: 0 });
    await boss.schedule(SWEEP, '* * * * *');
    if (await boss.getQueue(OLD_EXPIRY_QUEUE)) await boss.unschedule(OLD_EXPIRY_QUEUE);
    return new JobQueue(boss, opts.logger, opts.backstopPollSeconds ?? 5);
  }

  /** Enqueue a run of an investigation; pass `tx` to create the job in that transaction. */
  async enqueueInvestigation(payload: JobPayloads['investigation-run'], tx?: EntityManager): Promise<void> {
    await this.boss.send(RUN_INVESTIGATION, payload, { singletonKey: payload.investigationId, ...(tx ? { db: transactionDb(tx) } : {}) });
  }

  /**
   * How each worker of a `notify` queue waits: woken by NOTIFY, else the backstop poll, else (listener
   * down) the short poll. Why LISTEN once left the crash test's retried jobs waiting (pg-boss 12 source:
   * plans.insertJobs, failJobsBody, Worker.run): pg-boss sends a NOTIFY only for a job due at once, and a
   * job failed back to 'retry' (a thrown handler, a lost heartbeat) is re-inserted due at a later
   * `start_after` with no NOTIFY; with LISTEN up its workers poll every 30 s by default, and sleep that
   * long after every job too (see keepDraining). A short backstop finds such a job within seconds of due.
   */
  private polling(concurrency: number) {
    return {
      localConcurrency: concurrency,
      batchSize: 1,
      pollingIntervalSeconds: POLL_WITHOUT_LISTEN_SECONDS,
      notifyPollingIntervalSeconds: Math.max(this.backstopPollSeconds, POLL_WITHOUT_LISTEN_SECONDS),
    };
  }

  /**
   * A pg-boss worker sleeps its poll interval after every job, backlog or not: one job per worker per
   * second before LISTEN, one per backstop interval after it once the NOTIFYs of a burst are spent.
   * A worker that has just run a job looks again at once instead; only an empty fetch sends it to sleep.
   * (Busy workers are the ones holding a job; waking them only skips their next sleep.)
   */
  private keepDraining(queue: JobName) {
    for (const worker of this.boss.getWipData()) if (worker.name === queue && worker.count > 0) this.boss.notifyWorker(worker.id);
  }

  /** Run investigations with `concurrency` at a time in this process. */
  async workInvestigations(concurrency: number, run: (payload: JobPayloads['investigation-run']) => Promise<unknown>): Promise<void> {
    await this.boss.work(RUN_INVESTIGATION, this.polling(concurrency), async ([job]) => {
      try {
        await run(parseRunInvestigation(job?.data));
      } finally {
        this.keepDraining(RUN_INVESTIGATION);
      }
    });
  }

  /** Enqueue the execution of an approved action, in the approving transaction. */
  async enqueueAction(payload: JobPayloads['action-run'], tx: EntityManager): Promise<void> {
    await this.boss.send(RUN_ACTION, payload, { singletonKey: payload.actionId, db: transactionDb(tx) });
  }

  /**
   * Run approved actions in this process. `run` gets whether this is the job's last attempt, so a failing
   * executor is recorded FAILED only when the queue will not retry it.
   */
  async workActions(
    concurrency: number,
    run: (payload: JobPayloads['action-run'], lastAttempt: boolean) => Promise<unknown>,
  ): Promise<void> {
    await this.boss.work(RUN_ACTION, { ...this.polling(concurrency), includeMetadata: true }, async ([job]) => {
      if (!job) return;
      try {
        await run(parseRunAction(job.data), job.retryCount >= job.retryLimit);
      } finally {
        this.keepDraining(RUN_ACTION);
      }
    });
  }

  /** Run the lifecycle sweep when the schedule fires. */
  async workSweep(sweep: () => Promise<unknown>): Promise<void> {
    await this.boss.work(SWEEP, { pollingIntervalSeconds: 5 }, async () => {
      await sweep();
    });
  }

  /** Stop taking jobs, let running ones finish (up to `timeoutMs`), close the pool. */
  async stop(timeoutMs = 15_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
