import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createHmacSigner } from '../src/auth/token.service.js';
import { Role } from '../src/domain/role.js';
import { isAlive, recordedPostmaster } from '../src/db/postmaster.js';
import { gql, TEST_SECRET, type LogLine } from './support/app.js';
import { eventually } from './support/eventually.js';

/**
 * Issue 12, item 3, with real processes: the server is `node dist/src/main.js` (as `npm start` runs it,
 * built by the test global setup) on an embedded PostgreSQL in a data directory of its own.
 *  - SIGKILL the server: its PostgreSQL is left running; the next start on that directory stops it and serves.
 *  - SIGKILL PostgreSQL under a running server: it is started again and the server serves.
 *  - SIGINT to the server's process group (a terminal's Ctrl-C): an ordered stop, PostgreSQL last, exit 0.
 */
const QUERY = `{ investigations(first: 1) { totalCount } }`;
const PG_PORT = 12000 + (process.pid % 1000);
let dataDir: string;
const children: ChildProcess[] = [];

interface ServerProcess {
  child: ChildProcess;
  url: string;
  lines: LogLine[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

async function startServer(opts: { detached?: boolean } = {}): Promise<ServerProcess> {
  const { DATABASE_URL: _external, ...env } = process.env;
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...env,
      NODE_ENV: 'test',
      AIR_DATA_DIR: dataDir,
      AIR_PG_PORT: String(PG_PORT),
      PORT: '0',
      HOST: '127.0.0.1',
      AIR_DEMO: '0',
      AIR_WORKERS: '1',
      AIR_JWT_SECRET: TEST_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      if (process.env.AIR_TEST_LOG) console.log(text);
      try {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        if (/AIR server ready/.test(line.msg)) resolve(String(line.url));
      } catch {
        // not a log line (the demo tokens' banner)
      }
    });
    void exited.then(([code, signal]) =>
      reject(
        new Error(`the server exited (${signal ?? code}) before it was ready:\n${stderr.join('')}\n${lines.map((l) => l.msg).join('\n')}`),
      ),
    );
  });
  return { child, url: await url, lines, exited };
}

const token = () =>
  createHmacSigner(new TextEncoder().encode(TEST_SECRET)).sign({
    sub: 'ops',
    tenant: 'ops',
    roles: [Role.SECURITY_READER],
    ttlSeconds: 600,
  });

async function serves(url: string): Promise<boolean> {
  const ready = await fetch(url.replace(/\/graphql$/, '/readyz')).catch(() => undefined);
  if (ready?.status !== 200) return false;
  const res = await gql(url, await token(), QUERY).catch(() => undefined);
  return res !== undefined && res.errors === undefined;
}

const postmaster = async () => recordedPostmaster(path.join(dataDir, 'pg'));

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-embedded-'));
  await fs.chmod(dataDir, 0o755);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Whatever a failed test left running on the data directory.
  const pid = await postmaster();
  if (pid && isAlive(pid)) process.kill(pid, 'SIGQUIT');
  await eventually('the test PostgreSQL to exit', () => !pid || !isAlive(pid), { timeoutMs: 10_000 });
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('a server killed with SIGKILL leaves its PostgreSQL running; the next start stops it and serves', async () => {
  const first = await startServer();
  expect(await serves(first.url)).toBe(true);
  const orphan = await postmaster();
  expect(orphan).toBeDefined();
  first.child.kill('SIGKILL');
  await first.exited;
  // Re-parented, still running, still holding the data directory and the port.
  expect(isAlive(orphan!)).toBe(true);

  const started = Date.now();
  const second = await startServer();
  console.log(`embedded-lifecycle: restart over an orphaned PostgreSQL ready in ${Date.now() - started} ms`);
  expect(await serves(second.url)).toBe(true);
  expect(isAlive(orphan!)).toBe(false);
  expect(await postmaster()).not.toBe(orphan);
  expect(second.lines.find((l) => /previous \(killed\) process left running/.test(l.msg))).toMatchObject({
    level: 'warn',
    postgresPid: orphan,
  });
  second.child.kill('SIGTERM');
  expect(await second.exited).toEqual([0, null]);
});

test('PostgreSQL killed under a running server is started again, and the server serves', async () => {
  const server = await startServer();
  const before = (await postmaster())!;
  process.kill(before, 'SIGKILL');
  const killed = Date.now();
  await eventually('the server to serve again', () => serves(server.url), { timeoutMs: 30_000, intervalMs: 100 });
  console.log(`embedded-lifecycle: serving ${Date.now() - killed} ms after PostgreSQL was killed`);
  expect(await postmaster()).not.toBe(before);
  expect(server.lines.find((l) => l.msg === 'embedded PostgreSQL restarted')).toBeDefined();
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual([0, null]);
});

test("SIGINT to the terminal's process group: the app stops in order, PostgreSQL last, exit 0, no errors", async () => {
  // A process-group leader, as a shell makes a foreground job: Ctrl-C signals the whole group.
  const server = await startServer({ detached: true });
  // Work in flight while the signal arrives.
  const busy = Array.from({ length: 5 }, async () => gql(server.url, await token(), QUERY).catch(() => undefined));
  const pg = (await postmaster())!;
  process.kill(-server.child.pid!, 'SIGINT');
  expect(await server.exited).toEqual([0, null]);
  await Promise.all(busy);
  const messages = server.lines.map((l) => l.msg);
  const at = (msg: string) => messages.findIndex((m) => m === msg);
  expect(at('stopping')).toBeGreaterThanOrEqual(0);
  // PostgreSQL received nothing from the terminal: it stopped when the app stopped it, after everything else.
  expect(at('embedded PostgreSQL stopped')).toBeGreaterThan(at('stopping'));
  expect(at('stopped')).toBeGreaterThan(at('embedded PostgreSQL stopped'));
  const errors = server.lines.filter((l) => l.level === 'error' || l.level === 'fatal');
  if (errors.length) console.log(server.lines.map((l) => `${l.time as string} ${l.level} ${l.msg} ${l.err?.message ?? ''}`).join('\n'));
  expect(errors).toEqual([]);
  expect(messages).not.toContain('embedded PostgreSQL exited unexpectedly; restarting it');
  expect(isAlive(pg)).toBe(false);
});
