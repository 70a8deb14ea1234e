import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Context } from './context.js';

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
