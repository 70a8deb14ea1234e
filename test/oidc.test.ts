import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { codes, gql, startTestApp, type TestApp } from './support/app.js';
import { MeDocument } from './generated/graphql.js';

/**
 * Production authentication: a real OIDC issuer on loopback serving discovery and a JWKS, and the
 * server started with AIR_OIDC_ISSUER / AIR_OIDC_AUDIENCE verifying tokens against it.
 */
let issuerServer: http.Server;
let issuer: string;
let t: TestApp;
let key: jose.CryptoKey;
const other = jose.generateKeyPair('RS256');

beforeAll(async () => {
  const pair = await jose.generateKeyPair('RS256');
  key = pair.privateKey;
  const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuerServer = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}jwks` }));
    if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/`;
  t = await startTestApp({ env: { AIR_OIDC_ISSUER: issuer, AIR_OIDC_AUDIENCE: 'air-api-prod', NODE_ENV: 'production' } });
});
afterAll(async () => {
  await t.stop();
  await new Promise((resolve) => issuerServer.close(resolve));
});

const claims = { tenant: 'acme', roles: ['SECURITY_READER'] };
async function idpToken(opts: { iss?: string; aud?: string; kid?: string; signWith?: jose.CryptoKey; exp?: number } = {}) {
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setSubject('oidc-user')
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? 'air-api-prod')
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(opts.signWith ?? key);
}

test('a token from the issuer is accepted; no development signer exists', async () => {
  expect(t.app.signer).toBeUndefined();
  const res = await gql(t.url, await idpToken(), MeDocument);
  expect(res.errors).toBeUndefined();
  expect(res.data!.me).toMatchObject({ sub: 'oidc-user', tenant: 'acme', roles: ['SECURITY_READER'] });
});

test.each<[string, () => Promise<string>, RegExp]>([
  ['another issuer', () => idpToken({ iss: 'https://evil.example/' }), /'iss'/],
  ['another audience', () => idpToken({ aud: 'someone-else' }), /'aud'/],
  ['a key the issuer does not publish', async () => idpToken({ kid: 'k2', signWith: (await other).privateKey }), /unknown key|signature/],
  ['the right kid signed by another key', async () => idpToken({ signWith: (await other).privateKey }), /signature/],
  ['an expired token', () => idpToken({ exp: Math.floor(Date.now() / 1000) - 60 }), /expired/],
  [
    'an HS256 token (algorithm confusion)',
    () =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setIssuer(issuer)
        .setAudience('air-api-prod')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('test-secret-that-is-at-least-32-characters-long')),
    /algorithm/,
  ],
])('%s → UNAUTHENTICATED', async (_name, make, reason) => {
  const res = await gql(t.url, await make(), MeDocument);
  expect(res.status).toBe(401);
  expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  expect(res.errors![0]?.message).toMatch(reason);
});
