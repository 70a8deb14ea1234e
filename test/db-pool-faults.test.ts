import pg from 'pg';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { eventually } from './support/eventually.js';
import { adminUrl } from './support/database.js';
import { sql } from '../src/db/sql.js';
import { Role } from '../src/domain/role.js';
import { isTransientDatabaseError } from '../src/db/transient.js';

/**
 * The ORM pool under dying connections (issue 12, item 1), against a real PostgreSQL: backends are
 * terminated with `pg_terminate_backend` from a separate admin connection, exactly as a failover or an
 * operator would. Before the fix the 11th connection killed inside a transaction wedged every query.
 */
const ME = `{ investigations(first: 1) { totalCount } }`;
const ACQUIRE_MS = 1000;
const READY_MS = 1500;
let t: TestApp;
let admin: pg.Client;
let token: string;

beforeAll(async () => {
  t = await startTestApp({
    env: {
      AIR_WORKERS: '0',
      AIR_DB_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_MS),
      AIR_READY_TIMEOUT_MS: String(READY_MS),
      AIR_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000',
    },
  });
  admin = new pg.Client({ connectionString: adminUrl(t.databaseUrl) });
  await admin.connect();
  token = await t.token('pool', Role.SECURITY_READER);
});
afterAll(async () => {
  await admin.end();
  await t.stop();
});

const pool = async () => (t.app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
const base = () => t.url.replace(/\/graphql$/, '');
const checkedOut = async () => {
  const p = await pool();
  return p.totalCount - p.idleCount;
};

/** A transaction whose backend is terminated (from the admin connection) between two of its statements. */
async function killedInsideTransaction(): Promise<unknown> {
  return t.app.orm.em
    .fork()
    .transactional(async (tx) => {
      const [row] = await sql<{ pid: number }>(tx, 'select pg_backend_pid() as pid');
      // pg_terminate_backend only signals: wait until the backend is gone, so the next statement meets a
      // dead connection however loaded the machine (under the full suite it once still answered).
      await admin.query('select pg_terminate_backend($1)', [row!.pid]);
      await eventually(
        'the backend to exit',
        async () => (await admin.query('select 1 from pg_stat_activity where pid = $1', [row!.pid])).rowCount === 0,
        {
          timeoutMs: 10_000,
          intervalMs: 10,
        },
      );
      await sql(tx, 'select 1');
    })
    .then(
      () => new Error('the transaction survived its backend'),
      (e: unknown) => e,
    );
}

test("the server's sessions carry the statement and idle-in-transaction timeouts and an application name", async () => {
  const [row] = await t.app.orm.em.fork().transactional((tx) =>
    sql<Record<string, string>>(
      tx,
      `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle,
              current_setting('application_name') as app`,
    ),
  );
  expect(row).toEqual({ statement: '1min', idle: '3s', app: 'air-server' });
  // pg-boss's own pool too.
  const { rows } = await t.app.queue.boss.getDb().executeSql(
    `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle,
              current_setting('application_name') as app`,
  );
  expect(rows[0]).toEqual({ statement: '1min', idle: '3s', app: 'air-server' });
});

test('15 connections killed inside transactions (more than the pool holds) leave the pool serving', async () => {
  const started = Date.now();
  // Five at a time, three rounds: each round takes five of the pool's ten slots.
  for (let round = 0; round < 3; round++) {
    const errors = await Promise.all(Array.from({ length: 5 }, () => killedInsideTransaction()));
    // Each transaction failed with the connection's own error, which the job queue retries.
    for (const e of errors) expect(isTransientDatabaseError(e)).toBe(true);
  }
  // Every killed connection went back to the pool as broken: none is still checked out.
  await eventually('the pool to hold no checked-out connection', async () => (await checkedOut()) === 0, { timeoutMs: 5000 });
  const res = await gql(t.url, token, ME);
  expect(res.errors).toBeUndefined();
  expect((await fetch(`${base()}/readyz`)).status).toBe(200);
  // Ten concurrent requests, the pool's size: each gets a connection, none waits for a leaked one.
  const many = await Promise.all(Array.from({ length: 10 }, () => gql(t.url, token, ME)));
  expect(many.flatMap(codes)).toEqual([]);
  console.log(`db-pool-faults: 15 killed inside transactions, pool serving again; ${Date.now() - started} ms in all`);
});

test('an idle-in-transaction session ended by PostgreSQL frees its slot', async () => {
  const em = t.app.orm.em.fork();
  const failed = await em
    .transactional(async (tx) => {
      await sql(tx, 'select 1');
      await new Promise((r) => setTimeout(r, 4000)); // past AIR_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS (3 s)
      await sql(tx, 'select 1');
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(isTransientDatabaseError(failed)).toBe(true);
  await eventually('the slot to come back', async () => (await checkedOut()) === 0, { timeoutMs: 5000 });
});

test('a pool with every connection busy answers SERVICE_UNAVAILABLE within the acquisition deadline, and /readyz 503', async () => {
  // Hold every connection in an open transaction, as ten slow requests would.
  let releaseAll!: () => void;
  const gate = new Promise<void>((r) => (releaseAll = r));
  const holders = Array.from({ length: 10 }, () =>
    t.app.orm.em.fork().transactional(async (tx) => {
      await sql(tx, 'select 1');
      await gate;
    }),
  );
  await eventually('all ten connections to be checked out', async () => (await checkedOut()) === 10, { timeoutMs: 5000 });
  try {
    const asked = Date.now();
    const res = await gql(t.url, token, ME);
    const waited = Date.now() - asked;
    expect(res.status).toBe(503);
    expect(codes(res)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(res.errors![0]!.message).toMatch(/retry/);
    expect(waited).toBeGreaterThanOrEqual(ACQUIRE_MS - 50);
    expect(waited).toBeLessThan(ACQUIRE_MS + 2000);
    // Logged as the degraded state it is, not as our bug with a stack.
    expect(t.log.some((l) => l.level === 'warn' && l.msg === 'database unavailable')).toBe(true);
    expect(t.log.filter((l) => l.msg === 'Unexpected error')).toEqual([]);

    const probed = Date.now();
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/timeout|did not serve/);
    expect(Date.now() - probed).toBeLessThan(READY_MS + 1000);
    // The process itself is up: liveness stays 200, readiness takes the node out of rotation.
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  } finally {
    releaseAll();
    await Promise.all(holders);
  }
  expect((await gql(t.url, token, ME)).errors).toBeUndefined();
  expect((await fetch(`${base()}/readyz`)).status).toBe(200);
});
