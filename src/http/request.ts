import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { coerceError } from '../errors.js';
import { requestLogger, type Logger } from '../logger.js';
import { clientGone, sendUnexpected } from './respond.js';
import { isDatabaseUnavailable, sendUnavailable } from './unavailable.js';

/** What a route gets beside the request and the response. */
export interface RequestScope {
  /** The caller's `x-request-id` when it is sane, else a fresh UUID; echoed in the response's `x-request-id`. */
  readonly id: string;
  readonly url: URL;
  /**
   * The request's logger (`reqId`). A route that learns the tenant, or the GraphQL operation, adds it
   * with `log.setBindings(...)`, and every later line of the request, the closing one included, carries it.
   */
  readonly log: Logger;
}

export type Route = (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => Promise<void> | void;

/** Letters, digits and `-_.:@/+=`, at most 128: what tracing ids (UUIDs, W3C trace ids, ULIDs) are made of, and nothing a log line could be forged with. */
const SANE_REQUEST_ID = /^[\w\-.:@/+=]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

export interface RequestListenerOptions {
  logger: Logger;
  /** The route for a path. */
  route: (url: URL) => Route;
  /** Paths whose closing line is debug, not info: probes that poll every few seconds. */
  quietPaths?: ReadonlySet<string>;
  /** Every request once it ends, answered or abandoned (`status` undefined: no response head went out): the metrics. */
  onEnd?: (ended: { path: string; method: string | undefined; status: number | undefined; seconds: number }) => void;
}

/**
 * Every request: an id, a child logger, one closing line (method, path, status, milliseconds, and the
 * tenant and operation when the route bound them), and one answer to whatever a route throws: a client
 * that went away is logged as such (info), anything else is masked as a 500 and logged with its stack.
 */
export function createRequestListener({ logger, route, quietPaths = new Set(), onEnd }: RequestListenerOptions): RequestListener {
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const id = requestIdOf(req);
    const log = requestLogger(logger, id);
    res.setHeader('x-request-id', id);
    res.once('close', () => {
      // No status for a response whose head never went out: 200 is only the default of an unsent one.
      const status = res.headersSent ? res.statusCode : undefined;
      const elapsed = performance.now() - started;
      onEnd?.({ path: url.pathname, method: req.method, status, seconds: elapsed / 1000 });
      const line = { method: req.method, path: url.pathname, status, ms: Math.round(elapsed) };
      if (res.writableFinished) {
        // 503 is the database away for a moment or a deadline passed: degraded and self-healing, so a warning.
        if (res.statusCode === 503) log.warn(line, 'request refused: service unavailable');
        else if (res.statusCode >= 500) log.error(line, 'request failed');
        else if (quietPaths.has(url.pathname)) log.debug(line, 'request completed');
        else log.info(line, 'request completed');
      } else if (res.errored) {
        log.warn(line, 'response cut off: the server failed mid-response');
      } else {
        log.info(line, 'request aborted: the client closed the connection before the response was complete');
      }
    });
    Promise.resolve()
      .then(() => route(url)(req, res, { id, url, log }))
      .catch((thrown: unknown) => {
        const err = coerceError(thrown);
        // The closing line says the client left; what its leaving broke (`aborted`, ECONNRESET) is no failure of ours.
        if (clientGone(res)) return log.debug({ reason: err.message }, 'the route stopped: its client is gone');
        if (isDatabaseUnavailable(err)) {
          // The database's momentary absence is not our bug: a warning, and a 503 the client can retry on.
          log.warn({ err }, 'database unavailable');
          if (!res.headersSent) return sendUnavailable(res);
        } else log.error({ err }, 'Unexpected error');
        if (!res.headersSent) sendUnexpected(res);
        else res.destroy(err);
      });
  };
}
