import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { unauthenticated } from './errors.js';
import type { Logger } from './logger.js';
import { createRequestListener, type Route } from './http/request.js';
import { sendError, sendMethodNotAllowed, sendNoRoute } from './http/respond.js';

/**
 * Prometheus metrics for `/metrics`. A registry per server, not prom-client's global one, so two
 * servers in one process (tests, or API + worker) never collide. Labels are closed sets only:
 * client-chosen operation names would let any caller grow the metric series without bound.
 */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'air_graphql_operation_seconds',
    help: 'GraphQL operation duration by operation type and outcome',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'air_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const apolloPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const end = duration.startTimer();
      return {
        async willSendResponse({ operation, errors: errs }) {
          for (const e of errs ?? []) errors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          end({ type: operation?.operation ?? 'unknown', outcome: errs?.length ? 'error' : 'ok' });
        },
      };
    },
  };
  return { registry, apolloPlugin };
}

/** Whether `Authorization` carries exactly `Bearer <token>`; compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics`: Prometheus text. With AIR_METRICS_TOKEN set, only a scraper sending that bearer
 * token reads it (401 otherwise): the numbers describe the load and the errors of every tenant.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, '/metrics', req.method, 'GET');
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      return sendError(res, unauthenticated('/metrics needs Authorization: Bearer <AIR_METRICS_TOKEN>'));
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

export interface MetricsServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * `/metrics` on an address and port of its own (AIR_METRICS_HOST, AIR_METRICS_PORT): a scraper on an
 * internal network reaches it, the clients of the API's port do not.
 */
export async function startMetricsServer(
  route: Route,
  options: Config['metrics'] & { port: number },
  logger: Logger,
): Promise<MetricsServer> {
  const server = http.createServer(
    createRequestListener({
      logger: logger.child({ listener: 'metrics' }),
      route: (url) =>
        url.pathname === '/metrics' ? route : (_req, res) => sendNoRoute(res, url.pathname, 'this port serves /metrics only'),
      quietPaths: new Set(['/metrics']),
    }),
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
