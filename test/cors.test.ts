import { Role } from '../src/domain/role.js';
import { CORS_MAX_AGE_SECONDS } from '../src/http/cors.js';
import { startTestApp, type TestApp } from './support/app.js';

/** CORS as a browser exercises it: preflights without a token, then the real request with its Origin. */
let t: TestApp;
let reader: string;
let service: string;
let base: string;
const ALLOWED = 'https://soc.example.com';

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_CORS_ORIGINS: `${ALLOWED}, http://localhost:*` } });
  reader = await t.token('acme', Role.SECURITY_READER);
  service = await t.token('acme', Role.SERVICE);
  base = t.url.replace(/\/graphql$/, '');
});
afterAll(() => t.stop());

const preflight = (path: string, origin: string, method = 'POST') =>
  fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

describe('preflight', () => {
  test.each([
    ['/graphql', 'POST'],
    ['/ingest', 'POST'],
    ['/export/investigations.csv', 'GET'],
  ])('OPTIONS %s from an allowed origin: 204 without a token, the headers a browser needs', async (path, method) => {
    const res = await preflight(path, ALLOWED, method);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toContain(method);
    const allowed = res.headers.get('access-control-allow-headers')!.split(',');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight']));
    expect(res.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    // Bearer tokens, never cookies: a page gets no credentials mode.
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await res.text()).toBe('');
  });

  test('any port of an origin listed as http://localhost:*', async () => {
    for (const origin of ['http://localhost:5173', 'http://localhost:3000', 'http://localhost']) {
      expect((await preflight('/graphql', origin)).headers.get('access-control-allow-origin')).toBe(origin);
    }
  });

  test.each(['https://evil.example', 'https://soc.example.com.evil.example', 'http://soc.example.com', 'http://localhost.evil:80', 'null'])(
    'a disallowed origin (%s) gets no CORS header at all, so the browser refuses',
    async (origin) => {
      const res = await preflight('/graphql', origin);
      expect(res.status).toBe(204);
      expect(corsHeaders(res)).toEqual([]);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    },
  );
});

describe('the request after the preflight', () => {
  test('POST /graphql from an allowed origin: the answer carries the origin, Vary and the exposed headers', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { origin: ALLOWED, authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { tenant } }' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { tenant: 'acme' } } });
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    // Preflight-only headers stay on the preflight.
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('a refusal (401) still carries the CORS headers, so the page can read why', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { tenant } }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  test('POST /ingest and GET /export/* from an allowed origin', async () => {
    const ingest = await fetch(`${base}/ingest`, {
      method: 'POST',
      headers: { origin: ALLOWED, authorization: `Bearer ${service}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify({ type: 'mailbox', id: 'mb-1', address: 'ann@acme.example' })}\n`,
    });
    expect(ingest.status).toBe(200);
    expect(ingest.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const csv = await fetch(`${base}/export/investigations.csv`, { headers: { origin: ALLOWED, authorization: `Bearer ${reader}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(csv.headers.get('access-control-expose-headers')).toContain('content-disposition');
    await csv.arrayBuffer();
  });

  test('the same request from a disallowed origin is answered without CORS headers (the browser hides it from the page)', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { tenant } }' }),
    });
    expect(corsHeaders(res)).toEqual([]);
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    await res.arrayBuffer();
  });

  test('probes are not for pages: /healthz answers no preflight with CORS headers', async () => {
    const res = await preflight('/healthz', ALLOWED, 'GET');
    expect(corsHeaders(res)).toEqual([]);
    await res.arrayBuffer();
  });
});
