import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { OrgGenerator } from '../src/demo/generator/organisation.generator.js';
import { isAlive, recordedPostmaster } from '../src/db/postmaster.js';
import type { IngestReport } from '../src/telemetry/ingest.service.js';
import { createHmacSigner } from '../src/auth/token.service.js';
import { Role } from '../src/domain/role.js';
import { gql, TEST_SECRET, type LogLine } from './support/app.js';

/**
 * Issue 13, item 8, with real processes (`node dist/src/main.js` as `npm start` runs it, the compiled
 * CLIs as `npm run ingest` and `npm run generate` run them) on an embedded PostgreSQL of their own:
 *  - `ingest --tenant` while the server runs joins the server's PostgreSQL instead of starting a second;
 *  - two generated organisations (two seeds) into one tenant are two sets of records, not duplicates;
 *  - `generate` without `--truth` writes nothing into the working directory;
 *  - a server whose port is taken stops before it touches its data directory.
 */
const run = promisify(execFile);
// Below the ephemeral range (32768+), where other processes' outgoing connections can hold a port.
const PG_PORT = 20000 + (process.pid % 10000);
const children: ChildProcess[] = [];
let work: string;

/** The environment of a child: the test's, without the suite's external database, on `dataDir`. */
function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _external, ...env } = process.env;
  return {
    ...env,
    NODE_ENV: 'test',
    AIR_DATA_DIR: dataDir,
    AIR_PG_PORT: String(PG_PORT),
    HOST: '127.0.0.1',
    AIR_DEMO: '0',
    AIR_WORKERS: '0',
    AIR_INGEST_THREADS: '1',
    AIR_JWT_SECRET: TEST_SECRET,
    ...extra,
  };
}

/** `node dist/src/main.js`; resolves with its exit once it has exited, or its URL once it is ready. */
function startServer(dataDir: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: childEnv(dataDir, { PORT: '0', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: LogLine[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        if (/AIR server ready/.test(line.msg)) resolve(String(line.url));
      } catch {
        // not a log line
      }
    });
    void exited.then(([code]) => reject(new Error(`exited ${code}: ${lines.map((l) => l.msg).join(' | ')}`)));
  });
  ready.catch(() => undefined);
  return { child, lines, exited, ready };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'air-commands-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must reach the data directory.
  await fs.chmod(work, 0o755);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fs.rm(work, { recursive: true, force: true });
});

/** A small generated organisation as an NDJSON file. */
async function organisation(seed: number): Promise<{ file: string; records: number }> {
  const generator = new OrgGenerator({ mailboxes: 20, messages: 400, campaigns: 1, seed });
  const lines = [...generator.records()].map((r) => JSON.stringify(r));
  const file = path.join(work, `org-${seed}.ndjson`);
  await fs.writeFile(file, lines.join('\n') + '\n');
  return { file, records: lines.length };
}

test('ingest --tenant while the server runs joins its PostgreSQL; a second seed is new records, not duplicates', async () => {
  const dataDir = path.join(work, 'running');
  const server = startServer(dataDir);
  const url = await server.ready;
  const pgDir = path.join(dataDir, 'pg');
  const postmaster = await recordedPostmaster(pgDir);
  expect(postmaster).toBeDefined();

  const ingest = async (file: string) => {
    const { stdout } = await run(process.execPath, ['dist/src/cli/ingest.js', file, '--tenant', 'acme'], { env: childEnv(dataDir) });
    return JSON.parse(stdout) as IngestReport;
  };
  const first = await organisation(1);
  const second = await organisation(2);
  const a = await ingest(first.file);
  expect(a).toMatchObject({ received: first.records, stored: first.records, duplicates: 0, failed: 0 });
  const b = await ingest(second.file);
  expect(b).toMatchObject({ received: second.records, stored: second.records, duplicates: 0, failed: 0 });
  // The same seed again is all duplicates: ingestion stays idempotent by id.
  expect(await ingest(first.file)).toMatchObject({ stored: 0, duplicates: first.records });

  // The server's PostgreSQL is the one that was there, untouched, and the server still serves.
  expect(await recordedPostmaster(pgDir)).toBe(postmaster);
  expect(isAlive(postmaster!)).toBe(true);
  expect((await fetch(url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
  // The files' alerts started investigations (queued for a worker), as an upload to /ingest starts them.
  const reader = await createHmacSigner(new TextEncoder().encode(TEST_SECRET)).sign({
    sub: 'ops',
    tenant: 'acme',
    roles: [Role.SECURITY_READER],
    ttlSeconds: 600,
  });
  const listed = await gql<{ investigations: { totalCount: number } }, never>(url, reader, '{ investigations { totalCount } }');
  expect(listed.data!.investigations.totalCount).toBeGreaterThan(0);
  expect(server.lines.filter((l) => l.level === 'error' || l.level === 'fatal' || /restart/i.test(l.msg))).toEqual([]);

  server.child.kill('SIGTERM');
  expect((await server.exited)[0]).toBe(0);
});

test('a server whose port is taken stops with a clear message before it touches its data directory', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const dataDir = path.join(work, 'busy');
    const server = startServer(dataDir, { PORT: String(port) });
    const [code] = await server.exited;
    expect(code).toBe(1);
    const fatal = server.lines.find((l) => l.level === 'fatal');
    expect(fatal?.msg).toBe(
      `AIR server cannot start: PORT=${port}: port ${port} on 127.0.0.1 is already in use (another AIR server?); stop it or set PORT`,
    );
    expect(fatal?.err).toBeUndefined();
    // No PostgreSQL was started, initialised or stopped: the data directory was never created.
    await expect(fs.stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

test('generate without --truth writes the truth under AIR_DATA_DIR, never into the working directory', async () => {
  const cwd = path.join(work, 'repo');
  await fs.mkdir(cwd);
  const dataDir = path.join(work, 'generate-data');
  const { stdout, stderr } = await run(
    process.execPath,
    [path.resolve('dist/src/cli/generate.js'), '--mailboxes', '20', '--messages', '400', '--campaigns', '1', '--seed', '3'],
    { cwd, env: childEnv(dataDir), maxBuffer: 64 * 1024 * 1024 },
  );
  expect(stdout.split('\n').length).toBeGreaterThan(400);
  expect(await fs.readdir(cwd)).toEqual([]);
  const truth = path.join(dataDir, 'generated', 'org-s3-20x400-c1.truth.json');
  expect(JSON.parse(await fs.readFile(truth, 'utf8'))).toMatchObject({ campaigns: [expect.anything()] });
  expect(stderr).toContain(`truth in ${truth}`);
});
