import os from 'node:os';
import path from 'node:path';
import { LogLevel } from './logger.js';
import { POOL_DEFAULTS } from './db/pool.js';
import { DEVELOPMENT_CORS_ORIGINS, parseOriginAllowList, type OriginAllowList } from './http/cors-origins.js';

/** The only reader of `process.env`. Parsed once at start-up, fails fast on a bad value, frozen. */
export interface Config {
  /** `development` shows error details and stack traces in logs; `production` requires OIDC. @default 'development' */
  readonly env: 'development' | 'production' | 'test';
  /** The least severe level logged: JSON lines in production, pretty ones in development. @default LogLevel.INFO */
  readonly logLevel: LogLevel;
  /** @default 4000 */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host: string;
  /** External PostgreSQL; when unset an embedded PostgreSQL runs from `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Embedded PostgreSQL data, the development signing key. @default './.air' */
  readonly dataDir: string;
  /** Port of the embedded PostgreSQL. @default 54329 */
  readonly embeddedPgPort: number;
  /**
   * Seed the `demo` tenant on first start; `npm start` then prints two demo tokens (never in production,
   * where they would be credentials signed with the production key, in the logs).
   * @default true, false when NODE_ENV=production
   */
  readonly demo: boolean;
  /** Investigations this process runs at once; 0 runs none (API only; `npm run worker` elsewhere). @default 2 */
  readonly workers: number;
  /**
   * Seconds between an idle worker's looks at the queue while NOTIFY wakes it: the backstop that finds
   * retried jobs once due and any wake-up lost while the LISTEN connection reconnected. @default 5
   */
  readonly jobBackstopPollSeconds: number;
  /** Worker threads that parse and fingerprint `/ingest` uploads; 0 parses on the event loop. @default cores − 1 (at least 1) */
  readonly ingestThreads: number;
  readonly auth: {
    /** OIDC issuer; when set, tokens are verified against its JWKS and the HS256 key is not used. */
    readonly oidcIssuer: string | undefined;
    readonly oidcAudience: string | undefined;
    /** HS256 secret; when unset in development it is generated into `dataDir`. */
    readonly jwtSecret: string | undefined;
    /** @default 'tenant' */
    readonly tenantClaim: string;
    /** @default 'roles' */
    readonly rolesClaim: string;
  };
  readonly limits: {
    /** @default 12 */
    readonly maxDepth: number;
    /** @default 15 */
    readonly maxAliases: number;
    /**
     * Highest query cost accepted (src/common/query-cost.ts: about one point per value returned). The
     * investigation page with every tab and `__typename` everywhere costs 25,858 at 50 items a tab (16,828
     * at the default 20; its graph alone, 500 nodes and 2,000 edges, is 13,000); message bodies in nested
     * default pages (20 investigations × 20 clusters × 20 messages) cost over 100,000. @default 50000
     */
    readonly maxCost: number;
    /** @default 2000 */
    readonly maxTokens: number;
    /** Largest HTTP request body accepted on /graphql, in bytes. @default 1048576 */
    readonly maxBodyBytes: number;
    /** An HTTP or WebSocket query or mutation running longer is answered with DEADLINE_EXCEEDED and stopped. @default 15000 */
    readonly maxExecutionMs: number;
    /** A result whose JSON is larger is refused instead of sent, in bytes. @default 10000000 */
    readonly maxResponseBytes: number;
  };
  /** The database pool and sessions under faults (src/db/pool.ts, docs/operations.md). */
  readonly database: {
    /** Connections in this process's ORM pool. @default 10 */
    readonly poolMax: number;
    /** A request waiting longer for a connection is answered SERVICE_UNAVAILABLE (503). @default 5000 */
    readonly acquireTimeoutMs: number;
    /** PostgreSQL `statement_timeout` of the server's sessions (migrations run without it); 0 turns it off. @default 60000 */
    readonly statementTimeoutMs: number;
    /** PostgreSQL `idle_in_transaction_session_timeout` of the server's sessions; 0 turns it off. @default 60000 */
    readonly idleInTransactionTimeoutMs: number;
    /** `/readyz` answers 503 when the pool has not served its statement by then. @default 2000 */
    readonly readyTimeoutMs: number;
  };
  /** What the GraphQL endpoint tells a client about the schema. */
  readonly graphql: {
    /** Answer `__schema` / `__type` queries (HTTP and WebSocket). @default true, false when NODE_ENV=production */
    readonly introspection: boolean;
    /**
     * "Did you mean …?" in validation and variable errors. Off by default in every environment (DESIGN:
     * no field suggestions): they spell out field, type and enum names to whoever guesses. @default false
     */
    readonly suggestions: boolean;
  };
  /** Where Prometheus scrapes `/metrics`. */
  readonly metrics: {
    /** A port of its own for `/metrics` (and nothing else); unset serves it on `port` beside the API. 0 picks a free port. */
    readonly port: number | undefined;
    /** Address of that port. @default '127.0.0.1' */
    readonly host: string;
    /** When set, `/metrics` answers only `Authorization: Bearer <token>` (401 otherwise), on whichever port serves it. */
    readonly token: string | undefined;
  };
  /** What a browser page on another origin may call (`/graphql`, `/ingest`, `/export/*`). */
  readonly http: {
    /**
     * Origins allowed by CORS (AIR_CORS_ORIGINS, a comma list: exact origins, `scheme://host:*` for any
     * port, `*` for any origin). An origin not listed gets no CORS headers, so the browser refuses it.
     * @default any port on localhost, 127.0.0.1 and [::1]; none when NODE_ENV=production
     */
    readonly corsOrigins: OriginAllowList;
    /**
     * Serve the GraphQL explorer (GraphiQL, from this server's own files) to a browser opening `GET /graphql`.
     * @default true, false when NODE_ENV=production
     */
    readonly explorer: boolean;
  };
  /** Live updates: the outbox reader and the graphql-ws sockets. */
  readonly realtime: {
    /** How often a node reads the outbox without a NOTIFY: the backstop for a hint lost while its listener reconnects. @default 500 */
    readonly pollIntervalMs: number;
    /** Outbox rows read per statement. @default 500 */
    readonly batchSize: number;
    /** Events waiting for one subscription before its stream ends with an error telling the client to resume. @default 1000 */
    readonly queueLimit: number;
    /** Ping every socket this often; one that has not answered by the next ping is closed. 0 turns pings off. @default 12000 */
    readonly keepAliveMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer between ${min} and ${max}, but got '${raw}'`);
  }
  return value;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key} must be 1/0, true/false, yes/no or on/off, but got '${raw}'`);
}

function oneOf<T extends string>(env: Env, key: string, allowed: Record<string, T>, fallback: T): T {
  const raw = str(env, key)?.toLowerCase();
  if (raw === undefined) return fallback;
  const known = Object.values(allowed);
  if (!known.includes(raw as T)) throw new ConfigError(`${key} must be one of ${known.join(', ')}, but got '${env[key]}'`);
  return raw as T;
}

function origins(env: Env, key: string, fallback: string): OriginAllowList {
  // Unset falls back; set but empty means what it says: no origin.
  const raw = env[key];
  try {
    return parseOriginAllowList(raw ?? fallback);
  } catch (e) {
    throw new ConfigError(`${key}: ${(e as Error).message}`);
  }
}

function str(env: Env, key: string): string | undefined {
  const raw = env[key];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = str(env, 'NODE_ENV') ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test, but got '${nodeEnv}'`);
  }
  const oidcIssuer = str(env, 'AIR_OIDC_ISSUER');
  const oidcAudience = str(env, 'AIR_OIDC_AUDIENCE');
  if (oidcIssuer && !oidcAudience) throw new ConfigError('AIR_OIDC_AUDIENCE is required when AIR_OIDC_ISSUER is set');
  if (nodeEnv === 'production' && !oidcIssuer && !str(env, 'AIR_JWT_SECRET')) {
    throw new ConfigError('production needs AIR_OIDC_ISSUER (or, for a closed network, AIR_JWT_SECRET)');
  }
  const jwtSecret = str(env, 'AIR_JWT_SECRET');
  if (jwtSecret && jwtSecret.length < 32) throw new ConfigError('AIR_JWT_SECRET must be at least 32 characters');
  const metricsToken = str(env, 'AIR_METRICS_TOKEN');
  if (metricsToken && metricsToken.length < 16) throw new ConfigError('AIR_METRICS_TOKEN must be at least 16 characters');
  const production = nodeEnv === 'production';
  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, but got '${databaseUrl.split(':')[0]}:…'`);
  }

  return Object.freeze({
    env: nodeEnv,
    logLevel: oneOf(env, 'AIR_LOG_LEVEL', LogLevel, LogLevel.INFO),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: str(env, 'HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(str(env, 'AIR_DATA_DIR') ?? './.air'),
    embeddedPgPort: int(env, 'AIR_PG_PORT', 54329, 1, 65535),
    demo: bool(env, 'AIR_DEMO', !production),
    workers: int(env, 'AIR_WORKERS', 2, 0, 64),
    jobBackstopPollSeconds: int(env, 'AIR_JOB_BACKSTOP_POLL_SECONDS', 5, 1, 3600),
    // One parser thread a core: real .eml costs ~4 ms a message to parse against well under 1 ms to store,
    // so on 2 cores a second thread is what doubles the rate (docs/benchmarks.md, `npm run eval:parse`).
    ingestThreads: int(env, 'AIR_INGEST_THREADS', os.availableParallelism(), 0, 64),
    auth: Object.freeze({
      oidcIssuer,
      oidcAudience,
      jwtSecret,
      tenantClaim: str(env, 'AIR_TENANT_CLAIM') ?? 'tenant',
      rolesClaim: str(env, 'AIR_ROLES_CLAIM') ?? 'roles',
    }),
    limits: Object.freeze({
      maxDepth: int(env, 'AIR_MAX_DEPTH', 12, 2, 100),
      maxAliases: int(env, 'AIR_MAX_ALIASES', 15, 1, 1000),
      maxCost: int(env, 'AIR_MAX_COST', 50_000, 10, 10_000_000),
      maxTokens: int(env, 'AIR_MAX_TOKENS', 2000, 100, 1_000_000),
      maxBodyBytes: int(env, 'AIR_MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxExecutionMs: int(env, 'AIR_MAX_EXECUTION_MS', 15_000, 1, 600_000),
      maxResponseBytes: int(env, 'AIR_MAX_RESPONSE_BYTES', 10_000_000, 1024, 1_000_000_000),
    }),
    database: Object.freeze({
      poolMax: int(env, 'AIR_DB_POOL_MAX', POOL_DEFAULTS.max, 1, 1000),
      acquireTimeoutMs: int(env, 'AIR_DB_ACQUIRE_TIMEOUT_MS', POOL_DEFAULTS.acquireTimeoutMs, 100, 600_000),
      statementTimeoutMs: int(env, 'AIR_DB_STATEMENT_TIMEOUT_MS', POOL_DEFAULTS.statementTimeoutMs, 0, 86_400_000),
      idleInTransactionTimeoutMs: int(
        env,
        'AIR_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
        POOL_DEFAULTS.idleInTransactionTimeoutMs,
        0,
        86_400_000,
      ),
      readyTimeoutMs: int(env, 'AIR_READY_TIMEOUT_MS', 2000, 100, 60_000),
    }),
    graphql: Object.freeze({
      introspection: bool(env, 'AIR_INTROSPECTION', !production),
      suggestions: bool(env, 'AIR_FIELD_SUGGESTIONS', false),
    }),
    metrics: Object.freeze({
      port: str(env, 'AIR_METRICS_PORT') === undefined ? undefined : int(env, 'AIR_METRICS_PORT', 0, 0, 65535),
      host: str(env, 'AIR_METRICS_HOST') ?? '127.0.0.1',
      token: metricsToken,
    }),
    http: Object.freeze({
      // Tokens travel in the Authorization header, never in cookies, so an allowed origin gains nothing a
      // stolen token would not; still none by default in production, where the front end's origin is known.
      corsOrigins: origins(env, 'AIR_CORS_ORIGINS', production ? '' : DEVELOPMENT_CORS_ORIGINS),
      explorer: bool(env, 'AIR_EXPLORER', !production),
    }),
    realtime: Object.freeze({
      pollIntervalMs: int(env, 'AIR_EVENTS_POLL_MS', 500, 10, 60_000),
      batchSize: int(env, 'AIR_EVENTS_BATCH', 500, 1, 10_000),
      queueLimit: int(env, 'AIR_SUBSCRIPTION_QUEUE', 1000, 1, 1_000_000),
      keepAliveMs: int(env, 'AIR_WS_KEEPALIVE_MS', 12_000, 0, 600_000),
    }),
  });
}
