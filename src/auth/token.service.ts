import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as jose from 'jose';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';
import { Role } from '../domain/role.js';

/** The claims AIR needs from a token, whoever issued it. */
export interface VerifiedClaims {
  sub: string;
  tenant: string;
  roles: Role[];
  exp: number;
}

/** Issuer and audience of the tokens the development key signs. */
export const DEV_ISSUER = 'air-server';
export const DEV_AUDIENCE = 'air-api';
const ROLES = new Set<string>(Object.values(Role));
const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** 9999-12-31T23:59:59Z in seconds: the latest time a numeric claim may name. */
const LATEST_CLAIM = 253_402_300_799;

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

export interface TokenSigner {
  sign(claims: { sub: string; tenant: string; roles: Role[]; ttlSeconds: number }): Promise<string>;
}

/**
 * The development HS256 key: from AIR_JWT_SECRET, or generated into the data directory on first
 * start (mode 0600) and reused afterwards, so tokens printed at one start stay valid at the next.
 */
export async function loadSigningSecret(config: Config): Promise<Uint8Array> {
  if (config.auth.jwtSecret) return new TextEncoder().encode(config.auth.jwtSecret);
  const file = path.join(config.dataDir, 'jwt-secret');
  try {
    return new TextEncoder().encode((await fs.readFile(file, 'utf8')).trim());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(config.dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString('base64url');
  // 'wx' fails if a concurrent start wrote it first; then read theirs.
  await fs.writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return new TextEncoder().encode((await fs.readFile(file, 'utf8')).trim());
}

export function createHmacSigner(secret: Uint8Array): TokenSigner {
  return {
    sign: ({ sub, tenant, roles, ttlSeconds }) =>
      new jose.SignJWT({ tenant, roles })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(secret),
  };
}

/**
 * Verify a bearer token: signature (HS256 with the development key, or the OIDC issuer's JWKS),
 * expiry, issuer and audience; `alg: none` and algorithms other than the expected ones are refused.
 */
export async function createTokenVerifier(config: Config): Promise<TokenVerifier> {
  const { tenantClaim, rolesClaim } = config.auth;
  let check: (token: string) => Promise<jose.JWTPayload>;
  if (config.auth.oidcIssuer) {
    const issuer = config.auth.oidcIssuer;
    const discovery = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : issuer + '/'));
    if (!discovery.ok) throw new Error(`OIDC discovery at ${issuer} answered ${discovery.status}`);
    const { jwks_uri } = (await discovery.json()) as { jwks_uri?: string };
    if (!jwks_uri) throw new Error(`OIDC discovery at ${issuer} has no jwks_uri`);
    const jwks = jose.createRemoteJWKSet(new URL(jwks_uri));
    check = async (token) =>
      (
        await jose.jwtVerify(token, jwks, {
          issuer,
          audience: config.auth.oidcAudience,
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
        })
      ).payload;
  } else {
    const secret = await loadSigningSecret(config);
    check = async (token) =>
      (await jose.jwtVerify(token, secret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'] })).payload;
  }

  return {
    async verify(token) {
      let payload: jose.JWTPayload;
      try {
        payload = await check(token);
      } catch (e) {
        throw unauthenticated(describeJoseError(e));
      }
      // jose checks that exp, nbf and iat are numbers, not that they are times: exp = 1e15 passed, and a
      // socket's expiry timer and every date made from it went wrong later. A time past 9999 is malformed.
      for (const claim of ['exp', 'nbf', 'iat'] as const) {
        const value = payload[claim];
        if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= LATEST_CLAIM)) {
          throw unauthenticated(`token claim '${claim}' must be a time in seconds between 1970 and 9999`);
        }
      }
      const tenant = payload[tenantClaim];
      const roles = payload[rolesClaim];
      if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('token has no subject (sub)');
      if (typeof tenant !== 'string' || !TENANT_NAME.test(tenant)) {
        throw unauthenticated(`token claim '${tenantClaim}' must be a tenant name (a-z, 0-9, . _ -)`);
      }
      if (!Array.isArray(roles) || roles.length === 0) throw unauthenticated(`token claim '${rolesClaim}' must list roles`);
      const known = roles.filter((r): r is Role => typeof r === 'string' && ROLES.has(r));
      if (known.length === 0) throw unauthenticated(`token claim '${rolesClaim}' names no AIR role`);
      if (typeof payload.exp !== 'number') throw unauthenticated('token has no expiry (exp)');
      return { sub: payload.sub, tenant, roles: known, exp: payload.exp };
    },
  };
}

function describeJoseError(e: unknown): string {
  if (e instanceof jose.errors.JWTExpired) return 'token expired';
  if (e instanceof jose.errors.JWTClaimValidationFailed) return `token claim '${e.claim}' is not accepted (${e.reason})`;
  if (e instanceof jose.errors.JOSEAlgNotAllowed) return 'token signing algorithm is not accepted';
  if (e instanceof jose.errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (e instanceof jose.errors.JWSInvalid || e instanceof jose.errors.JWTInvalid) return 'token is malformed';
  if (e instanceof jose.errors.JWKSNoMatchingKey) return 'token was signed by an unknown key';
  return 'token could not be verified';
}

/** `Authorization: Bearer <token>` → the token, or a clear reason why not. */
export function bearerToken(header: string | undefined | null): string {
  if (!header) throw unauthenticated('send Authorization: Bearer <token>');
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw unauthenticated('Authorization header must be "Bearer <token>"');
  return token;
}
