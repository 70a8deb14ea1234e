/**
 * `npm run worker`: a worker-only process running investigations from the shared queue, for adding
 * capacity on other machines. Needs DATABASE_URL, or a running `npm start` on this machine (its embedded
 * PostgreSQL in AIR_DATA_DIR); AIR_WORKERS sets its concurrency.
 *
 * Its only HTTP is its own `/metrics` (AIR_METRICS_PORT, default 9464; AIR_METRICS_HOST; AIR_METRICS_TOKEN):
 * step durations, its database pool and its process. Steps run here, not on the API nodes, and a
 * Prometheus scrape of each process is how pull-based metrics reach across machines (a push gateway
 * would keep a dead worker's last numbers forever). The database-wide gauges (queues, investigations,
 * actions) stay on the API nodes, so they are not counted once per worker.
 */
import 'reflect-metadata';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import { runningEmbeddedPostgres } from '../db/embedded.js';
import { JobQueue } from '../jobs/queue.js';
import { ormPool, startWorkers } from '../app.js';
import { createMetrics, metricsRoute, startMetricsServer } from '../metrics.js';
import { createLogger } from '../logger.js';
import { BUILTIN_EXECUTORS } from '../actions/builtin.executor.js';

const config = loadConfig();
// Beside a running `npm start` on this machine its embedded PostgreSQL will do (more workers for the demo).
const databaseUrl = config.databaseUrl ?? (await runningEmbeddedPostgres(path.join(config.dataDir, 'pg')));
if (!databaseUrl) {
  console.error(
    'worker: set DATABASE_URL to the database the API uses, or start the server (npm start) with the same AIR_DATA_DIR first; npm start runs workers itself',
  );
  process.exit(2);
}
const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
const orm = await connectDatabase(databaseUrl, { migrate: true, logger });
const queue = await JobQueue.start(databaseUrl, { logger, backstopPollSeconds: config.jobBackstopPollSeconds });
const metrics = createMetrics();
metrics.observe({ pool: await ormPool(orm) });
/** The port Prometheus's exporters conventionally take (the OpenTelemetry Prometheus exporter's too). */
const DEFAULT_WORKER_METRICS_PORT = 9464;
const metricsServer = await startMetricsServer(
  metricsRoute(metrics, config.metrics.token),
  { ...config.metrics, port: config.metrics.port ?? DEFAULT_WORKER_METRICS_PORT },
  logger,
);
// After the metrics port is taken: a busy port stops the worker before it takes a job.
await startWorkers({ orm, queue, executors: BUILTIN_EXECUTORS, logger }, Math.max(1, config.workers), { metrics });
logger.info({ concurrency: Math.max(1, config.workers), metrics: metricsServer.url }, 'worker running investigations');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await metricsServer.stop();
    await queue.stop();
    await orm.close();
    process.exit(0);
  });
}
