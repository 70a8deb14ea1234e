import path from 'node:path';
import type { Config } from './config.js';
import { connectDatabase, type Orm } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { createAuthenticator } from './auth/authenticate.js';
import { createHmacSigner, createTokenVerifier, loadSigningSecret, type TokenSigner } from './auth/token.service.js';
import { TenantDirectory } from './tenants/tenant.service.js';
import { buildAirSchema } from './schema.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { approveByPolicy, expirePendingActions, runAction } from './actions/decision.service.js';
import { BUILTIN_EXECUTORS } from './actions/builtin.executor.js';
import { createServer, type AirServer } from './server.js';
import { seedDemoTenant } from './demo/demo.seed.js';
import { coerceError, type Logger } from './errors.js';
import { createLogger, type Logger as RootLogger } from './logger.js';
import { JobQueue } from './jobs/queue.js';
import { runInvestigation } from './playbooks/engine.js';
import { definitionOf, lookupsFor } from './playbooks/playbooks.js';
import { releaseThrottled } from './investigations/intake.service.js';

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
export async function bootstrap(
  config: Config,
  logger: RootLogger & Logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' }),
  opts: { onQuery?: (sql: string) => void } = {},
): Promise<App> {
  let embedded: EmbeddedDatabase | undefined;
  let orm: Orm | undefined;
  let queue: JobQueue | undefined;
  try {
    let url = config.databaseUrl;
    if (!url) {
      embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, logger });
      url = embedded.url;
    }
    orm = await connectDatabase(url, { migrate: true, onQuery: opts.onQuery, logger });
    queue = await JobQueue.start(url, { logger });
    if (config.workers > 0) await startWorkers(orm, queue, config.workers, logger);
    const verifier = await createTokenVerifier(config);
    const authenticate = createAuthenticator(verifier, new TenantDirectory(orm.em));
    if (config.demo) await seedDemoTenant(orm, new TenantDirectory(orm.em), queue, logger);
    const server = await createServer(
      { config, orm, queue, schema: await buildAirSchema(), authenticate, logger },
      { port: config.port, host: config.host },
    );
    const signer = config.auth.oidcIssuer ? undefined : createHmacSigner(await loadSigningSecret(config));
    const handles = { orm, embedded, queue };
    return {
      url: server.url,
      orm,
      queue,
      server,
      signer,
      async stop() {
        await server.stop().catch((e: unknown) => logger.error('stopping the HTTP server failed', coerceError(e)));
        // Running investigations get a moment to reach a step boundary; what is cut off resumes elsewhere.
        await handles.queue.stop().catch((e: unknown) => logger.error('stopping the job queue failed', coerceError(e)));
        await handles.orm.close().catch((e: unknown) => logger.error('closing the database pool failed', coerceError(e)));
        await handles.embedded?.stop();
      },
    };
  } catch (e) {
    await queue?.stop(1000).catch(() => undefined);
    await orm?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }
}

/** Run investigations in this process: each job runs the engine, then lets throttled ones start. */
export async function startWorkers(orm: Orm, queue: JobQueue, concurrency: number, logger: RootLogger & Logger): Promise<void> {
  const deps = {
    orm,
    definitionOf,
    lookupsFor,
    logger,
    approveByPolicy: (tx: EntityManager, tenantId: string, ids: string[]) => approveByPolicy(tx, queue, tenantId, ids),
  };
  // Approved actions run here too, beside the investigations; the expiry sweep runs wherever the schedule fires.
  await queue.workActions(concurrency, (job, lastAttempt) => runAction(orm, BUILTIN_EXECUTORS, job, lastAttempt, logger));
  await queue.workExpiry(() => expirePendingActions(orm, queue));
  await queue.workInvestigations(concurrency, async ({ tenantId, investigationId }) => {
    try {
      await runInvestigation(deps, tenantId, investigationId);
      await releaseThrottled(orm, queue, tenantId);
    } catch (e) {
      // The queue retries with backoff; the engine resumes at the first unfinished step.
      logger.error(`investigation ${investigationId}: run failed, will be retried`, coerceError(e));
      throw e;
    }
  });
}
