/**
 * `npm run worker`: a worker-only process (no HTTP) running investigations from the shared queue,
 * for adding capacity on other machines. Needs DATABASE_URL; AIR_WORKERS sets its concurrency.
 */
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import { JobQueue } from '../jobs/queue.js';
import { startWorkers } from '../app.js';
import { createLogger } from '../logger.js';
import { BUILTIN_EXECUTORS } from '../actions/builtin.executor.js';

const config = loadConfig();
if (!config.databaseUrl) {
  console.error('worker: set DATABASE_URL to the database the API uses (npm start runs workers itself)');
  process.exit(2);
}
const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
const orm = await connectDatabase(config.databaseUrl, { migrate: true, logger });
const queue = await JobQueue.start(config.databaseUrl, { logger, backstopPollSeconds: config.jobBackstopPollSeconds });
await startWorkers({ orm, queue, executors: BUILTIN_EXECUTORS, logger }, Math.max(1, config.workers));
logger.info({ concurrency: Math.max(1, config.workers) }, 'worker running investigations');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await queue.stop();
    await orm.close();
    process.exit(0);
  });
}
