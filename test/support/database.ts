import crypto from 'node:crypto';
import pg from 'pg';

/** Created and migrated by global-setup.js. */
export const TEMPLATE_DB = 'air_test_template';

/** The same server, another database. */
export function adminUrl(serverUrl: string, database = 'postgres'): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withDatabase<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file: a clone of the template. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.AIR_TEST_SERVER_URL;
  if (!serverUrl)
    throw new Error('AIR_TEST_SERVER_URL is unset: run the tests through jest (npm test), whose global setup starts PostgreSQL');
  const name = `air_test_${crypto.randomBytes(6).toString('hex')}`;
  await withDatabase(adminUrl(serverUrl), (c) => c.query(`create database ${name} template ${TEMPLATE_DB}`));
  return {
    url: adminUrl(serverUrl, name),
    drop: () => withDatabase(adminUrl(serverUrl), (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
