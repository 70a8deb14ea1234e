import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoSchemaIntrospectionCustomRule, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Config } from './config.js';
import type { Orm } from './db/database.js';
import type { Authenticate } from './auth/authenticate.js';
import { createErrorFormatter } from './errors.js';
import type { Logger } from './logger.js';
import { createMetrics, metricsRoute, startMetricsServer, type MetricsServer } from './metrics.js';
import { createArmor, graphqlRoute, startApollo } from './http/graphql.route.js';
import { createHealthRoutes, HEALTH_PATHS } from './http/health.js';
import { withDatabaseUnavailable } from './http/unavailable.js';
import { createRequestListener, type Route } from './http/request.js';
import { withCors } from './http/cors.js';
import { createExplorer, EXPLORER_ASSET_PREFIX, wantsExplorer } from './explorer/explorer.http.js';
import { sendNoRoute } from './http/respond.js';
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
  /** Where Prometheus scrapes: this server's `/metrics`, or the metrics port's (AIR_METRICS_PORT). */
  metricsUrl: string;
  httpServer: http.Server;
  /** The node's outbox reader, feeding the graphql-ws subscriptions. */
  events: EventStream;
  stop(): Promise<void>;
}

/** HTTP + Apollo + graphql-ws on one http.Server: `/graphql`, `/ingest`, `/export/*.csv`, `/healthz`, `/readyz`, `/metrics`. */
export async function createServer(deps: ServerDeps, listen: { port: number; host: string }): Promise<AirServer> {
  const { config, orm, queue, executors, schema, authenticate, logger } = deps;
  const armor = createArmor(config.limits);
  const metrics = createMetrics();
  const formatError = withDatabaseUnavailable(
    createErrorFormatter({ exposeDetails: config.env === 'development', hideSuggestions: !config.graphql.suggestions }),
  );
  const apollo = await startApollo({ schema, armor, formatError, metrics, logger, limits: config.limits, graphql: config.graphql });
  // /metrics beside the API, or on an address and port of its own (then the API's port does not serve it).
  const scrape = metricsRoute(metrics, config.metrics.token);
  const metricsPort = config.metrics.port;
  // Started on the first upload: a node that never ingests never pays for the threads.
  let ingestPool: IngestPool | undefined;
  const ingestParser = () => {
    if (config.ingestThreads === 0) return undefined;
    ingestPool ??= createIngestPool(config.ingestThreads);
    return ingestPool.parse;
  };

  // The routes a browser app calls answer CORS (AIR_CORS_ORIGINS); health and metrics are for probes, not pages.
  const origins = config.http.corsOrigins;
  const graphql = withCors(
    origins,
    ['GET', 'POST'],
    graphqlRoute({ apollo, services: { orm, queue, executors }, authenticate, limits: config.limits }),
  );
  // A browser opening /graphql gets the explorer (when enabled); GraphQL clients, whose GETs ask for JSON, the API.
  const explorer = config.http.explorer ? createExplorer() : undefined;
  const routes: Record<string, Route> = {
    '/graphql': explorer ? (req, res, scope) => (wantsExplorer(req, scope.url) ? explorer.page : graphql)(req, res, scope) : graphql,
    '/ingest': withCors(origins, ['POST'], (req, res, scope) =>
      handleIngest(req, res, scope, {
        orm,
        authenticate,
        ingest: { parser: ingestParser() },
        routeAlerts: (tenantId, alertIds) => routeStoredAlerts(orm, queue, tenantId, alertIds, scope.log),
      }),
    ),
    ...createHealthRoutes({ orm, readyTimeoutMs: config.database.readyTimeoutMs }),
    ...(metricsPort === undefined ? { '/metrics': scrape } : {}),
  };
  const exportRoute: Route = withCors(origins, ['GET'], (req, res, scope) => handleExport(req, res, scope, { orm, authenticate }));
  const noRoute: Route = (_req, res, { url }) => sendNoRoute(res, url.pathname, 'the API is at /graphql');

  const httpServer = http.createServer(
    createRequestListener({
      logger,
      route: (url) =>
        (Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined) ??
        (url.pathname.startsWith('/export/')
          ? exportRoute
          : explorer && url.pathname.startsWith(EXPLORER_ASSET_PREFIX)
            ? explorer.assets
            : noRoute),
      quietPaths: HEALTH_PATHS,
    }),
  );
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
    // Apollo's `introspection: false` does not reach graphql-ws: graphql's own rule does the same there.
    validationRules: [
      ...(armor.validationRules as ValidationRule[]),
      ...(config.graphql.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    formatError,
    logger,
  });

  let metricsServer: MetricsServer | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(listen.port, listen.host, () => resolve());
    });
    if (metricsPort !== undefined) metricsServer = await startMetricsServer(scrape, { ...config.metrics, port: metricsPort }, logger);
  } catch (e) {
    httpServer.close();
    await ws.close();
    await events.stop();
    throw e;
  }
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;

  return {
    url: `http://${shownHost}:${port}/graphql`,
    metricsUrl: metricsServer?.url ?? `http://${shownHost}:${port}/metrics`,
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
      await metricsServer?.stop();
      await apollo.stop();
      await ingestPool?.close();
      metrics.registry.clear();
    },
  };
}
