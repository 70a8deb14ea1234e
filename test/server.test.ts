import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
let token: string;
const base = () => t.url.replace(/\/graphql$/, '');

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_MAX_DEPTH: '8', AIR_MAX_ALIASES: '5', AIR_MAX_COST: '10000', AIR_MAX_BODY_BYTES: '20000' } });
  token = await t.token('acme', Role.SECURITY_ADMIN);
});
afterAll(() => t.stop());

describe('health', () => {
  test('/healthz answers while the process is up', async () => {
    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('/readyz checks the database and the migrations', async () => {
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  test('/metrics exposes Prometheus metrics, operations included', async () => {
    await gql(t.url, token, '{ me { sub } }');
    const text = await (await fetch(`${base()}/metrics`)).text();
    expect(text).toMatch(/air_graphql_operation_seconds_count\{type="query",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  test('an unknown path is a 404 that points at the API', async () => {
    const res = await fetch(`${base()}/nope`);
    expect(res.status).toBe(404);
    // The one error shape of every route (http/respond.ts), formerly `{ error }` here.
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      { message: 'no route /nope; the API is at /graphql', extensions: { code: 'NOT_FOUND' } },
    ]);
  });
});

describe('query limits: one request cannot exhaust the server', () => {
  test('too deep', async () => {
    const res = await gql(
      t.url,
      token,
      '{ investigations { edges { node { alerts { edges { node { investigation { alerts { edges { node { id } } } } } } } } } } }',
    );
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]?.message).toBe('Query is too deep: request fewer nested levels');
    expect(res.errors![0]!.message).not.toMatch(/\d/); // exposeLimits: false
  });

  test('too many aliases', async () => {
    const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: me { sub }`).join(' ');
    const res = await gql(t.url, token, `{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]?.message).toMatch(/alias/i);
  });

  test('too costly: page sizes multiply the cost of what is nested in them', async () => {
    const res = await gql(
      t.url,
      token,
      '{ investigations(first: 100) { edges { node { id entities(first: 100) { edges { node { id kind value verdict } } } } } } }',
    );
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]?.message).toMatch(/^query cost [0-9,]+ exceeds the limit of 10,000: ask for fewer items \(first\)/);
    const cheap = await gql(
      t.url,
      token,
      '{ investigations(first: 10) { edges { node { id entities(first: 10) { edges { node { id } } } } } } }',
    );
    expect(cheap.errors).toBeUndefined();
  });

  test('a body over the limit is refused before parsing', async () => {
    const res = await gql(t.url, token, `{ me { sub } } # ${'x'.repeat(30_000)}`);
    expect(res.status).toBe(400);
    expect(res.errors![0]?.message).toMatch(/larger than 20000 bytes/);
  });

  test('a body that is not JSON', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors[0]).toMatchObject({
      message: 'request body is not valid JSON',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  test('batched requests are refused', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { sub } }' }, { query: '{ me { sub } }' }]),
    });
    expect(res.status).toBe(400);
  });

  test("a GET carrying a bearer token is served (urql's default for short queries): no browser attaches one by itself", async () => {
    const query = `${t.url}?query=${encodeURIComponent('{ me { sub } }')}`;
    const res = await fetch(query, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { sub: 'user@acme' } } });
    // A simple GET (no preflight) without the token, as a forged cross-site link would send: refused before anything runs.
    const forged = await fetch(query);
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    // Basic credentials, which a browser may replay by itself, are no bearer token.
    const basic = await fetch(query, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(basic.status).toBe(401);
    await basic.arrayBuffer();
  });

  test('a mutation over GET is refused, token or not: GET only reads', async () => {
    const res = await fetch(`${t.url}?query=${encodeURIComponent('mutation { cancelInvestigation(id: "x") { id } }')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(405);
    await res.arrayBuffer();
  });
});

describe('errors', () => {
  test('an unexpected failure is masked for the client and logged with its cause', async () => {
    // Drop a table under the running server: the next read fails inside PostgreSQL.
    await t.app.orm.em.getConnection().execute('alter table log_steps rename to log_steps_gone');
    try {
      const res = await gql(t.url, await t.token('acme', Role.SECURITY_READER), '{ investigations { edges { node { id } } } }');
      expect(res.errors).toBeUndefined(); // untouched tables still answer
      const { investigation } = await import('./support/fixtures.js').then(async (f) => ({
        investigation: (await f.seedInvestigation(t.app.orm, 'acme', { steps: 0 })).investigation,
      }));
      const broken = await gql(t.url, token, `query($id: ID!) { investigation(id: $id) { id logSteps { key } } }`, {
        id: investigation.id,
      });
      expect(codes(broken)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(broken.errors![0]?.message).toBe('Unexpected error.');
      expect(JSON.stringify(broken)).not.toMatch(/log_steps|select|stack|at .*\.js/i);
      // Logged with its stack on the request's logger: its id, tenant and operation.
      const logged = t.log.find((l) => l.msg === 'Unexpected error' && /log_steps/.test(String(l.err?.message)));
      expect(logged).toMatchObject({ level: 'error', tenant: expect.any(String), operation: '(anonymous query)' });
      expect(logged!.err!.stack).toMatch(/\n\s+at /);
      expect(logged!.reqId).toEqual(expect.any(String));
    } finally {
      await t.app.orm.em.getConnection().execute('alter table log_steps_gone rename to log_steps');
    }
  });
});

describe('request ids and request logs', () => {
  test('a sane x-request-id is echoed; another is replaced by a fresh one', async () => {
    const given = await fetch(`${base()}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42.a:b');
    for (const bad of ['with space', 'x'.repeat(129), 'line\u00e9break']) {
      const res = await fetch(`${base()}/healthz`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const refused = await fetch(`${base()}/nope`);
    expect(refused.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  test('every request ends with one line carrying its id, tenant and operation', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'req-line-test' },
      body: JSON.stringify({ query: 'query WhoAmI { me { sub } }' }),
    });
    expect(res.status).toBe(200);
    const acme = await import('./support/fixtures.js').then((f) => f.tenantId(t.app.orm, 'acme'));
    const lines = t.log.filter((l) => l.reqId === 'req-line-test');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        tenant: acme,
        operation: 'WhoAmI',
        method: 'POST',
        path: '/graphql',
        status: 200,
        ms: expect.any(Number),
      }),
    ]);
  });

  test('probes log their lines at debug, refused requests at info', async () => {
    await fetch(`${base()}/healthz`, { headers: { 'x-request-id': 'probe-line' } });
    await gql(t.url, undefined, '{ me { sub } }', undefined, { 'x-request-id': 'refused-line' });
    expect(t.log.find((l) => l.reqId === 'probe-line')).toMatchObject({ level: 'debug', status: 200 });
    expect(t.log.find((l) => l.reqId === 'refused-line')).toMatchObject({ level: 'info', status: 401 });
  });

  test("the job queue's errors are logged as errors with their message and stack, not [object Object]", async () => {
    // pg-boss emits plain objects from its workers: `{ ...error, message, stack, queue, worker }`.
    const cause = new Error('connection terminated unexpectedly');
    const emitted = { ...cause, message: cause.message, stack: cause.stack, queue: 'investigation-run', worker: 'w1' };
    t.app.queue.boss.emit('error', emitted as unknown as Error);
    const line = t.log.find((l) => l.msg === 'job queue error');
    expect(line).toMatchObject({ level: 'error', err: { message: 'connection terminated unexpectedly', queue: 'investigation-run' } });
    expect(line!.err!.stack).toMatch(/connection terminated unexpectedly\n\s+at /);
    expect(JSON.stringify(line)).not.toMatch(/object Object/);
  });
});
