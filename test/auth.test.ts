import crypto from 'node:crypto';
import * as jose from 'jose';
import { codes, gql, startTestApp, TEST_SECRET, type TestApp } from './support/app.js';
import { seedInvestigation } from './support/fixtures.js';
import { InvestigationsDocument, MeDocument, DashboardDocument } from './generated/graphql.js';
import { DEV_AUDIENCE, DEV_ISSUER } from '../src/auth/token.service.js';
import { Role } from '../src/domain/role.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedInvestigation(t.app.orm, 'acme');
});
afterAll(() => t.stop());

const secret = new TextEncoder().encode(TEST_SECRET);
const sign = (claims: jose.JWTPayload, opts: { iss?: string; aud?: string; exp?: number; key?: Uint8Array } = {}) =>
  new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('someone')
    .setIssuer(opts.iss ?? DEV_ISSUER)
    .setAudience(opts.aud ?? DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(opts.key ?? secret);

/** An unsigned token: header {alg: none}, no signature. */
const unsigned = (claims: jose.JWTPayload) =>
  new jose.UnsecuredJWT(claims).setSubject('someone').setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('10m').encode();

describe('authentication', () => {
  const valid = { tenant: 'acme', roles: ['SECURITY_ADMIN'] };

  test.each<[string, () => Promise<Record<string, string>>, RegExp]>([
    ['no Authorization header', async () => ({}), /send Authorization: Bearer/],
    ['a Basic header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), /must be "Bearer <token>"/],
    ['a malformed token', async () => ({ authorization: 'Bearer not.a.jwt' }), /malformed/],
    [
      'an expired token',
      async () => ({ authorization: `Bearer ${await sign(valid, { exp: Math.floor(Date.now() / 1000) - 10 })}` }),
      /expired/,
    ],
    [
      'a token signed with another key',
      async () => ({ authorization: `Bearer ${await sign(valid, { key: crypto.randomBytes(48) })}` }),
      /signature/,
    ],
    ['an alg:none token', async () => ({ authorization: `Bearer ${unsigned(valid)}` }), /algorithm|malformed/],
    ['a wrong issuer', async () => ({ authorization: `Bearer ${await sign(valid, { iss: 'https://evil.example' })}` }), /'iss'/],
    ['a wrong audience', async () => ({ authorization: `Bearer ${await sign(valid, { aud: 'other-api' })}` }), /'aud'/],
    ['no tenant claim', async () => ({ authorization: `Bearer ${await sign({ roles: ['SECURITY_ADMIN'] })}` }), /tenant/],
    [
      'a tenant claim that is not a name',
      async () => ({ authorization: `Bearer ${await sign({ tenant: '../etc', roles: ['SECURITY_ADMIN'] })}` }),
      /tenant/,
    ],
    ['no roles', async () => ({ authorization: `Bearer ${await sign({ tenant: 'acme' })}` }), /roles/],
    ['only unknown roles', async () => ({ authorization: `Bearer ${await sign({ tenant: 'acme', roles: ['ROOT'] })}` }), /no AIR role/],
  ])('%s → 401 UNAUTHENTICATED with the reason', async (_name, headers, reason) => {
    const res = await gql(t.url, undefined, MeDocument, {}, await headers());
    expect(res.status).toBe(401);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors![0]?.message).toMatch(reason);
    expect(res.data).toBeUndefined();
  });

  test('a valid token reaches the API and names the viewer', async () => {
    const res = await gql(t.url, await t.token('acme', Role.SECURITY_READER, { sub: 'reader-1' }), MeDocument);
    expect(res.status).toBe(200);
    expect(res.data!.me).toMatchObject({ sub: 'reader-1', tenant: 'acme', roles: ['SECURITY_READER'] });
  });

  test('a tenant seen for the first time starts empty', async () => {
    const res = await gql(t.url, await t.token('brand-new', Role.SECURITY_ADMIN), InvestigationsDocument, {});
    expect(res.errors).toBeUndefined();
    expect(res.data!.investigations.edges).toEqual([]);
    expect(res.data!.investigations.totalCount).toBe(0);
  });
});

describe('authorization (graphql-shield, deny by default)', () => {
  test('a reader and an admin see the same data', async () => {
    const reader = await gql(t.url, await t.token('acme', Role.SECURITY_READER), InvestigationsDocument, {});
    const admin = await gql(t.url, await t.token('acme', Role.SECURITY_ADMIN), InvestigationsDocument, {});
    const global = await gql(t.url, await t.token('acme', Role.GLOBAL_ADMIN), InvestigationsDocument, {});
    expect(reader.errors).toBeUndefined();
    expect(reader.data!.investigations.totalCount).toBe(1);
    expect(admin.data).toEqual(reader.data);
    expect(global.data).toEqual(reader.data);
  });

  test('the SERVICE identity reads nothing but itself', async () => {
    const token = await t.token('acme', Role.SERVICE);
    const me = await gql(t.url, token, MeDocument);
    expect(me.data!.me.roles).toEqual(['SERVICE']);
    for (const res of [await gql(t.url, token, InvestigationsDocument, {}), await gql(t.url, token, DashboardDocument, {})]) {
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.data).toBeNull();
    }
  });

  test('a misspelt field is refused without suggestions that would leak the schema', async () => {
    const res = await gql(t.url, await t.token('acme', Role.SECURITY_READER), '{ investigatons { totalCount } }');
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).not.toMatch(/Did you mean/);
  });
});
