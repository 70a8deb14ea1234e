import pg from 'pg';
import { Kind, parse, print, visit, type ExecutionResult } from 'graphql';
import { serverAudits } from 'graphql-http';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Client } from 'graphql-ws';
import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { disposeAll, wsClient } from './support/ws.js';
import { InvestigationPageDocument, TenantEventsDocument } from './generated/graphql.js';
import { Role } from '../src/domain/role.js';
import { buildAirSchema } from '../src/schema.js';
import { queryCost } from '../src/common/query-cost.js';

/** The server as configured by default: the cost limit, tokens, syntax, the HTTP audit. */
let t: TestApp;
let token: string;
/** Tight limits, to make the deadline, the size bound and a subscription's cost trigger. */
let tight: TestApp;
let tightToken: string;
const tightSql: string[] = [];

beforeAll(async () => {
  [t, tight] = await Promise.all([
    startTestApp(),
    startTestApp({
      env: { AIR_MAX_COST: '10', AIR_MAX_EXECUTION_MS: '1000', AIR_MAX_RESPONSE_BYTES: '2048' },
      onQuery: (sql) => tightSql.push(sql),
    }),
  ]);
  token = await t.token('acme', Role.SECURITY_READER);
  tightToken = await tight.token('acme', Role.SECURITY_READER);
});
afterEach(() => disposeAll());
afterAll(() => Promise.all([t.stop(), tight.stop()]));

/** What a front end sends: `__typename` in every selection set (Apollo Client's cache adds it). */
const withTypename = (query: string) =>
  print(
    visit(parse(query), {
      SelectionSet(node) {
        if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) return undefined;
        return { ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
      },
    }),
  );

/** One operation over a socket: its first result, or the errors that refused it. */
function wsOnce(client: Client, query: string, variables?: Record<string, unknown>) {
  return new Promise<{ result?: ExecutionResult; errors?: { message: string; extensions?: Record<string, unknown> }[] }>((resolve) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query, variables },
      {
        next: (r) => (result ??= r as ExecutionResult),
        error: (errors) => resolve({ errors: errors as { message: string }[] }),
        complete: () => resolve({ result }),
      },
    );
  });
}

const NESTED_DEFAULT_PAGES =
  '{ investigations { edges { node { emailClusters { edges { node { messages { edges { node { subject sender body } } } } } } } } } }';

describe('query cost counts variables and default page sizes', () => {
  test('first: $n is multiplied by the value sent, and the refusal names the cost and the limit', async () => {
    const res = await gql(t.url, token, 'query ($n: Int) { investigations(first: $n) { edges { node { id title } } } }', { n: 1_000_000 });
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toBe(
      'query cost 4,000,001 exceeds the limit of 50,000: ask for fewer items (first) or fewer nested lists',
    );
    expect(res.errors![0]!.extensions).toMatchObject({ cost: 4_000_001, maxCost: 50_000 });
    // The same document with a small page runs: the cost follows the variables, not a cached validation.
    const small = await gql(t.url, token, 'query ($n: Int) { investigations(first: $n) { edges { node { id title } } } }', { n: 5 });
    expect(small.errors).toBeUndefined();
  });

  test('an omitted first counts as the default page of 20, nested pages multiply', async () => {
    const res = await gql(t.url, token, NESTED_DEFAULT_PAGES);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toMatch(/^query cost 1[0-9]{2},[0-9]{3} exceeds the limit of 50,000/);
  });

  test('the investigation page a front end sends, `__typename` everywhere, fits with headroom', async () => {
    const { investigation } = await seedInvestigation(t.app.orm, 'acme', {
      entities: 40,
      users: 12,
      machines: 9,
      clusters: 15,
      membersPerCluster: 12,
      steps: 10,
      actions: 30,
      alerts: 10,
    });
    const query = withTypename(print(InvestigationPageDocument));
    const cost = queryCost({ schema: await buildAirSchema(), document: parse(query), variables: { id: investigation.id } });
    // At its own 50 items a tab; the measurement behind AIR_MAX_COST's default (src/config.ts).
    expect(cost).toBe(25_858);
    const res = await gql(t.url, token, query, { id: investigation.id });
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ investigation: { __typename: 'Investigation', id: investigation.id } });
  });

  test('WebSocket operations are costed the same way, variables included', async () => {
    const { client } = wsClient(t.url, token);
    const refused = await wsOnce(client, 'query ($n: Int) { investigations(first: $n) { edges { node { id title } } } }', { n: 1_000_000 });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'query cost 4,000,001 exceeds the limit of 50,000: ask for fewer items (first) or fewer nested lists',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const nested = await wsOnce(client, NESTED_DEFAULT_PAGES);
    expect(nested.errors?.[0]?.message).toMatch(/^query cost 1[0-9]{2},[0-9]{3} exceeds the limit of 50,000/);
  });

  test('a subscription is costed at subscribe time', async () => {
    const { client } = wsClient(tight.url, tightToken);
    const refused = await wsOnce(client, print(TenantEventsDocument), {});
    expect(refused.errors?.[0]).toMatchObject({
      message: 'query cost 11 exceeds the limit of 10: ask for fewer items (first) or fewer nested lists',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('execution deadline and response size', () => {
  test('an operation past its deadline is answered with DEADLINE_EXCEEDED and fetches nothing more (HTTP and WebSocket)', async () => {
    await seedInvestigation(tight.app.orm, 'acme', { alerts: 2 });
    const locker = new pg.Client({ connectionString: tight.databaseUrl });
    await locker.connect();
    try {
      // Hold the investigations table: the operation's first read waits past its 1 s deadline.
      await locker.query('begin');
      await locker.query('lock table investigations in access exclusive mode');
      const query = '{ investigations(first: 1) { edges { node { alerts(first: 1) { totalCount } } } } }';
      const started = Date.now();
      const res = await gql(tight.url, tightToken, query);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.status).toBe(503);
      expect(codes(res)).toEqual(['DEADLINE_EXCEEDED']);
      expect(res.errors![0]!.message).toBe(
        'the operation ran past its deadline of 1 s and was stopped: ask for fewer items (first) or split it into several requests',
      );
      const { client } = wsClient(tight.url, tightToken);
      const ws = await wsOnce(client, query);
      expect(ws.result?.errors?.[0]).toMatchObject({ extensions: { code: 'DEADLINE_EXCEEDED' } });

      // Let the held reads through: the abandoned executions go on only to find their deadline passed.
      const from = tightSql.length;
      await locker.query('rollback');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(tightSql.slice(from).filter((sql) => /\balerts\b/.test(sql))).toEqual([]);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
  });

  test('a result larger than the response bound is refused instead of sent (HTTP and WebSocket)', async () => {
    for (let i = 0; i < 3; i++) await seedInvestigation(tight.app.orm, 'acme', { title: `Large ${i} ${'x'.repeat(1000)}` });
    const query = '{ investigations(first: 3) { edges { node { title } } } }';
    const res = await gql(tight.url, tightToken, query);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toMatch(
      /^the response would be 3,[0-9]{3} bytes, over the limit of 2,048 bytes: ask for fewer items \(first\) or fewer fields$/,
    );
    const { client } = wsClient(tight.url, tightToken);
    const ws = await wsOnce(client, query);
    expect(ws.result?.errors?.[0]?.message).toMatch(/^the response would be .* over the limit of/);
    expect(ws.result?.data).toBeUndefined();
    const small = await gql(tight.url, tightToken, '{ me { sub } }');
    expect(small.errors).toBeUndefined();
  });
});

describe('syntax and token-limit errors are the client’s: 400', () => {
  test('a syntax error', async () => {
    const res = await gql(t.url, token, '{ me { sub }');
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toMatch(/^Syntax Error: Expected Name, found <EOF>/);
  });

  test('a document over the token limit', async () => {
    const res = await gql(t.url, token, `{ me { ${'sub '.repeat(2500)}} }`);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toBe('Query document is too large: send a shorter query');
    const { client } = wsClient(t.url, token);
    const ws = await wsOnce(client, `{ me { ${'sub '.repeat(2500)}} }`);
    expect(ws.errors?.[0]?.message).toBe('Query document is too large: send a shorter query');
  });
});

test('the graphql-http audit warns about nothing a bare Apollo Server 5 does not', async () => {
  const bare = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  const { url: bareUrl } = await startStandaloneServer(bare, { listen: { port: 0, host: '127.0.0.1' } });
  try {
    const authorised: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: `Bearer ${token}` } });
    const notOk = async (url: string, fetchFn: typeof fetch) =>
      (await Promise.all(serverAudits({ url, fetchFn }).map((audit) => audit.fn())))
        .filter((r) => r.status !== 'ok')
        .map((r) => `${r.status} ${r.name}`);
    const ours = await notOk(t.url, authorised);
    const apollo = await notOk(bareUrl, fetch);
    expect(ours.filter((finding) => !apollo.includes(finding))).toEqual([]);
  } finally {
    await bare.stop();
  }
});
