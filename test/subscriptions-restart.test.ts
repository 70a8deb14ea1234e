import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bootstrap, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { recordingLogger, TEST_SECRET } from './support/app.js';
import { withDatabase } from './support/database.js';
import { seedInvestigation } from './support/fixtures.js';
import { Collector, disposeAll, registered, wsClient } from './support/ws.js';
import { InvestigationEventsDocument } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';

/**
 * PostgreSQL itself restarts while clients are subscribed: its own server here, not the shared one.
 * Events written just after it comes back (before the node's LISTEN connection has reconnected, so
 * their NOTIFY reaches nobody) arrive through the poll.
 */
let dir: string;
let pg: EmbeddedDatabase | undefined;
let app: App | undefined;
const port = 14000 + (process.pid % 1000);

afterAll(async () => {
  await disposeAll();
  await app?.stop();
  await pg?.stop().catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

test('PostgreSQL restarted under subscribed clients: they keep receiving, nothing is missing', async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-pg-restart-'));
  await fs.chmod(dir, 0o755);
  const { logger } = recordingLogger();
  const start = () => startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port, logger });
  pg = await start();
  app = await bootstrap(
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: pg.url,
      PORT: '0',
      HOST: '127.0.0.1',
      AIR_DEMO: '0',
      AIR_WORKERS: '0',
      AIR_DATA_DIR: dir,
      AIR_JWT_SECRET: TEST_SECRET,
      AIR_EVENTS_POLL_MS: '200',
    }),
    logger,
  );
  const inv = await seedInvestigation(app.orm, 'acme');
  const token = await app.signer!.sign({ sub: 'r', tenant: 'acme', roles: [Role.SECURITY_READER], ttlSeconds: 600 });
  const write = (n: number) =>
    withDatabase(pg!.url, async (c) => {
      await c.query('begin');
      await c.query(`insert into events (tenant_id, investigation_id, type, payload) values ($1, $2, 'STEP_PROGRESS', $3)`, [
        inv.tenantId,
        inv.investigation.id,
        { stepId: inv.investigation.id, progress: n },
      ]);
      await c.query(`select pg_notify('air_events', '')`);
      await c.query('commit');
    });

  const live = new Collector(wsClient(app.url, token).client, InvestigationEventsDocument, { investigationId: inv.investigation.id });
  await registered(app.server.events, { investigationId: inv.investigation.id }, 1);
  for (const n of [1, 2, 3]) await write(n);
  await live.until((c) => c.data.length === 3);

  await pg.stop();
  pg = await start();
  for (const n of [4, 5, 6]) await write(n);
  // A client that was away for the restart resumes from its cursor on the same node.
  const resumed = new Collector(wsClient(app.url, token).client, InvestigationEventsDocument, {
    investigationId: inv.investigation.id,
    after: live.data[2]!.investigationEvents.cursor,
  });
  for (const n of [7, 8]) await write(n);

  await live.until((c) => c.data.length === 8, 'all eight events');
  await resumed.until((c) => c.data.length === 5, 'the five after the cursor');
  const progress = (c: Collector<{ investigationEvents: unknown }>) =>
    c.data.map((d) => (d.investigationEvents as { progress: number }).progress);
  expect(progress(live)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(progress(resumed)).toEqual([4, 5, 6, 7, 8]);
  expect(live.errors).toEqual([]);
});
