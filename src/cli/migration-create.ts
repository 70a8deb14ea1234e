/**
 * `npm run migration:create [-- --name <name>]`: diff the entities against a scratch database that
 * has every existing migration applied, and write the difference as a new migration in migrations/.
 * Register the new class in migrations/index.ts.
 */
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { createLogger, LogLevel } from '../logger.js';

const { values } = parseArgs({ options: { name: { type: 'string' } } });
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-migration-'));
await fs.chmod(dir, 0o755);
const pg = await startEmbeddedPostgres({
  dir: path.join(dir, 'pg'),
  port: 54399,
  logger: createLogger({ level: LogLevel.WARN, pretty: true }),
});
try {
  const orm = await connectDatabase(pg.url, { migrate: true });
  const result = await orm.migrator.create(path.resolve('migrations'), false, false, values.name);
  console.log(result.fileName ? `wrote migrations/${result.fileName}` : 'no schema changes');
  await orm.close();
} finally {
  await pg.stop();
  await fs.rm(dir, { recursive: true, force: true });
}
