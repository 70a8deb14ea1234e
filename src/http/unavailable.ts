/**
 * A database that is not there for a moment (no free connection within AIR_DB_ACQUIRE_TIMEOUT_MS, a
 * connection terminated mid-request, PostgreSQL restarting) is answered as what it is: code
 * SERVICE_UNAVAILABLE, HTTP 503 with `retry-after` when nothing else came back, on /graphql (HTTP and
 * WebSocket) and on the other routes. Without this the client saw "Unexpected error." (or, before the
 * acquisition deadline, a request that never ended) and could not tell "retry" from "bug".
 */
import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isTransientDatabaseError } from '../db/transient.js';
import { sendJson } from './respond.js';

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
const MESSAGE = 'The database is unavailable for a moment: retry the request shortly.';
/** Seconds a client should wait: the pool recovers within a few (docs/operations.md). */
const RETRY_AFTER_SECONDS = '2';

/** Whether an error (a GraphQL error or what it wraps) is the database's momentary absence. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return isTransientDatabaseError(original);
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Wrap the masking formatter: the database's absence gets its own code instead of "Unexpected error.". */
export function withDatabaseUnavailable(format: FormatError): FormatError {
  return (formatted, error) =>
    isDatabaseUnavailable(error)
      ? { message: MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: SERVICE_UNAVAILABLE } }
      : format(formatted, error);
}

/** HTTP 503 and `retry-after` for a GraphQL response that carries no data because the database was away. */
export const unavailableStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        const noData = data == null || Object.values(data).every((v) => v == null);
        if (noData && errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', RETRY_AFTER_SECONDS);
        }
      },
    };
  },
};

/** The same answer for a route outside GraphQL (/ingest, /export/*) that failed on the database. */
export function sendUnavailable(res: ServerResponse): void {
  sendJson(res, 503, { errors: [{ message: MESSAGE, extensions: { code: SERVICE_UNAVAILABLE } }] }, { 'retry-after': RETRY_AFTER_SECONDS });
}
