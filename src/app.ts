import path from 'node:path';
import type { Config } from './config.js';
import { connectDatabase, type Orm } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { createAuthenticator } from './auth/authenticate.js';
import { createHmacSigner, createTokenVerifier, loadSigningSecret, type TokenSigner } from './auth/token.service.js';
import { TenantDirectory } from './tenants/tenant.service.js';
import { buildAirSchema } from './schema.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { approveByPolicy } from './actions/decision.service.js';
import { runAction } from './actions/execution.service.js';
import { expirePendingActions } from './actions/expiry.service.js';
import type { ExecutorRegistry } from './actions/executor.js';
import type { ExecutionDeps } from './actions/execution.service.js';
import { BUILTIN_EXECUTORS } from './actions/builtin.executor.js';
import { createServer, type AirServer } from './server.js';
import { assertPortFree } from './http/port.js';
import { seedDemoTenant } from './demo/demo.seed.js';
import { coerceError } from './errors.js';
import { createLogger, investigationLogger, type Logger } from './logger.js';
import { JobQueue } from './jobs/queue.js';
import { runInvestigation } from './playbooks/engine.js';
import { definitionOf } from './playbooks/playbooks.js';
import { portsFor } from './playbooks/ports.orm.js';
import { reconcile } from './investigations/lifecycle.service.js';
import { routeWaitingAlerts } from './investigations/intake.service.js';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { createMetrics, type Metrics } from './metrics.js';
import { createDatabaseCollector, type DatabaseCollector } from './metrics.database.js';

export interface App {
  url: string;
  orm: Orm;
  queue: JobQueue;
  server: AirServer;
  /** Signs development tokens; undefined when tokens come from an OIDC issuer. */
  signer?: TokenSigner;
  /** Stop serving, close the database pool, stop the embedded PostgreSQL: in that order. */
  stop(): Promise<void>;
}

/** Wire everything from a config. main.ts and the tests both start the server through here. */
export interface BootstrapOptions {
  /** Every SQL statement the ORM runs (tests count them). */
  onQuery?: (sql: string) => void;
  /**
   * What approved actions do, per action type: running and undoing go through this one registry.
   * @default BUILTIN_EXECUTORS (act on the telemetry this server holds)
   */
  executors?: ExecutorRegistry;
}

export async function bootstrap(
  config: Config,
  logger: Logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' }),
  opts: BootstrapOptions = {},
): Promise<App> {
  const executors = opts.executors ?? BUILTIN_EXECUTORS;
  let embedded: EmbeddedDatabase | undefined;
  let orm: Orm | undefined;
  let queue: JobQueue | undefined;
  let collector: DatabaseCollector | undefined;
  // One registry for the process: the server's requests and the workers' steps show on the same /metrics.
  const metrics = createMetrics();
  // Before the data directory is touched: a port another process holds must not cost the running server its database.
  await assertPortFree(config.port, config.host, 'PORT');
  if (config.metrics.port !== undefined) await assertPortFree(config.metrics.port, config.metrics.host, 'AIR_METRICS_PORT');
  try {
    let url = config.databaseUrl;
    if (!url) {
      embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, logger });
      url = embedded.url;
    }
    const { poolMax: max, ...timeouts } = config.database;
    orm = await connectDatabase(url, { migrate: true, onQuery: opts.onQuery, logger, pool: { max, ...timeouts } });
    queue = await JobQueue.start(url, {
      logger,
      session: timeouts,
      // An API-only node enqueues (its jobs NOTIFY the workers elsewhere) and needs no LISTEN of its own.
      listen: config.workers > 0,
      backstopPollSeconds: config.jobBackstopPollSeconds,
    });
    collector = createDatabaseCollector({ databaseUrl: url });
    metrics.observe({ pool: await ormPool(orm), database: collector });
    if (config.workers > 0) await startWorkers({ orm, queue, executors, logger }, config.workers, { metrics });
    const verifier = await createTokenVerifier(config);
    const authenticate = createAuthenticator(verifier, new TenantDirectory(orm.em));
    if (config.demo) await seedDemoTenant(orm, new TenantDirectory(orm.em), queue, logger);
    const server = await createServer(
      { config, orm, queue, executors, schema: await buildAirSchema(), authenticate, logger, metrics },
      { port: config.port, host: config.host },
    );
    const signer = config.auth.oidcIssuer ? undefined : createHmacSigner(await loadSigningSecret(config));
    const handles = { orm, embedded, queue, collector };
    return {
      url: server.url,
      orm,
      queue,
      server,
      signer,
      async stop() {
        await server.stop().catch((e: unknown) => logger.error({ err: coerceError(e) }, 'stopping the HTTP server failed'));
        // Running investigations get a moment to reach a step boundary; what is cut off resumes elsewhere.
        await handles.queue.stop().catch((e: unknown) => logger.error({ err: coerceError(e) }, 'stopping the job queue failed'));
        await handles.collector
          .close()
          .catch((e: unknown) => logger.error({ err: coerceError(e) }, 'closing the metrics connection failed'));
        await handles.orm.close().catch((e: unknown) => logger.error({ err: coerceError(e) }, 'closing the database pool failed'));
        await handles.embedded?.stop();
      },
    };
  } catch (e) {
    await queue?.stop(1000).catch(() => undefined);
    await collector?.close().catch(() => undefined);
    await orm?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }
}

/**
 * Run investigations, approved actions and the lifecycle sweep in this process. A worker that starts
 * reconciles first: whatever a stopped cluster left (queued investigations with room, investigations
 * whose actions all closed) moves on without waiting for the schedule.
 */
export async function startWorkers(deps: ExecutionDeps, concurrency: number, opts: { metrics?: Metrics } = {}): Promise<void> {
  const { orm, queue, logger } = deps;
  const { metrics } = opts;
  const engine = {
    orm,
    queue,
    definitionOf,
    portsFor,
    logger,
    onStepFinished: metrics && ((step: string, status: string, seconds: number) => metrics.stepFinished(step, status, seconds)),
    approveByPolicy: (tx: EntityManager, tenantId: string, ids: string[]) => approveByPolicy(tx, queue, tenantId, ids),
  };
  await queue.workActions(concurrency, (job, lastAttempt) =>
    runAction({ ...deps, logger: logger.child({ tenant: job.tenantId, action: job.actionId }) }, job, lastAttempt),
  );
  await queue.workSweep(async () => {
    await expirePendingActions(orm, queue);
    await reconcile(orm, queue);
    await routeWaitingAlerts(orm, queue, logger);
  });
  await queue.workInvestigations(concurrency, async ({ tenantId, investigationId }) => {
    const log = investigationLogger(logger, tenantId, investigationId);
    try {
      await runInvestigation({ ...engine, logger: log }, tenantId, investigationId);
    } catch (e) {
      // The queue retries with backoff; the engine resumes at the first unfinished step.
      log.error({ err: coerceError(e) }, 'investigation run failed; it will be retried');
      throw e;
    }
  });
  await reconcile(orm, queue);
}

/** The ORM's pg pool, for the pool gauges: taken once, as asking a closed ORM for it would open a new one. */
export async function ormPool(orm: Orm) {
  return (orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
}
