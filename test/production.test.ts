import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { codes, gql, startTestApp, TEST_SECRET, type TestApp } from './support/app.js';
import { createTestDatabase, withDatabase } from './support/database.js';
import { disposeAll, runOnce, wsClient } from './support/ws.js';
import { Role } from '../src/domain/role.js';

/**
 * Issue 12, item 6: with NODE_ENV=production no demo tenant is seeded and no token printed;
 * introspection and "did you mean" suggestions are off unless configured on; /metrics can move to an
 * address and port of its own and require a bearer token. Every behaviour over real HTTP (and
 * WebSocket), the token printing on a real `node dist/src/main.js`.
 */
const PRODUCTION = { NODE_ENV: 'production', AIR_DEMO: '', AIR_WORKERS: '0' };
const INTROSPECTION = `{ __schema { queryType { name } } }`;
const TYPO = `{ investigationz { totalCount } }`;
const BAD_ENUM = `query($s: [InvestigationState!]) { investigations(filter: { states: $s }) { totalCount } }`;

afterEach(() => disposeAll());

describe('production defaults', () => {
  let t: TestApp;
  let reader: string;
  beforeAll(async () => {
    t = await startTestApp({ env: PRODUCTION });
    reader = await t.token('acme', Role.SECURITY_READER);
  });
  afterAll(() => t.stop());

  test('no demo tenant is seeded', async () => {
    const demo = await withDatabase(t.databaseUrl, (c) => c.query(`select 1 from tenants where name = 'demo'`));
    expect(demo.rowCount).toBe(0);
    expect(t.log.some((l) => /demo/i.test(l.msg))).toBe(false);
  });

  test('introspection is refused, over HTTP and over WebSocket', async () => {
    const r = await gql(t.url, reader, INTROSPECTION);
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toBe('Introspection is disabled on this server');
    const { client } = wsClient(t.url, reader);
    const ws = await runOnce(client, INTROSPECTION);
    expect(JSON.stringify(ws.errors)).toMatch(/introspection has been disabled/i);
    // __typename is not introspection.
    expect((await gql(t.url, reader, `{ __typename }`)).data).toEqual({ __typename: 'Query' });
  });

  test('no explorer and no CORS origin: a browser opening /graphql gets the API (401), its files are not served', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await page.text()).not.toMatch(/<html|graphiql/i);
    const asset = await fetch(t.url.replace(/\/graphql$/, '/graphql/explorer/graphiql.min.js'));
    expect(asset.status).toBe(404);
    await asset.arrayBuffer();
    const preflight = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    await preflight.arrayBuffer();
  });

  test('errors name no field, type or enum value the client did not send', async () => {
    const typo = await gql(t.url, reader, TYPO);
    expect(typo.errors![0]!.message).toBe('Cannot query field "investigationz" on type "Query".');
    const badEnum = await gql(t.url, reader, BAD_ENUM, { s: ['PENDING'] });
    expect(codes(badEnum)).toEqual(['BAD_USER_INPUT']);
    expect(badEnum.errors![0]!.message).not.toMatch(/did you mean|PENDING_ACTION/i);
    const { client } = wsClient(t.url, reader);
    expect(JSON.stringify((await runOnce(client, TYPO)).errors)).not.toMatch(/did you mean/i);
  });
});

describe('production with introspection, suggestions and a metrics port of its own', () => {
  let t: TestApp;
  let reader: string;
  const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...PRODUCTION,
        AIR_INTROSPECTION: 'true',
        AIR_FIELD_SUGGESTIONS: 'true',
        AIR_METRICS_HOST: '127.0.0.1',
        AIR_METRICS_PORT: '0',
        AIR_METRICS_TOKEN: METRICS_TOKEN,
        AIR_EXPLORER: '1',
        AIR_CORS_ORIGINS: 'https://soc.example.com',
      },
    });
    reader = await t.token('acme', Role.SECURITY_READER);
  });
  afterAll(() => t.stop());

  test('AIR_INTROSPECTION and AIR_FIELD_SUGGESTIONS turn them back on', async () => {
    expect((await gql(t.url, reader, INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await gql(t.url, reader, TYPO)).errors![0]!.message).toMatch(/Did you mean "investigation" or "investigations"\?$/);
  });

  test('AIR_EXPLORER and AIR_CORS_ORIGINS turn the explorer and a listed origin on', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/GraphQL explorer/);
    const preflight = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://soc.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://soc.example.com');
    await preflight.arrayBuffer();
  });

  test('/metrics moves to its own port and answers only its bearer token', async () => {
    const metricsUrl = t.app.server.metricsUrl;
    expect(new URL(metricsUrl).port).not.toBe(new URL(t.url).port);
    // The API's port no longer serves it.
    expect((await fetch(t.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    const none = await fetch(metricsUrl);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(metricsUrl, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    await gql(t.url, reader, `{ me { sub } }`);
    const ok = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/air_graphql_operation_seconds_count\{type="query",outcome="ok"\} [1-9]/);
    // The metrics port serves nothing else.
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
  });
});

test('AIR_METRICS_TOKEN alone guards /metrics on the API port', async () => {
  const t = await startTestApp({ env: { AIR_WORKERS: '0', AIR_METRICS_TOKEN: 'another-scrape-token-0123' } });
  try {
    const url = t.url.replace(/\/graphql$/, '/metrics');
    expect(t.app.server.metricsUrl).toBe(url);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer another-scrape-token-0123' } })).status).toBe(200);
  } finally {
    await t.stop();
  }
});

test('npm start in production prints no token and seeds no demo tenant', async () => {
  const db = await createTestDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-prod-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AIR_')) env[k] = v;
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...env,
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      AIR_DATA_DIR: dataDir,
      AIR_JWT_SECRET: TEST_SECRET,
      AIR_WORKERS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (out += String(chunk)));
  try {
    const deadline = Date.now() + 60_000;
    while (!/AIR server ready/.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/AIR server ready/);
    // Development prints the tokens right after the ready line: give it the time it would take.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
  expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  expect(out).not.toMatch(/Tokens for the demo tenant/);
  const demo = await withDatabase(db.url, (c) => c.query(`select 1 from tenants where name = 'demo'`));
  expect(demo.rowCount).toBe(0);
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});
