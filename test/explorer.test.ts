import { gunzipSync } from 'node:zlib';
import { Role } from '../src/domain/role.js';
import { EXPLORER_ASSET_NAMES } from '../src/explorer/explorer.assets.js';
import { startTestApp, type TestApp } from './support/app.js';

/**
 * The GraphQL explorer outside production: GraphiQL from this server's own files on `GET /graphql` for a
 * browser, over real HTTP. (Off in production: test/production.test.ts. In a real headless Chromium with
 * only localhost reachable: scripts/explorer-check.mjs, docs/operations.md.)
 */
let t: TestApp;
let base: string;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

beforeAll(async () => {
  t = await startTestApp();
  base = t.url.replace(/\/graphql$/, '');
});
afterAll(() => t.stop());

const openPage = () => fetch(t.url, { headers: { accept: BROWSER_ACCEPT } });

/** Every `src` and `href` of the page, as written. */
function references(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
}

test('a browser opening /graphql gets the explorer page, without a token', async () => {
  const res = await openPage();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await res.text();
  expect(html).toMatch(/<title>AIR server · GraphQL explorer<\/title>/);
  expect(html).toContain('id="air-token"');
  expect(references(html).sort()).toEqual(
    ['graphiql.min.css', 'explorer.css', 'react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'explorer.js']
      .map((name) => `graphql/explorer/${name}`)
      .sort(),
  );
});

test('the page references nothing on another host, and its policy lets the browser load nothing from one', async () => {
  const res = await openPage();
  const html = await res.text();
  // Relative references only: no scheme, no protocol-relative `//host`, and no absolute URL anywhere in the page.
  for (const ref of references(html)) expect(ref).toMatch(/^[a-z][\w.\-/]*$/);
  expect(html).not.toMatch(/\/\/|https?:/);
  const csp = res.headers.get('content-security-policy')!;
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  expect(directives['default-src']).toEqual(["'none'"]);
  // Only this origin (and inlined fonts and images): any other host a script or style tried would be blocked.
  for (const directive of ['script-src', 'style-src', 'font-src', 'img-src', 'connect-src']) {
    for (const source of directives[directive]!) expect(source).toMatch(/^('self'|'unsafe-inline'|data:)$/);
  }
  expect(directives['script-src']).toEqual(["'self'"]);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});

test.each(EXPLORER_ASSET_NAMES)('%s is served from the server itself with its content type, gzipped on request', async (name) => {
  const url = `${base}/graphql/explorer/${name}`;
  const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  expect(plain.status).toBe(200);
  expect(plain.headers.get('content-type')).toBe(name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
  expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
  const body = Buffer.from(await plain.arrayBuffer());
  expect(body.length).toBeGreaterThan(100);
  expect(Number(plain.headers.get('content-length'))).toBe(body.length);
  // Raw bytes as sent (undici's fetch would decompress): node:http, to see the encoding.
  const gz = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
    import('node:http')
      .then(({ get }) =>
        get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
        }).on('error', reject),
      )
      .catch(reject);
  });
  expect(gz.encoding).toBe('gzip');
  expect(gunzipSync(gz.bytes).equals(body)).toBe(true);
});

test("the stylesheets' fonts and images are inlined: no url() that leaves the server", async () => {
  for (const name of EXPLORER_ASSET_NAMES.filter((n) => n.endsWith('.css'))) {
    const css = await (await fetch(`${base}/graphql/explorer/${name}`)).text();
    for (const [, target] of css.matchAll(/url\(\s*["']?([^"')]*)/g)) expect(target).toMatch(/^data:/);
    expect(css).not.toMatch(/@import/);
  }
});

test('the explorer script talks to this origin only: HTTP and graphql-ws on the page’s own path', async () => {
  const script = await (await fetch(`${base}/graphql/explorer/explorer.js`)).text();
  expect(script).toContain('GraphiQL.createFetcher');
  expect(script).toContain('wsConnectionParams');
  expect(script).not.toMatch(/https?:\/\//);
});

test('an unknown explorer file is a 404, another method a 405', async () => {
  const missing = await fetch(`${base}/graphql/explorer/../../etc/passwd`);
  expect(missing.status).toBe(404);
  await missing.arrayBuffer();
  const unknown = await fetch(`${base}/graphql/explorer/nope.js`);
  expect(unknown.status).toBe(404);
  await unknown.arrayBuffer();
  const post = await fetch(`${base}/graphql/explorer/explorer.js`, { method: 'POST' });
  expect(post.status).toBe(405);
  await post.arrayBuffer();
});

test('GraphQL clients still reach the API on the same path: GET with a query, or asking for JSON', async () => {
  const token = await t.token('acme', Role.SECURITY_READER);
  const asJson = await fetch(t.url, { headers: { accept: 'application/json' } });
  expect(asJson.status).toBe(401);
  await asJson.arrayBuffer();
  // A browser-like Accept with a query is an operation, not a page view.
  const get = await fetch(`${t.url}?query=${encodeURIComponent('{ me { tenant } }')}`, {
    headers: { accept: BROWSER_ACCEPT, authorization: `Bearer ${token}` },
  });
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({ data: { me: { tenant: 'acme' } } });
});
