/** `npm run migrate`: apply pending migrations to DATABASE_URL. */
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';

const config = loadConfig();
if (!config.databaseUrl) {
  console.error('migrate: set DATABASE_URL (npm start migrates the embedded database by itself)');
  process.exit(2);
}
const orm = await connectDatabase(config.databaseUrl);
try {
  const applied = await orm.migrator.up();
  console.log(applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
} finally {
  await orm.close();
}
