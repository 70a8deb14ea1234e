import * as jose from 'jose';
import { codes, gql, ingestRecords, startTestApp, TEST_SECRET, type GraphQLResponse, type TestApp } from './support/app.js';
import { disposeAll, runOnce, wsClient } from './support/ws.js';
import { DEV_AUDIENCE, DEV_ISSUER } from '../src/auth/token.service.js';
import { Role } from '../src/domain/role.js';

/**
 * Issue 12, item 4: GraphQL intake is checked like `/ingest` (one set of checks, domain/input.ts), and
 * crafted cursors, impossible dates, absurd token claims and a subscription sent over HTTP are the
 * client's mistake (BAD_USER_INPUT, or 401 for a token) with a message naming the field, never
 * "Unexpected error.".
 */
let t: TestApp;
let admin: string;
let service: string;

beforeAll(async () => {
  t = await startTestApp({ env: { AIR_WORKERS: '0' } });
  admin = await t.token('acme', Role.SECURITY_ADMIN);
  service = await t.token('acme', Role.SERVICE);
});
afterEach(() => disposeAll());
afterAll(() => t.stop());

const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { investigationId } }`;
const START = `mutation($input: StartInvestigationInput!) { startInvestigation(input: $input) { investigationId } }`;
const COUNT = `{ investigations { totalCount } alerts { totalCount } }`;

/** The one error of a refused mutation: BAD_USER_INPUT naming `field`. */
function refusal(r: GraphQLResponse<unknown>, field: string) {
  expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  expect(r.errors![0]!.extensions!.field).toBe(field);
  return r.errors![0]!.message;
}

const HUGE = 'x'.repeat(900_000);

describe('raiseAlert and startInvestigation refuse what /ingest refuses, naming the field and the limit', () => {
  test.each([
    [
      'a 900 KB title',
      { kind: 'USER_COMPROMISED', user: 'ann@acme.test', title: HUGE },
      'title',
      /^title must be at most 1024 characters long, but got 900000 characters$/,
    ],
    ['a 900 KB user', { kind: 'USER_COMPROMISED', user: `${HUGE}@acme.test` }, 'user', /^user must be at most 1024 characters long/],
    [
      'a user that is no address',
      { kind: 'USER_COMPROMISED', user: 'ann' },
      'user',
      /^user must be an email address \(name@domain\), but got "ann"$/,
    ],
    [
      'a javascript: URL',
      { kind: 'URL_VERDICT_CHANGE', url: 'javascript:alert(1)' },
      'url',
      /^url must be an absolute http\(s\) URL, but got "javascript:alert\(1\)"$/,
    ],
    ['a data: URL', { kind: 'URL_VERDICT_CHANGE', url: 'data:text/html,<b>x</b>' }, 'url', /http\(s\) URL/],
    [
      'a NUL byte in the user',
      { kind: 'USER_COMPROMISED', user: 'ann\u0000@acme.test' },
      'user',
      /free of control characters, but got U\+0000 at character 4$/,
    ],
    [
      'an escape sequence in the title',
      { kind: 'USER_COMPROMISED', user: 'ann@acme.test', title: 'hi \u001b[31m' },
      'title',
      /U\+001B at character 4/,
    ],
    ['a 300-character id', { kind: 'USER_COMPROMISED', user: 'ann@acme.test', id: 'i'.repeat(300) }, 'id', /at most 256 characters/],
    ['a malformed SHA-256', { kind: 'MALWARE_ZAPPED', messageId: 'm1', sha256: 'abc' }, 'sha256', /SHA-256 hex digest/],
  ])('raiseAlert refuses %s', async (_what, input, field, message) => {
    const r = await gql(t.url, service, RAISE, { input });
    expect(refusal(r, field)).toMatch(message);
  });

  test.each([
    ['a 900 KB user', { user: HUGE }, 'user', /at most 1024 characters/],
    ['a user that is no address', { user: 'not an address' }, 'user', /email address/],
    ['a javascript: URL', { url: 'javascript:alert(document.cookie)' }, 'url', /absolute http\(s\) URL/],
    ['a NUL byte in the message id', { messageId: 'm\u0000' }, 'messageId', /U\+0000/],
  ])('startInvestigation refuses %s', async (_what, input, field, message) => {
    const r = await gql(t.url, admin, START, { input });
    expect(refusal(r, field)).toMatch(message);
  });

  test('nothing refused was stored, and a valid request still works', async () => {
    expect((await gql(t.url, admin, COUNT)).data).toEqual({ investigations: { totalCount: 0 }, alerts: { totalCount: 0 } });
    const ok = await gql<{ startInvestigation: { investigationId: string } }, unknown>(t.url, admin, START, {
      input: { url: 'https://evil.example/login' },
    });
    expect(ok.errors).toBeUndefined();
    expect((await gql(t.url, admin, COUNT)).data).toEqual({ investigations: { totalCount: 1 }, alerts: { totalCount: 1 } });
  });

  test('reportMessage checks the reporter as an address, and comments refuse control characters', async () => {
    const report = await gql(t.url, service, `mutation { reportMessage(input: { messageId: "m1", reportedBy: "bob" }) { alertId } }`);
    expect(refusal(report, 'reportedBy')).toMatch(/^reportedBy must be an email address/);
    const approve = await gql(
      t.url,
      admin,
      `mutation($c: String) { approveActions(ids: ["00000000-0000-7000-8000-000000000000"], comment: $c) { outcome } }`,
      {
        c: 'ok\u0000',
      },
    );
    expect(refusal(approve, 'comment')).toMatch(/comment must be free of control characters/);
    const long = await gql(
      t.url,
      admin,
      `mutation($c: String) { rejectActions(ids: ["00000000-0000-7000-8000-000000000000"], comment: $c) { outcome } }`,
      { c: 'c'.repeat(2001) },
    );
    expect(refusal(long, 'comment')).toMatch(/at most 2000 characters long, but got 2001 characters/);
  });
});

describe('crafted cursors and dates are BAD_USER_INPUT', () => {
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  test.each([
    ['garbage base64', '!!!'],
    ['base64 of no JSON', Buffer.from('not json').toString('base64url')],
    ['a key of the wrong type', cursor([5, '01a213c4-563c-77eb-96a7-44b2f0b6a268'])],
    ['a date PostgreSQL cannot hold', cursor(['0000-01-01T00:00:00.000Z', '01a213c4-563c-77eb-96a7-44b2f0b6a268'])],
    ['an id that is no UUID', cursor(['2026-01-01T00:00:00.000Z', "x' or 1=1 --"])],
  ])('%s', async (_what, after) => {
    for (const query of [
      `query($a: String) { investigations(after: $a) { totalCount } }`,
      `query($a: String) { alerts(after: $a) { totalCount } }`,
    ]) {
      const r = await gql(t.url, admin, query, { a: after });
      expect(refusal(r, 'after')).toMatch(/^after: /);
    }
  });

  test("another tenant's cursor only positions the keyset: it reads nothing of theirs", async () => {
    const globex = await t.token('globex', Role.SECURITY_ADMIN);
    await gql(t.url, globex, START, { input: { user: 'gary@globex.test' } });
    const theirs = await gql<{ investigations: { pageInfo: { endCursor: string } } }, unknown>(
      t.url,
      globex,
      `{ investigations { pageInfo { endCursor } } }`,
    );
    const r = await gql<{ investigations: { edges: { node: { title: string } }[] } }, unknown>(
      t.url,
      admin,
      `query($a: String) { investigations(after: $a) { edges { node { title } } } }`,
      { a: theirs.data!.investigations.pageInfo.endCursor },
    );
    expect(r.errors).toBeUndefined();
    expect(JSON.stringify(r.data)).not.toContain('globex');
  });

  test.each([
    ['year 0', '0000-01-01T00:00:00Z'],
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['hour 24', '2026-02-28T24:00:00Z'],
    ['a time without its zone', '2026-02-28T10:00:00'],
    ['a six-digit year', '+275760-09-13T00:00:00Z'],
  ])('a date variable with %s', async (_what, value) => {
    const r = await gql(t.url, admin, `query($since: DateTimeISO) { dashboard(since: $since) { investigations } }`, { since: value });
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toMatch(
      /^Variable "\$since" got invalid value .*expects an ISO 8601 date-time with a zone, years 0001–9999/,
    );
  });

  test('a date literal in the query', async () => {
    const r = await gql(t.url, admin, `{ investigations(filter: { createdAfter: "0000-01-01T00:00:00Z" }) { totalCount } }`);
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toMatch(/"0000-01-01T00:00:00Z".*expects an ISO 8601 date-time/);
    const leap = await gql(t.url, admin, `{ investigations(filter: { createdAfter: "2024-02-29T23:00:00-01:00" }) { totalCount } }`);
    expect(leap.errors).toBeUndefined();
  });
});

describe('absurd token claims are 401, a subscription over HTTP is 400', () => {
  const sign = (claims: Record<string, unknown>, exp: number) =>
    new jose.SignJWT({ tenant: 'acme', roles: ['SECURITY_ADMIN'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(TEST_SECRET));
  const soon = () => Math.floor(Date.now() / 1000) + 600;

  test.each([
    ['exp = 1e15', {}, 1e15, 'exp'],
    ['iat = 1e300', { iat: 1e300 }, 0, 'iat'],
    ['a negative nbf', { nbf: -5 }, 0, 'nbf'],
  ])('%s', async (_what, claims, exp, claim) => {
    const token = await sign(claims, exp || soon());
    const r = await gql(t.url, token, `{ me { sub } }`);
    expect(r.status).toBe(401);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.errors![0]!.message).toBe(`Not authenticated: token claim '${claim}' must be a time in seconds between 1970 and 9999`);
    // The WebSocket door uses the same verifier.
    const { closed } = wsClient(t.url, token);
    expect((await closed).code).toBe(4401);
  });

  test('a subscription sent over HTTP', async () => {
    const r = await gql(t.url, admin, `subscription { tenantEvents { __typename } }`);
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toMatch(/subscriptions are served over WebSocket/);
  });

  test('over WebSocket the same date and cursor checks hold', async () => {
    const { client } = wsClient(t.url, admin);
    const date = await runOnce(client, `{ dashboard(since: "2026-02-30T00:00:00Z") { investigations } }`);
    expect(JSON.stringify(date.errors)).toMatch(/found .*2026-02-30T00:00:00Z.*expects an ISO 8601 date-time.*BAD_USER_INPUT/);
    const page = await runOnce(client, `{ investigations(after: "!!!") { totalCount } }`);
    expect(page.result?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // An event cursor past bigint's range: refused before PostgreSQL sees it.
    for (const after of ['9999999999999999999', 'abc']) {
      const sub = await runOnce(client, `subscription { tenantEvents(after: "${after}") { __typename } }`);
      expect(JSON.stringify(sub)).toMatch(/after must be an event cursor \(digits\).*BAD_USER_INPUT/);
    }
  });
});

describe('/ingest: strict ISO 8601 and the same checks', () => {
  test('impossible dates, javascript: URLs and NUL bytes are line errors naming the field', async () => {
    const report = await ingestRecords(t, service, [
      { type: 'sign_in', id: 's1', user: 'ann@acme.test', ip: '192.0.2.1', at: '2026-02-30T08:00:00Z', result: 'SUCCESS' },
      { type: 'sign_in', id: 's2', user: 'ann@acme.test', ip: '192.0.2.1', at: '2026-13-01T08:00:00Z', result: 'SUCCESS' },
      { type: 'sign_in', id: 's3', user: 'ann@acme.test', ip: '192.0.2.1', at: '2024-02-29T08:00:00+01:00', result: 'SUCCESS' },
      { type: 'url_click', id: 'c1', url: 'javascript:alert(1)', user: 'ann@acme.test', at: '2026-02-01T08:00:00Z', action: 'ALLOWED' },
      { type: 'mailbox', id: 'mb1', address: 'ann@acme.test', displayName: 'Ann\u0000' },
      { type: 'mailbox', id: 'mb2', address: 'ann' },
    ]);
    expect(report).toMatchObject({ received: 6, stored: 1, failed: 5 });
    expect(report.errors.map((e) => e.message)).toEqual([
      'line 1: sign_in.at must be an ISO 8601 time with a zone, years 0001–9999 (2026-01-31T09:30:00Z), but got "2026-02-30T08:00:00Z"',
      'line 2: sign_in.at must be an ISO 8601 time with a zone, years 0001–9999 (2026-01-31T09:30:00Z), but got "2026-13-01T08:00:00Z"',
      'line 4: url_click.url must be an absolute http(s) URL, but got "javascript:alert(1)"',
      'line 5: mailbox.displayName must be free of NUL characters, but got U+0000 at character 4',
      'line 6: mailbox.address must be an email address (name@domain), but got "ann"',
    ]);
  });
});
