import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHmacSigner } from '../src/auth/token.service.js';
import { connectDatabase, type Orm } from '../src/db/database.js';
import { ACTIVE_STATES, type InvestigationState } from '../src/domain/investigation.js';
import { createTestDatabase } from './support/database.js';
import { gql, TEST_SECRET } from './support/app.js';
import { Collector, disposeAll, wsClient } from './support/ws.js';
import { InvestigationEventsDocument, StartInvestigationDocument, type InvestigationEventsSubscription } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';

/**
 * Two API nodes as two real processes (`dist/src/main.js`) on one database: node A runs the
 * investigation workers, node B runs none. What a client sees on either must be the outbox exactly.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let dataDir: string;
const nodes: ChildProcess[] = [];
let nodeA: string;
let nodeB: string;
let token: string;

async function startNode(workers: number): Promise<string> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      AIR_DEMO: '0',
      AIR_WORKERS: String(workers),
      AIR_DATA_DIR: dataDir,
      AIR_JWT_SECRET: TEST_SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  nodes.push(child);
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    const ready = /AIR server ready at ([^\s"]+)/.exec(out);
    if (ready) {
      child.stdout!.resume();
      return ready[1]!;
    }
  }
  throw new Error(`node exited before it was ready: ${out}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-cluster-'));
  orm = await connectDatabase(db.url);
  [nodeA, nodeB] = await Promise.all([startNode(2), startNode(0)]);
  token = await createHmacSigner(new TextEncoder().encode(TEST_SECRET)).sign({
    sub: 'ann',
    tenant: 'acme',
    roles: [Role.SECURITY_ADMIN],
    ttlSeconds: 600,
  });
});
afterEach(() => disposeAll());
afterAll(async () => {
  await Promise.all(
    nodes.map(async (n) => {
      if (n.exitCode !== null || n.signalCode !== null) return;
      n.kill('SIGTERM');
      await once(n, 'exit');
    }),
  );
  await orm.close();
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

type Ev = InvestigationEventsSubscription['investigationEvents'];
const ended = (e: Ev) => e.__typename === 'InvestigationStateChangedEvent' && !ACTIVE_STATES.includes(e.state as InvestigationState);
const finished = (c: Collector<InvestigationEventsSubscription>) => c.data.some((d) => ended(d.investigationEvents));

/** The investigation's whole event list, in the order the outbox defines. */
async function outboxOf(investigationId: string) {
  const rows = await orm.em
    .getConnection()
    .execute<{ id: string; type: string }[]>(`select id, type from events where investigation_id = ? order by tx_id, id`, [
      investigationId,
    ]);
  return rows;
}

async function startInvestigation(user: string): Promise<string> {
  const res = await gql(nodeA, token, StartInvestigationDocument, { input: { user } });
  expect(res.errors).toBeUndefined();
  return res.data!.startInvestigation.investigationId;
}

test("a client on node B receives every event of an investigation node A's workers run, in order", async () => {
  const id = await startInvestigation('ann@acme.example');
  const onB = new Collector(wsClient(nodeB, token).client, InvestigationEventsDocument, { investigationId: id, after: '0' });
  await onB.until(finished, 'the investigation to end');
  const outbox = await outboxOf(id);
  expect(outbox.length).toBeGreaterThan(5);
  expect(onB.data.map((d) => d.investigationEvents.cursor)).toEqual(outbox.map((r) => r.id));
  expect(onB.data[0]?.investigationEvents.__typename).toBe('InvestigationCreatedEvent');
  expect(onB.data.map((d) => d.investigationEvents.__typename)).toContain('StepCompletedEvent');
});

test('reconnecting with after mid-investigation, on the other node: both streams together are the full list, each event once', async () => {
  const id = await startInvestigation('bob@acme.example');
  const first = new Collector(wsClient(nodeA, token).client, InvestigationEventsDocument, { investigationId: id, after: '0' });
  await first.until((c) => c.data.length >= 3);
  first.stop();
  const seen = first.data.map((d) => d.investigationEvents.cursor);
  const second = new Collector(wsClient(nodeB, token).client, InvestigationEventsDocument, { investigationId: id, after: seen.at(-1) });
  await second.until(finished, 'the investigation to end');
  const union = [...seen, ...second.data.map((d) => d.investigationEvents.cursor)];
  expect(union).toEqual((await outboxOf(id)).map((r) => r.id));
  expect(new Set(union).size).toBe(union.length);
});
