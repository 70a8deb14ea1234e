/**
 * npm run bench:subscriptions [-- --subscribers 10000 --events 20 --interval 500]
 *
 * N WebSocket subscribers on one AIR node, all watching a running investigation: connection set-up
 * rate, fan-out latency from commit to client (p50, p99) and the node's resident memory, beside the
 * same figures for a bare `ws` server broadcasting the same bytes to the same number of sockets in
 * the same run. Each server runs in its own child process so its RSS is its own; the clients all
 * live in this process and speak the protocol by hand (no client library on either side), so both
 * sides cost the clients the same.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { createHmacSigner } from '../src/auth/token.service.js';
import { Role } from '../src/domain/role.js';
import { createLogger, LogLevel } from '../src/logger.js';

const SECRET = 'bench-secret-that-is-at-least-32-characters-long';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bare server (child process): `--bare-server`. */
async function bareServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  process.on('message', (m: { text: string } | 'stop') => {
    if (m === 'stop') {
      for (const c of wss.clients) c.terminate();
      wss.close(() => process.exit(0));
      return;
    }
    // As a broadcaster does: one string, sent to every socket.
    for (const c of wss.clients) c.send(m.text);
  });
  process.send!({ port: (wss.address() as { port: number }).port });
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function rssOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  return fs.readFile(`/proc/${pid}/status`, 'utf8').then((s) => ({
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024,
    peakMb: Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024,
  }));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Side {
  setupPerSec: number;
  p50: number;
  p99: number;
  max: number;
  rssMb: number;
  peakMb: number;
  samples: number;
}

/** Open `n` sockets, `concurrency` handshakes at a time; resolves when `ready(socket)` says each is set up. */
async function openAll(n: number, open: () => Promise<WebSocket>, concurrency = 256): Promise<{ sockets: WebSocket[]; perSec: number }> {
  const sockets: WebSocket[] = [];
  const t0 = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        sockets.push(await open());
      }
    }),
  );
  return { sockets, perSec: n / ((now() - t0) / 1000) };
}

async function closeAll(sockets: WebSocket[]) {
  await Promise.all(
    sockets.map((s) => {
      if (s.readyState === WebSocket.CLOSED) return undefined;
      const closed = once(s, 'close');
      s.terminate();
      return closed;
    }),
  );
}

async function benchBare(n: number, events: number, interval: number, message: (seq: number) => string): Promise<Side> {
  const child = fork(fileURLToPath(import.meta.url), ['--bare-server'], { stdio: 'inherit' });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  let received = 0;
  let onAll: (() => void) | undefined;
  const { sockets, perSec } = await openAll(n, async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const at = now();
      const msg = JSON.parse(String(data)) as { payload: { data: { investigationEvents: { cursor: string } } } };
      latencies.push(at - sent.get(Number(msg.payload.data.investigationEvents.cursor))!);
      if (++received === n) onAll?.();
    });
    await once(ws, 'open');
    return ws;
  });
  for (let seq = 1; seq <= events; seq++) {
    received = 0;
    const all = new Promise<void>((r) => (onAll = r));
    sent.set(seq, now());
    child.send({ text: message(seq) });
    await all;
    await sleep(interval);
  }
  const mem = await rssOf(child.pid!);
  await closeAll(sockets);
  child.send('stop');
  await once(child, 'exit');
  latencies.sort((a, b) => a - b);
  return {
    setupPerSec: perSec,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.at(-1)!,
    ...mem,
    samples: latencies.length,
  };
}

async function startAirNode(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      AIR_DEMO: '0',
      AIR_WORKERS: '0',
      AIR_DATA_DIR: dataDir,
      AIR_JWT_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const url = /AIR server ready at ([^\s"]+)/.exec(out)?.[1];
    if (url) {
      child.stdout!.resume();
      return { child, url };
    }
  }
  throw new Error(`the AIR node exited before it was ready:\n${out}`);
}

const SUBSCRIPTION = `subscription Watch($id: ID!) { investigationEvents(investigationId: $id) { __typename
  ... on LiveEvent { cursor at investigationId } ... on StepProgressEvent { stepId progress message } } }`;

async function benchAir(
  url: string,
  pid: number,
  databaseUrl: string,
  n: number,
  events: number,
  interval: number,
): Promise<Side & { sample: string }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const tenant = (
    await db.query(
      `insert into tenants (id, name) values (gen_random_uuid(), 'bench') on conflict (name) do update set name = excluded.name returning id`,
    )
  ).rows[0].id as string;
  const investigationId = (
    await db.query(
      `insert into investigations (id, tenant_id, playbook, state, title, created_at, started_at)
       values (gen_random_uuid(), $1, 'MANUAL_INVESTIGATION', 'RUNNING', 'bench', now(), now()) returning id`,
      [tenant],
    )
  ).rows[0].id as string;
  const token = await createHmacSigner(new TextEncoder().encode(SECRET)).sign({
    sub: 'bench',
    tenant: 'bench',
    roles: [Role.SECURITY_READER],
    ttlSeconds: 3600,
  });
  const commit = async (progress: number) => {
    await db.query('begin');
    const { rows } = await db.query(
      `insert into events (tenant_id, investigation_id, type, payload) values ($1, $2, 'STEP_PROGRESS', $3) returning id`,
      [tenant, investigationId, { stepId: investigationId, progress, message: `step at ${progress}%` }],
    );
    await db.query(`select pg_notify('air_events', '')`);
    await db.query('commit');
    return { cursor: rows[0].id as string, at: now() };
  };

  const committed = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  let warm = 0;
  let onAll: (() => void) | undefined;
  let sample = '';
  const gotAny = new WeakSet<WebSocket>();
  const target = url.replace(/^http/, 'ws');
  const { sockets, perSec } = await openAll(n, async () => {
    const ws = new WebSocket(target, 'graphql-transport-ws', { perMessageDeflate: false });
    const acked = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const at = now();
        const text = String(data);
        const msg = JSON.parse(text) as { type: string; payload?: { data?: { investigationEvents?: { cursor: string } } } };
        if (msg.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { id: investigationId } } }));
          return resolve();
        }
        if (msg.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
        if (msg.type === 'error' || msg.type === 'complete') console.error(`AIR: subscription ended: ${text}`);
        if (msg.type !== 'next') return;
        const cursor = msg.payload!.data!.investigationEvents!.cursor;
        if (!gotAny.has(ws)) {
          gotAny.add(ws);
          warm++;
        }
        const sentAt = committed.get(cursor);
        if (sentAt === undefined) return;
        sample ||= text;
        latencies.push(at - sentAt);
        if (++received === n) onAll?.();
      });
      ws.once('close', (code) => reject(new Error(`socket closed with ${code} during set-up`)));
    });
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await acked;
    return ws;
  });
  console.log(`AIR: ${n} sockets subscribed (${perSec.toFixed(0)} set-ups/s); warming up`);
  // Every subscription is registered once each socket has received a warm-up event.
  let progress = 0;
  while (warm < n) {
    if (progress > 20) throw new Error(`only ${warm} of ${n} subscriptions received the warm-up events`);
    await commit(progress++);
    for (let i = 0; i < 50 && warm < n; i++) await sleep(100);
  }
  await sleep(interval);
  for (let i = 0; i < events; i++) {
    received = 0;
    const all = new Promise<void>((r) => (onAll = r));
    // The commit time is taken when COMMIT returns: the latest moment the change was committed.
    const { cursor, at } = await commit(progress++);
    committed.set(cursor, at);
    await all;
    await sleep(interval);
  }
  const mem = await rssOf(pid);
  await closeAll(sockets);
  await db.end();
  latencies.sort((a, b) => a - b);
  return {
    setupPerSec: perSec,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.at(-1)!,
    ...mem,
    samples: latencies.length,
    sample,
  };
}

async function main() {
  const n = arg('subscribers', 10_000);
  const events = arg('events', 20);
  const interval = arg('interval', 500);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-bench-subs-'));
  await fs.chmod(dir, 0o755);
  const quiet = createLogger({ level: LogLevel.WARN });
  let embedded: EmbeddedDatabase | undefined;
  let node: ChildProcess | undefined;
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 17000 + (process.pid % 400), logger: quiet });
      databaseUrl = embedded.url;
    }
    console.log(
      `bench:subscriptions: ${n} subscribers, ${events} events ${interval} ms apart; ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    );
    const started = await startAirNode(databaseUrl, dir);
    node = started.child;
    const air = await benchAir(started.url, node.pid!, databaseUrl, n, events, interval);
    node.kill('SIGTERM');
    await once(node, 'exit');
    node = undefined;
    // The bare server sends exactly the bytes an AIR subscriber received, with the sequence as cursor.
    const template = JSON.parse(air.sample) as { payload: { data: { investigationEvents: { cursor: string } } } };
    const bare = await benchBare(n, events, interval, (seq) => {
      template.payload.data.investigationEvents.cursor = String(seq);
      return JSON.stringify(template);
    });
    const row = (name: string, s: Side) =>
      `${name.padEnd(22)} ${s.setupPerSec.toFixed(0).padStart(10)} ${s.p50.toFixed(0).padStart(8)} ${s.p99.toFixed(0).padStart(8)} ${s.max
        .toFixed(0)
        .padStart(8)} ${s.rssMb.toFixed(0).padStart(8)} ${s.peakMb.toFixed(0).padStart(9)} ${String(s.samples).padStart(9)}`;
    console.log(
      `\n${'server'.padEnd(22)} ${'conn/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'RSS MB'.padStart(8)} ${'peak MB'.padStart(9)} ${'samples'.padStart(9)}`,
    );
    console.log(row('AIR graphql-ws', air));
    console.log(row('bare ws broadcast', bare));
    console.log(
      `\np99 ratio AIR / bare: ${(air.p99 / bare.p99).toFixed(2)} (target ≤ 1.2); RSS ratio ${(air.rssMb / bare.rssMb).toFixed(2)} (target ≤ 2); ` +
        `set-up ${air.setupPerSec.toFixed(0)}/s, ${(air.setupPerSec / bare.setupPerSec).toFixed(2)} of bare (target ≥ 3,000/s on a quiet machine)`,
    );
    console.log(`payload (${Buffer.byteLength(air.sample)} bytes): ${air.sample}`);
  } finally {
    if (node) {
      node.kill('SIGKILL');
      await once(node, 'exit');
    }
    await embedded?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--bare-server')) await bareServer();
else await main();
