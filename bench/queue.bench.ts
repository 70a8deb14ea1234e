/**
 * `npm run bench:queue [-- --jobs 600] [--workers 2] [--single 30]`
 *
 * The job queue alone, without the playbooks' work (which on a shared machine is what bench:investigate
 * measures instead): the server's investigation queue (src/jobs/queue.ts, default settings) on a fresh
 * embedded PostgreSQL, with a handler that does nothing.
 * 1. `--single` jobs enqueued one at a time, each in its own transaction once the workers are idle:
 *    enqueue → handler start, median and p95 (the wait for a worker);
 * 2. `--jobs` enqueued at once by 10 clients (each job its own transaction, as reports are): jobs per
 *    minute with `--workers` workers.
 * Prints the machine and its load average. Figures, not assertions.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { JobQueue } from '../src/jobs/queue.js';
import { createLogger, LogLevel } from '../src/logger.js';
import { machineLine } from './support.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '600' },
    workers: { type: 'string', default: '2' },
    single: { type: 'string', default: '30' },
  },
});
const jobs = Number(values.jobs);
const workers = Number(values.workers);
const single = Number(values.single);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`${machineLine()}; load average ${load()}`);

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-bench-queue-'));
await fsp.chmod(dir, 0o755);
const logger = createLogger({ level: LogLevel.WARN });
const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: Number(process.env.AIR_PG_PORT ?? 54392), logger });
const queue = await JobQueue.start(pg.url, { logger });
try {
  const started = new Map<string, number>();
  let waiting: { id: string; resolve: () => void } | undefined;
  await queue.workInvestigations(workers, async ({ investigationId }) => {
    started.set(investigationId, performance.now());
    if (waiting?.id === investigationId) waiting.resolve();
  });
  const tenantId = crypto.randomUUID();
  const idle = () => new Promise((r) => setTimeout(r, 200));

  const waits: number[] = [];
  for (let i = 0; i < single; i++) {
    await idle();
    const id = crypto.randomUUID();
    const done = new Promise<void>((resolve) => (waiting = { id, resolve }));
    const at = performance.now();
    await queue.enqueueInvestigation({ tenantId, investigationId: id });
    await done;
    waits.push(started.get(id)! - at);
  }
  const s = [...waits].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  console.log(`enqueue → handler start, one at a time: median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms (n=${s.length})`);

  await idle();
  const before = started.size;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = next++; i < jobs; i = next++) await queue.enqueueInvestigation({ tenantId, investigationId: crypto.randomUUID() });
    }),
  );
  while (started.size < before + jobs) await new Promise((r) => setTimeout(r, 10));
  const minutes = (performance.now() - t0) / 60_000;
  console.log(
    `throughput: ${jobs} jobs enqueued at once all started within ${(minutes * 60).toFixed(1)} s: ${(jobs / minutes).toFixed(0)} jobs/minute with ${workers} workers; load average ${load()}`,
  );
} finally {
  await queue.stop(1000);
  await pg.stop();
  await fsp.rm(dir, { recursive: true, force: true });
}
