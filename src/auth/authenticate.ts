import type { TenantDirectory } from '../tenants/tenant.service.js';
import { bearerToken, type TokenVerifier } from './token.service.js';
import type { Viewer } from './viewer.js';

export type Authenticate = (authorization: string | undefined | null) => Promise<Viewer>;

/** The one path from a bearer token to a viewer, for HTTP requests and WebSocket connections alike. */
export function createAuthenticator(verifier: TokenVerifier, tenants: TenantDirectory): Authenticate {
  return async (authorization) => {
    const claims = await verifier.verify(bearerToken(authorization));
    const tenantId = await tenants.idOf(claims.tenant);
    return Object.freeze({
      sub: claims.sub,
      tenantId,
      tenantName: claims.tenant,
      roles: Object.freeze([...claims.roles]),
      expiresAt: claims.exp,
    });
  };
}
