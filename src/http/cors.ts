import cors from 'cors';
import type { OriginAllowList } from './cors-origins.js';
import type { Route } from './request.js';

/**
 * Request headers a browser app sends that are not CORS-safelisted: the bearer token, a JSON body, and
 * the headers Apollo Client and urql add so that Apollo's CSRF prevention lets a GET through.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
];

/** Response headers a page may read: the request id to quote in a ticket, when to retry, the export's file name. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'content-disposition', 'www-authenticate'];

/**
 * How long a browser may reuse a preflight's answer, in seconds: 2 h, Chromium's ceiling (Firefox allows
 * 24 h). The allowed origins are fixed for the life of the process, so a long cache costs nothing but
 * saves a round trip before every first request of a page.
 */
export const CORS_MAX_AGE_SECONDS = 7200;

/**
 * CORS for a browser-facing route (`/graphql`, `/ingest`, `/export/*`), with the `cors` package doing
 * the header work. An allowed origin gets `Access-Control-Allow-Origin` (its own origin echoed, with
 * `Vary: Origin`); any other origin gets no CORS header at all, so the browser keeps the response from
 * the page. A preflight (`OPTIONS`) is answered here, 204, before any token is read: browsers never send
 * credentials on a preflight. No `Allow-Credentials`: tokens travel in `Authorization`, never in cookies.
 */
export function withCors(allowList: OriginAllowList, methods: readonly string[], route: Route): Route {
  const handler = cors({
    origin: (origin, callback) => callback(null, allowList.allows(origin)),
    methods: [...methods],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
    // The preflight comes back to us, so a disallowed origin's preflight is answered the same 204 (without CORS headers).
    preflightContinue: true,
  });
  return async (req, res, scope) => {
    // Whatever the origin: a cache must not hand one origin's answer (with or without CORS headers) to another.
    res.setHeader('vary', 'Origin');
    await new Promise<void>((resolve, reject) => handler(req, res, (err?: unknown) => (err ? reject(err as Error) : resolve())));
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { allow: [...methods, 'OPTIONS'].join(', '), 'content-length': '0' });
      res.end();
      return;
    }
    return route(req, res, scope);
  };
}
