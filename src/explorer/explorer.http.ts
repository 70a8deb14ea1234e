import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http/request.js';
import { sendMethodNotAllowed, sendNoRoute } from '../http/respond.js';
import { loadExplorerAssets, type ExplorerAsset } from './explorer.assets.js';
import { EXPLORER_HTML } from './explorer.page.js';

/** The path prefix of the explorer's files: under `/graphql`, so a proxy that forwards `/graphql*` serves the whole explorer. */
export const EXPLORER_ASSET_PREFIX = '/graphql/explorer/';

/**
 * Nothing but this server: scripts and styles from here (no inline script), requests to here (HTTP, and
 * graphql-ws on the same origin), fonts and images from here or inlined. Inline styles are allowed: React
 * and Radix set them. A page that tried to load anything from another host would be stopped by the browser.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Whether a request to `/graphql` is a browser opening the page: a GET that accepts HTML and carries no
 * operation. GraphQL clients' GETs ask for JSON and carry `query`; they keep reaching Apollo.
 */
export function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && /\btext\/html\b/.test(req.headers.accept ?? '') && !url.searchParams.has('query');
}

function send(res: ServerResponse, contentType: string, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/**
 * The GraphQL explorer (GraphiQL) from this server's own files: `page` for `GET /graphql` from a browser,
 * `assets` for `/graphql/explorer/*`. The files are read once, at the first request.
 */
export function createExplorer(): { page: Route; assets: Route } {
  let loading: Promise<ReadonlyMap<string, ExplorerAsset>> | undefined;
  const assetsLoaded = () => (loading ??= loadExplorerAssets());
  const html = Buffer.from(EXPLORER_HTML);
  return {
    page: (_req, res) => {
      // The page names its files: start reading them now, so that the browser's next requests find them ready.
      void assetsLoaded().catch(() => undefined);
      send(res, 'text/html; charset=utf-8', html, {
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': 'no-cache',
        'referrer-policy': 'no-referrer',
      });
    },
    assets: async (req, res, { url }) => {
      if (req.method !== 'GET') return sendMethodNotAllowed(res, url.pathname, req.method, 'GET');
      const name = url.pathname.slice(EXPLORER_ASSET_PREFIX.length);
      const asset = (await assetsLoaded()).get(name);
      if (!asset) return sendNoRoute(res, url.pathname, 'the explorer is at GET /graphql');
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      // Package files change only with an upgrade, which restarts the server; an hour keeps a reload cheap.
      send(res, asset.contentType, gzip ? asset.gzipped : asset.body, {
        'cache-control': 'public, max-age=3600',
        vary: 'Accept-Encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      });
    },
  };
}
