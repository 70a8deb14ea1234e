import { LRUCache } from 'lru-cache';
import type { TenantDirectory } from '../tenants/tenant.service.js';
import { bearerToken, type TokenVerifier } from './token.service.js';
import type { Viewer } from './viewer.js';

export type Authenticate = (authorization: string | undefined | null) => Promise<Viewer>;

/**
 * How long a verified token is taken on trust before its signature is checked again, at most (never
 * past its own expiry). Long enough that a dashboard reconnecting its sockets, or a burst of requests
 * with one token, verifies it once; short enough that a key withdrawn from the issuer's JWKS stops
 * being honoured within a minute.
 */
const VERIFIED_TTL_MS = 60_000;
/** Distinct tokens remembered (about 1 KB each with the viewer). */
const VERIFIED_MAX = 10_000;

/**
 * The one path from a bearer token to a viewer, for HTTP requests and WebSocket connections alike.
 * Verification (jose's HMAC or signature check through WebCrypto) was 10 % of the node's CPU while
 * 10,000 sockets opened with one token (`npm run bench:subscriptions`), so a token verified is
 * remembered, by its exact text, for `VERIFIED_TTL_MS`; a token that failed is checked every time.
 */
export function createAuthenticator(verifier: TokenVerifier, tenants: TenantDirectory): Authenticate {
  const verified = new LRUCache<string, Viewer>({ max: VERIFIED_MAX });
  return async (authorization) => {
    const token = bearerToken(authorization);
    const known = verified.get(token);
    // An expired token falls through to the verifier, which refuses it with its usual message.
    if (known && known.expiresAt * 1000 > Date.now()) return known;
    const claims = await verifier.verify(token);
    const tenantId = await tenants.idOf(claims.tenant);
    const viewer: Viewer = Object.freeze({
      sub: claims.sub,
      tenantId,
      tenantName: claims.tenant,
      roles: Object.freeze([...claims.roles]),
      expiresAt: claims.exp,
    });
    const ttl = Math.min(VERIFIED_TTL_MS, claims.exp * 1000 - Date.now());
    if (ttl > 0) verified.set(token, viewer, { ttl });
    return viewer;
  };
}
