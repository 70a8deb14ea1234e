import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Role } from '../src/auth/viewer.js';
import { gql, recordingLogger } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { MeDocument, InvestigationsDocument } from './generated/graphql.js';

/**
 * `npm start` as a user runs it: no DATABASE_URL, so an embedded PostgreSQL in the data directory,
 * started, stopped and started again. Data and the signing key must survive.
 */
test('start → stop → start on the embedded PostgreSQL keeps data and tokens', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-restart-'));
  await fs.chmod(dataDir, 0o755);
  const env = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DATA_DIR: dataDir,
    AIR_DEMO: '0',
    AIR_PG_PORT: String(56000 + (process.pid % 1000)),
  };
  const { logger } = recordingLogger();
  try {
    const first = await bootstrap(loadConfig(env), logger);
    const token = await first.signer!.sign({ sub: 'a', tenant: 'acme', roles: [Role.SECURITY_READER], ttlSeconds: 600 });
    await seedInvestigation(first.orm, 'acme', { title: 'survives restarts' });
    expect((await gql(first.url, token, InvestigationsDocument, {})).data!.investigations.totalCount).toBe(1);
    await first.stop();
    await expect(fetch(first.url)).rejects.toThrow();

    const second = await bootstrap(loadConfig(env), logger);
    try {
      expect((await gql(second.url, token, MeDocument)).data!.me.tenant).toBe('acme');
      const res = await gql(second.url, token, InvestigationsDocument, {});
      expect(res.data!.investigations.edges.map((e) => e.node.title)).toEqual(['survives restarts']);
    } finally {
      await second.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
