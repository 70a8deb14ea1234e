import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { Config } from './config.js';
import type { Orm } from './db/database.js';
import { migrationsApplied } from './db/database.js';
import type { Authenticate } from './auth/authenticate.js';
import { createContext, type Context } from './context.js';
import { AppError, coerceError, createErrorFormatter, ErrorCode, type Logger } from './errors.js';
import { createMetrics } from './metrics.js';
import { handleIngest } from './telemetry/ingest.http.js';
import { createIngestPool, type IngestPool } from './telemetry/ingest.pool.js';
import { handleExport } from './exports/export.http.js';
import type { JobQueue } from './jobs/queue.js';
import { routeStoredAlerts } from './investigations/intake.service.js';
import { EventStream } from './realtime/event-stream.service.js';
import { attachGraphQLWs } from './realtime/ws.server.js';
import type { ExecutorRegistry } from './actions/executor.js';

export interface ServerDeps {
  config: Config;
  orm: Orm;
  queue: JobQueue;
  executors: ExecutorRegistry;
  schema: GraphQLSchema;
  authenticate: Authenticate;
  logger: Logger;
}

export interface AirServer {
  url: string;
  httpServer: http.Server;
  /** The node's outbox reader, feeding the graphql-ws subscriptions. */
  events: EventStream;
  stop(): Promise<void>;
}

/** The query limits, shared by HTTP and WebSocket operations. `exposeLimits: false` keeps the numbers private. */
export function createArmor(limits: Config['limits']) {
  // The limits stay private (exposeLimits: false); the messages still say what to change.
  return new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      exposeLimits: false,
      flattenFragments: true,
      errorMessage: 'Query is too deep: request fewer nested levels',
    },
    maxAliases: { n: limits.maxAliases, exposeLimits: false, errorMessage: 'Query has too many aliases: split it into several requests' },
    costLimit: {
      maxCost: limits.maxCost,
      exposeLimits: false,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      errorMessage: 'Query is too costly: select fewer fields or nested lists, or split it into several requests',
    },
    maxTokens: { n: limits.maxTokens, exposeLimits: false, errorMessage: 'Query document is too large: send a shorter query' },
    maxDirectives: { n: 20, exposeLimits: false, errorMessage: 'Query has too many directives' },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A request-level failure in the GraphQL response shape, so clients parse one format. */
export function sendGraphQLError(res: ServerResponse, error: AppError) {
  const headers: Record<string, string> = error.code === ErrorCode.UNAUTHENTICATED ? { 'www-authenticate': 'Bearer' } : {};
  // The extensions carry `field` for a BAD_USER_INPUT that names one (query-string parameters of the exports).
  sendJson(res, error.httpStatus, { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] }, headers);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** HTTP + Apollo on one http.Server: `/graphql`, `/ingest`, `/export/*.csv`, `/healthz`, `/readyz`, `/metrics`. */
export async function createServer(deps: ServerDeps, listen: { port: number; host: string }): Promise<AirServer> {
  const { config, orm, queue, executors, schema, authenticate, logger } = deps;
  const armor = createArmor(config.limits);
  const metrics = createMetrics();
  // Started on the first upload: a node that never ingests never pays for the threads.
  let ingestPool: IngestPool | undefined;
  const ingestParser = () => {
    if (config.ingestThreads === 0) return undefined;
    ingestPool ??= createIngestPool(config.ingestThreads);
    return ingestPool.parse;
  };
  const formatError = createErrorFormatter({ exposeDetails: config.env === 'development', logger });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    introspection: true,
    csrfPrevention: true,
    // Shutdown is ours (main.ts: HTTP, then the pool, then PostgreSQL). Apollo's own SIGINT/SIGTERM
    // handler would stop it first and re-raise the signal, leaving our ordered stop waiting.
    stopOnTerminationSignals: false,
    validationRules: armor.validationRules,
    plugins: [...(armor.plugins as ApolloServerPlugin<Context>[]), metrics.apolloPlugin, ApolloServerPluginLandingPageDisabled()],
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await apollo.start();

  let ready = false;
  async function readiness(): Promise<{ ok: boolean; reason?: string }> {
    try {
      await orm.em.getConnection().execute('select 1');
      if (!ready) ready = await migrationsApplied(orm);
      return ready ? { ok: true } : { ok: false, reason: 'migrations pending: run npm run migrate' };
    } catch (e) {
      return { ok: false, reason: `database unreachable: ${coerceError(e).message}` };
    }
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL) {
    let rawBody = '';
    if (req.method === 'POST') {
      try {
        rawBody = await readBody(req, config.limits.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          return sendGraphQLError(
            res,
            new AppError(ErrorCode.BAD_USER_INPUT, `request body is larger than ${config.limits.maxBodyBytes} bytes`),
          );
        }
        throw e;
      }
    }
    let context: Context;
    try {
      context = createContext({ orm, queue, executors }, await authenticate(req.headers.authorization));
    } catch (e) {
      if (e instanceof AppError) return sendGraphQLError(res, e);
      throw e;
    }
    let body: unknown = undefined;
    const contentType = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && contentType.includes('application/json')) {
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        return sendGraphQLError(res, new AppError(ErrorCode.BAD_USER_INPUT, 'request body is not valid JSON'));
      }
    } else if (req.method === 'POST') {
      body = rawBody;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => context,
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = async () => {
      switch (url.pathname) {
        case '/graphql':
          return handleGraphQL(req, res, url);
        case '/ingest':
          return handleIngest(req, res, {
            orm,
            authenticate,
            ingest: { parser: ingestParser() },
            routeAlerts: (tenantId, alertIds) => routeStoredAlerts(orm, queue, tenantId, alertIds, logger),
          });
        case '/healthz':
          return sendJson(res, 200, { status: 'ok' });
        case '/readyz': {
          const state = await readiness();
          return sendJson(res, state.ok ? 200 : 503, state.ok ? { status: 'ready' } : { status: 'not ready', reason: state.reason });
        }
        case '/metrics':
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          return res.end(await metrics.registry.metrics());
        default:
          if (url.pathname.startsWith('/export/')) return handleExport(req, res, url, { orm, authenticate, logger });
          return sendJson(res, 404, { error: `no route ${url.pathname}; the API is at /graphql` });
      }
    };
    route().catch((e: unknown) => {
      logger.error('request failed', e);
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
      else res.destroy();
    });
  });
  // Slow-loris protection: 30 s to send the headers, and a connection idle for 2 min is closed. No
  // limit on a whole request: a 1M-message /ingest upload streams for minutes (528 s measured on 2 cores),
  // and /graphql bodies are capped in size instead.
  httpServer.headersTimeout = 30_000;
  httpServer.requestTimeout = 0;
  httpServer.timeout = 120_000;

  // graphql-ws on the same port and path; its operations pass the same limits and the same shield.
  const events = new EventStream({ databaseUrl: orm.config.get('clientUrl')!, logger, ...config.realtime });
  await events.start();
  const ws = attachGraphQLWs({
    httpServer,
    schema,
    services: { orm, queue, executors, events },
    authenticate,
    config,
    validationRules: armor.validationRules as ValidationRule[],
    formatError,
    logger,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(listen.port, listen.host, () => resolve());
    });
  } catch (e) {
    await ws.close();
    await events.stop();
    throw e;
  }
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;

  return {
    url: `http://${shownHost}:${port}/graphql`,
    httpServer,
    events,
    async stop() {
      // Sockets first (their streams end; clients resume from their cursors elsewhere), then the reader.
      await ws.close();
      await events.stop();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
      await apollo.stop();
      await ingestPool?.close();
      metrics.registry.clear();
    },
  };
}
