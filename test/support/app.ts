import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { bootstrap, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, LogLevel, type Logger } from '../../src/logger.js';
import { createTestDatabase } from './database.js';
import { Role } from '../../src/domain/role.js';
import type { ExecutorRegistry } from '../../src/actions/executor.js';
import type { IngestReport } from '../../src/telemetry/ingest.service.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** One JSON log line as pino wrote it: `level` (its name), `msg`, the bindings and the fields. */
export interface LogLine {
  level: string;
  msg: string;
  err?: { type: string; message: string; stack: string; [key: string]: unknown };
  [field: string]: unknown;
}

/**
 * A pino logger whose lines the test can read back, so tests can check what was logged and at which
 * level (masked errors, request lines). AIR_TEST_LOG=1 also prints them.
 */
export function recordingLogger(level: LogLevel = LogLevel.DEBUG): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = {
    write(text: string) {
      lines.push(JSON.parse(text) as LogLine);
      if (process.env.AIR_TEST_LOG) process.stdout.write(text);
    },
  };
  return { logger: createLogger({ level, destination }), lines };
}

export interface TestApp {
  app: App;
  url: string;
  databaseUrl: string;
  /** Every line the app logged, debug included. */
  log: LogLine[];
  token(tenant: string, roles: Role[] | Role, opts?: { sub?: string; ttlSeconds?: number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * What the leak-checking test environment (leak-environment.js) reads after a file's last hook: every
 * app started here was stopped and its pg pool holds no client.
 */
interface TrackedApp {
  startedAt: string;
  stopped: boolean;
  pool(): { totalCount: number; idleCount: number } | undefined;
}
declare global {
  var __AIR_TEST_APPS__: TrackedApp[] | undefined;
}

/** A real server on a random port over its own cloned database, as `npm start` wires it. */
export async function startTestApp(
  opts: {
    env?: Record<string, string>;
    onQuery?: (sql: string) => void;
    /** Join this database (a second API node beside another app) instead of a fresh clone; it is left in place at stop. */
    databaseUrl?: string;
    /** What approved actions do on this node (bootstrap's registry); the built-in executors when absent. */
    executors?: ExecutorRegistry;
  } = {},
): Promise<TestApp> {
  const db = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => {} } : await createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    AIR_DEMO: '0',
    AIR_DATA_DIR: dataDir,
    AIR_JWT_SECRET: TEST_SECRET,
    ...opts.env,
  });
  const { logger, lines } = recordingLogger();
  const app = await bootstrap(config, logger, { onQuery: opts.onQuery, executors: opts.executors });
  // The pool itself, taken now: asking the connection for it after close() would open a new one.
  const pool = await (app.orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  const tracked: TrackedApp = {
    startedAt:
      new Error()
        .stack!.split('\n')
        .find((l) => l.includes('.test.ts'))
        ?.trim() ?? 'in a test file',
    stopped: false,
    pool: () => pool,
  };
  (globalThis.__AIR_TEST_APPS__ ??= []).push(tracked);
  return {
    app,
    url: app.url,
    databaseUrl: db.url,
    log: lines,
    token: (tenant, roles, o = {}) =>
      app.signer!.sign({
        sub: o.sub ?? `user@${tenant}`,
        tenant,
        roles: Array.isArray(roles) ? roles : [roles],
        ttlSeconds: o.ttlSeconds ?? 600,
      }),
    async stop() {
      await app.stop();
      await db.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
      tracked.stopped = true;
    },
  };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POST a GraphQL operation over real HTTP. */
export async function gql<TData, TVars>(
  url: string,
  token: string | undefined,
  document: TypedDocumentNode<TData, TVars> | string,
  variables?: TVars,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: res.status, ...body };
}

/** The error codes of a response, in order. */
export const codes = (r: GraphQLResponse<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);

/** POST records (objects, or lines as they are) to a test app's `/ingest` with `token`; the report. */
export async function ingestRecords(app: Pick<TestApp, 'url'>, token: string, records: unknown[]): Promise<IngestReport> {
  const res = await fetch(app.url.replace(/\/graphql$/, '/ingest'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n',
  });
  return (await res.json()) as IngestReport;
}
