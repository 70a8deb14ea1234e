/**
 * The AIR node that `npm run eval:parse` and `eval:detection` measure, in a child process of its own so that
 * its RSS is the server's alone (parser threads included), not the uploading client's. Started with fork():
 * it boots on a fresh embedded PostgreSQL (benchConfig: AIR_DEMO=0; AIR_WORKERS=0 unless EVAL_WORKERS says
 * how many investigation workers to run), answers `{ url, token, threads, dataDir }`, then on request runs
 * the evaluation's read-back SQL (`{ sql, params }` → `{ rows }`), signs a token for any tenant and roles
 * (`{ token: { tenant, roles } }` → `{ token }`) and reports its threads' CPU seconds (`'threads'`) until
 * `'stop'`. A request that carries an `id` gets it back, so several may be in flight at once.
 * EVAL_KEEP=1 leaves the data directory behind on stop, for inspection.
 */
import 'reflect-metadata';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { bootstrap } from '../../src/app.js';
import { benchConfig } from '../support.js';
import { Role } from '../../src/domain/role.js';
import { createLogger, LogLevel } from '../../src/logger.js';

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'air-eval-'));
await fsp.chmod(dir, 0o755);
const threads = process.env.EVAL_INGEST_THREADS;
// A random port: other benchmarks and test runs on the machine start embedded PostgreSQLs of their own.
const env: Record<string, string> = { AIR_PG_PORT: String(50000 + Math.floor(Math.random() * 10000)) };
if (threads) env.AIR_INGEST_THREADS = threads;
if (process.env.EVAL_WORKERS) env.AIR_WORKERS = process.env.EVAL_WORKERS;
const config = benchConfig(dir, env);
const app = await bootstrap(config, createLogger({ level: LogLevel.WARN }));
// A large upload streams for longer than the server's 5-minute request limit (slow-loris protection).
app.server.httpServer.requestTimeout = 0;
const token = await app.signer!.sign({ sub: 'eval', tenant: 'eval', roles: [Role.SERVICE], ttlSeconds: 6 * 3600 });
const pool = await (app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();

/** CPU seconds of each of this process's threads, largest first (/proc/self/task/<tid>/stat, ticks of 1/100 s). */
async function threadCpu(): Promise<number[]> {
  const seconds: number[] = [];
  for (const tid of await fsp.readdir('/proc/self/task')) {
    const stat = await fsp.readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 12) seconds.push((Number(fields[11]) + Number(fields[12])) / 100);
  }
  return seconds.sort((a, b) => b - a);
}

type Request =
  'stop' | 'threads' | { id?: number; sql: string; params: unknown[] } | { id?: number; token: { tenant: string; roles: Role[] } };

let stopping: Promise<void> | undefined;
async function shutdown() {
  stopping ??= app.stop();
  await stopping;
  if (process.env.EVAL_KEEP !== '1') await fsp.rm(dir, { recursive: true, force: true });
  process.exit(0);
}
// An evaluation killed mid-run (Ctrl-C, a timeout) closes the IPC channel: stop PostgreSQL rather than orphan it.
process.on('disconnect', () => void shutdown());

process.on('message', (message: Request) => {
  void (async () => {
    if (message === 'threads') return process.send!({ threads: await threadCpu() });
    if (message === 'stop') return shutdown();
    if ('token' in message) {
      const { tenant, roles } = message.token;
      return process.send!({ id: message.id, token: await app.signer!.sign({ sub: 'eval', tenant, roles, ttlSeconds: 24 * 3600 }) });
    }
    try {
      const { rows } = await pool.query(message.sql, message.params);
      process.send!({ id: message.id, rows });
    } catch (e) {
      // eval:parse's requests carry no id and expect a failed read-back to stop the run, as it always has.
      if (message.id === undefined) throw e;
      process.send!({ id: message.id, rows: [], error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
process.send!({ url: app.url.replace(/\/graphql$/, '/ingest'), token, threads: config.ingestThreads, dataDir: dir });
