/**
 * The ORM's connection pool under faults: a connection that fails is destroyed, never leaked; waiting
 * for a connection has a deadline; every session carries statement and idle-in-transaction timeouts.
 *
 * Why a wrapper is needed at all. MikroORM 7 builds a `pg.Pool` and hands it to Kysely 0.29's
 * `PostgresDialect` (`PostgreSqlConnection.createKyselyDialect`). A transaction is a Kysely
 * `ControlledTransaction`, which gives its connection back to the pool only after `commit` or
 * `rollback` *succeeds* (kysely-org/kysely#1990, open). When the backend dies inside a transaction
 * (`pg_terminate_backend`, a failover, `idle_in_transaction_session_timeout`, a proxy dropping the
 * socket) both fail, so the slot stays checked out forever: eight terminations during an ingest wedged
 * every query, `/readyz` and every worker of a pool of 10 for good (issue 12). pg-pool itself would drop
 * such a client the moment anyone released it; nobody does. So the pool's clients are `GuardedClient`s
 * (pg-pool's documented `Client` option): a checked-out client whose connection fails gives itself back
 * to the pool *as broken* (pg-pool ends it and frees the slot), and the release Kysely may or may not
 * call later becomes a no-op. No fork of Kysely or MikroORM, nothing patched on an instance.
 */
import pg from 'pg';

export interface PoolSettings {
  /** Connections in the ORM's pool. @default 10 */
  readonly max: number;
  /**
   * How long a query waits for a free connection (or for a new one to connect) before failing with
   * "timeout exceeded when trying to connect", which the API answers as SERVICE_UNAVAILABLE. @default 5000
   */
  readonly acquireTimeoutMs: number;
  /** PostgreSQL's `statement_timeout` for the server's sessions; 0 turns it off. @default 60000 */
  readonly statementTimeoutMs: number;
  /** PostgreSQL's `idle_in_transaction_session_timeout` for the server's sessions; 0 turns it off. @default 60000 */
  readonly idleInTransactionTimeoutMs: number;
}

/**
 * The defaults, shared by `src/config.ts` and every caller that connects without a configuration (the
 * CLI, the test helpers). 60 s of statement time is four times the API's execution deadline (15 s): it
 * stops a runaway statement (one whose request was abandoned at its deadline, say) from holding a slot
 * for good without cutting off a legitimate one. Migrations, which may build indexes on large tables,
 * run without it (`connectDatabase`).
 */
export const POOL_DEFAULTS: PoolSettings = Object.freeze({
  max: 10,
  acquireTimeoutMs: 5000,
  statementTimeoutMs: 60_000,
  idleInTransactionTimeoutMs: 60_000,
});

/** The `application_name` the server's sessions carry, so operators (and the fault tests) can find them. */
export const APPLICATION_NAME = 'air-server';

type Release = (err?: Error | boolean) => void;

/**
 * A `pg.Client` that gives itself back to its pool, as broken, when its connection fails while checked
 * out. pg-pool assigns `client.release` on every checkout; the accessor keeps that function and hands
 * out one that runs it at most once per checkout, so a later release (Kysely's, after a rollback that
 * happened to succeed; pg-pool's own `query` path) is harmless instead of "Release called on client
 * which has already been released to the pool".
 */
export class GuardedClient extends pg.Client {
  #poolRelease: Release | undefined;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // pg emits 'error' for a connection that fails outside a query (a termination while idle in a
    // transaction) and after rejecting the query in flight; 'end' follows every closed socket.
    this.on('error', (e: Error) => this.#giveBack(e));
    this.on('end', () => this.#giveBack(new Error('the database connection ended')));
  }

  /** Runs the pool's release once; later calls in the same checkout do nothing. */
  #giveBack(err?: Error | boolean): void {
    const release = this.#poolRelease;
    this.#poolRelease = undefined;
    release?.(err);
  }

  // pg's typings declare `release` only on PoolClient; pg-pool sets and calls it on every Client.
  get release(): Release {
    return (err) => this.#giveBack(err);
  }
  set release(fn: Release) {
    this.#poolRelease = fn;
  }
}

/** pg.Pool options for MikroORM's `driverOptions`: merged into the pool it creates. */
export function poolOptions(settings: PoolSettings): Record<string, unknown> {
  return {
    Client: GuardedClient,
    connectionTimeoutMillis: settings.acquireTimeoutMs,
    // Sent in the startup packet, so every session has them before its first statement (no extra round
    // trip per checkout), and `RESET ALL` restores them rather than PostgreSQL's defaults.
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
    application_name: APPLICATION_NAME,
    // A peer that vanished without closing the socket is noticed by TCP keepalive instead of never.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** The same session settings as PostgreSQL command-line options, for pools the ORM does not build (pg-boss). */
export function sessionOptions(settings: Pick<PoolSettings, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'>): string {
  return `-c statement_timeout=${settings.statementTimeoutMs} -c idle_in_transaction_session_timeout=${settings.idleInTransactionTimeoutMs}`;
}
