import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { gql, recordingLogger } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { MeDocument, InvestigationsDocument } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';

/**
 * `npm start` as a user runs it: no DATABASE_URL, so an embedded PostgreSQL in the data directory,
 * started, stopped and started again. Data, the demo tenant (seeded once) and the signing key survive.
 */
test('start → stop → start on the embedded PostgreSQL keeps data and tokens', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-restart-'));
  await fs.chmod(dataDir, 0o755);
  const env = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DATA_DIR: dataDir,
    AIR_DEMO: '1',
    AIR_PG_PORT: String(13000 + (process.pid % 1000)),
  };
  const { logger } = recordingLogger();
  try {
    const first = await bootstrap(loadConfig(env), logger);
    const token = await first.signer!.sign({ sub: 'a', tenant: 'acme', roles: [Role.SECURITY_READER], ttlSeconds: 600 });
    const demoToken = await first.signer!.sign({ sub: 'a', tenant: 'demo', roles: [Role.SECURITY_READER], ttlSeconds: 600 });
    let demoBefore;
    try {
      await seedInvestigation(first.orm, 'acme', { title: 'survives restarts' });
      expect((await gql(first.url, token, InvestigationsDocument, {})).data!.investigations.totalCount).toBe(1);
      demoBefore = (await gql(first.url, demoToken, InvestigationsDocument, { first: 100 })).data!.investigations;
      expect(demoBefore.totalCount).toBeGreaterThanOrEqual(5);
    } finally {
      await first.stop(); // also when an assertion failed: a running PostgreSQL would hold Jest open
    }
    await expect(fetch(first.url)).rejects.toThrow();

    const second = await bootstrap(loadConfig(env), logger);
    try {
      expect((await gql(second.url, token, MeDocument)).data!.me.tenant).toBe('acme');
      const res = await gql(second.url, token, InvestigationsDocument, {});
      expect(res.data!.investigations.edges.map((e) => e.node.title)).toEqual(['survives restarts']);
      // The demo tenant was seeded once: the second start found it and added nothing.
      const demoAfter = (await gql(second.url, demoToken, InvestigationsDocument, { first: 100 })).data!.investigations;
      // (States move on as the workers run the demo's playbooks; the investigations are the same ones.)
      expect(demoAfter.edges.map((e) => e.node.id)).toEqual(demoBefore!.edges.map((e) => e.node.id));
    } finally {
      await second.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
