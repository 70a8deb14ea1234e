import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { unauthenticated } from './errors.js';
import type { Logger } from './logger.js';
import { createRequestListener, type Route } from './http/request.js';
import { sendError, sendMethodNotAllowed, sendNoRoute } from './http/respond.js';
import { ActionStatus } from './domain/action.js';
import { InvestigationState } from './domain/investigation.js';
import type { DatabaseCollector, DatabaseSnapshot } from './metrics.database.js';
import { OperationNames, OTHER_OPERATION, statusLabel } from './metrics.labels.js';

/** The pool counts pg-pool keeps (the ORM's pool: `getNativeClient()`). */
export interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { readonly max?: number };
}

/** What the scrape-time gauges read; each is plugged in by the part of the process that owns it. */
export interface MetricSources {
  /** Sockets and subscriptions open on this node (graphql-ws, the event stream). */
  realtime?: { connections(): number; subscriptions(): number };
  /** The ORM's connection pool. */
  pool?: PoolCounts;
  /** Queue depth and age, investigations by state, actions by status. */
  database?: DatabaseCollector;
}

export interface MetricsOptions {
  /** Distinct GraphQL operation names given a series of their own (metrics.labels.ts). @default 200 */
  maxOperationNames?: number;
}

/** Buckets in seconds from 5 ms to 10 s: GraphQL operations and most HTTP requests. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics for `/metrics`. A registry per server, not prom-client's global one, so two
 * servers in one process (tests, or API + worker) never collide. Labels are bounded sets only
 * (metrics.labels.ts): client-chosen paths and operation names never become series as they arrived.
 * Every metric is listed in docs/operations.md; docs/grafana-dashboard.json charts them.
 */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics({ maxOperationNames = 200 }: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sources: MetricSources = {};

  const duration = new Histogram({
    name: 'air_graphql_operation_seconds',
    help: 'GraphQL operation duration by operation type and outcome',
    labelNames: ['type', 'outcome'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const named = new Histogram({
    name: 'air_graphql_named_operation_seconds',
    help: 'GraphQL operation duration by operation name (the first names seen, then "(other)"), type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: 'air_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers,
  });
  const operationNames = new OperationNames(maxOperationNames);
  const apolloPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const end = duration.startTimer();
      const started = performance.now();
      return {
        async willSendResponse({ operation, errors: errs }) {
          for (const e of errs ?? []) errors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          const labels = { type: operation?.operation ?? 'unknown', outcome: errs?.length ? 'error' : 'ok' };
          end(labels);
          // Unresolved (a syntax or validation error): no name the server vouches for.
          const name = operation ? operationNames.label(operation.name?.value) : OTHER_OPERATION;
          named.observe({ ...labels, operation: name }, (performance.now() - started) / 1000);
        },
      };
    },
  };

  const httpRequests = new Counter({
    name: 'air_http_requests_total',
    help: 'HTTP requests by route, method and status ("aborted": the client left before the response began)',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'air_http_request_duration_seconds',
    help: 'HTTP request duration by route, from the request to the end of the response',
    labelNames: ['route'] as const,
    // /ingest streams uploads for minutes.
    buckets: [...REQUEST_BUCKETS, 30, 60, 300, 900],
    registers,
  });

  new Gauge({
    name: 'air_websocket_connections',
    help: 'graphql-ws sockets open on this node',
    registers,
    collect() {
      if (sources.realtime) this.set(sources.realtime.connections());
    },
  });
  new Gauge({
    name: 'air_subscriptions_active',
    help: 'Event subscriptions (investigationEvents, tenantEvents) open on this node',
    registers,
    collect() {
      if (sources.realtime) this.set(sources.realtime.subscriptions());
    },
  });
  const delivered = new Counter({
    name: 'air_events_delivered_total',
    help: 'Outbox events handed to a subscription for sending, by event type and source (live, or replayed after a cursor)',
    labelNames: ['type', 'source'] as const,
    registers,
  });
  const lag = new Histogram({
    name: 'air_event_delivery_lag_seconds',
    help: 'From an event being written (in the transaction that commits it) to its hand-over for sending, by source',
    labelNames: ['source'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  });

  const stepSeconds = new Histogram({
    name: 'air_playbook_step_seconds',
    help: 'Playbook step duration by step key and final status (COMPLETED, SKIPPED, FAILED), in the process that ran it',
    labelNames: ['step', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });

  const ingestRecords = new Counter({
    name: 'air_ingest_records_total',
    help: 'POST /ingest lines by outcome: stored (new), duplicate (an id already held), failed (refused)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const ingestStored = new Counter({
    name: 'air_ingest_stored_records_total',
    help: 'POST /ingest records stored, by record type',
    labelNames: ['type'] as const,
    registers,
  });
  const ingestBytes = new Counter({
    name: 'air_ingest_bytes_total',
    help: 'POST /ingest body bytes read',
    registers,
  });

  new Gauge({
    name: 'air_db_pool_connections',
    help: "The ORM pool's connections by state (in_use, idle)",
    labelNames: ['state'] as const,
    registers,
    collect() {
      const pool = sources.pool;
      if (!pool) return;
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'air_db_pool_waiting',
    help: "Queries waiting for a connection of the ORM's pool",
    registers,
    collect() {
      if (sources.pool) this.set(sources.pool.waitingCount);
    },
  });
  new Gauge({
    name: 'air_db_pool_max',
    help: "The ORM pool's size (AIR_DB_POOL_MAX)",
    registers,
    collect() {
      if (sources.pool?.options.max !== undefined) this.set(sources.pool.options.max);
    },
  });

  const collectFailures = new Counter({
    name: 'air_metrics_collect_failures_total',
    help: 'Scrape-time database reads that failed or timed out (their gauges are absent from that scrape)',
    registers,
  });
  // The gauges of one scrape are collected together (prom-client awaits them in parallel), so they share
  // one read, and its failure is counted once.
  let countedFailure: Promise<DatabaseSnapshot> | undefined;
  async function databaseSnapshot(): Promise<DatabaseSnapshot | undefined> {
    const read = sources.database?.read();
    try {
      return await read;
    } catch {
      if (countedFailure !== read) collectFailures.inc();
      countedFailure = read;
      return undefined;
    }
  }
  const databaseGauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    fill: (gauge: Gauge<L>, s: DatabaseSnapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        // Rows that went away (a queue emptied of a state, say) must not linger with their last value.
        this.reset();
        const s = await databaseSnapshot();
        if (s) fill(this, s);
      },
    });
  databaseGauge(
    'air_job_queue_jobs',
    'pg-boss jobs by queue and state: ready (waiting for a worker), deferred (retry backoff, later start), active',
    ['queue', 'state'],
    (g, s) => {
      for (const q of s.queues) {
        g.set({ queue: q.queue, state: 'ready' }, q.ready);
        g.set({ queue: q.queue, state: 'deferred' }, q.deferred);
        g.set({ queue: q.queue, state: 'active' }, q.active);
      }
    },
  );
  databaseGauge(
    'air_job_queue_oldest_ready_seconds',
    'How long the oldest job ready to run has waited, by queue (0: none waiting)',
    ['queue'],
    (g, s) => {
      for (const q of s.queues) g.set({ queue: q.queue }, q.oldestReadySeconds);
    },
  );
  databaseGauge('air_investigations', 'Investigations by state, all tenants', ['state'], (g, s) => {
    // Every state, zeros included: a dashboard's series do not come and go with the traffic.
    for (const state of Object.values(InvestigationState)) g.set({ state }, 0);
    for (const r of s.investigations) g.set({ state: r.state }, r.count);
  });
  databaseGauge('air_actions', 'Remediation actions by status, all tenants', ['status'], (g, s) => {
    for (const status of Object.values(ActionStatus)) g.set({ status }, 0);
    for (const r of s.actions) g.set({ status: r.status }, r.count);
  });

  return {
    registry,
    apolloPlugin,
    /** Plug in what the scrape-time gauges read (a part not plugged in shows no series). */
    observe(more: MetricSources) {
      Object.assign(sources, more);
    },
    /** One HTTP response finished or abandoned (http/request.ts). */
    httpResponse(route: string, method: string | undefined, status: number | undefined, seconds: number) {
      httpRequests.inc({ route, method: KNOWN_METHODS.has(method ?? '') ? method : 'other', status: statusLabel(status) });
      httpDuration.observe({ route }, seconds);
    },
    /** An event handed to a subscription for sending. */
    eventDelivered(type: string, at: Date, source: 'live' | 'replay') {
      delivered.inc({ type, source });
      lag.observe({ source }, Math.max(0, Date.now() - at.getTime()) / 1000);
    },
    /** A playbook step finished (playbooks/engine.ts). */
    stepFinished(step: string, status: string, seconds: number) {
      stepSeconds.observe({ step, status }, seconds);
    },
    /** Body bytes an upload read, as they arrive. */
    ingestRead(bytes: number) {
      ingestBytes.inc(bytes);
    },
    /** An upload's outcome, when it is answered. */
    ingested(report: { stored: number; duplicates: number; failed: number; byType: Record<string, number> }) {
      ingestRecords.inc({ outcome: 'stored' }, report.stored);
      ingestRecords.inc({ outcome: 'duplicate' }, report.duplicates);
      ingestRecords.inc({ outcome: 'failed' }, report.failed);
      for (const [type, n] of Object.entries(report.byType)) ingestStored.inc({ type }, n);
    },
  };
}

/** Methods as labels; anything else (a client may send any token) is `other`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

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
