import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const TEMPLATE_DB = 'air_test_template';

/**
 * Once per `npm test`: compile dist/ (the tests that run real child processes use it, and this file
 * runs outside Jest's transform, so it imports the compiled modules too); start a real PostgreSQL
 * (DATABASE_URL's server, or an embedded one in a temp dir); migrate a template database once that
 * every test file clones (CREATE DATABASE … TEMPLATE is a file copy, ~100 ms).
 */
export default async function globalSetup() {
  execFileSync(
    process.execPath,
    ['node_modules/@swc/cli/bin/swc.js', 'src', 'migrations', '-d', 'dist', '--config-file', '.swcrc', '--quiet'],
    {
      stdio: 'inherit',
    },
  );
  const { startEmbeddedPostgres } = await import('../../dist/src/db/embedded.js');
  const { connectDatabase } = await import('../../dist/src/db/database.js');
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-test-'));
    await fs.chmod(dir, 0o755);
    // Below the kernel's ephemeral range (32768–60999): a port there can be taken by any outgoing
    // connection, and was while another process held thousands of them ("address already in use").
    const port = 11000 + (process.pid % 1000);
    const quiet = { info() {}, warn: console.warn, error: console.error };
    // Not detached: Ctrl-C on `npm test` stops the suite's PostgreSQL along with Jest, as before.
    const db = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port, logger: quiet, detached: false });
    globalThis.__AIR_TEST_PG__ = { db, dir };
    serverUrl = db.url;
  }
  process.env.AIR_TEST_SERVER_URL = serverUrl;
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await client.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await client.end();
  }
  const template = new URL(serverUrl);
  template.pathname = `/${TEMPLATE_DB}`;
  const orm = await connectDatabase(template.toString(), { migrate: true });
  await orm.close();
  // The job queue's schema too, so that every cloned database starts with it installed.
  const { JobQueue } = await import('../../dist/src/jobs/queue.js');
  const queue = await JobQueue.start(template.toString(), { logger: { info() {}, warn: console.warn, error: console.error } });
  await queue.stop(1000);
}
