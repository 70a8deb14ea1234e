import { forbidden } from '../errors.js';
import { APPROVE_ROLES, type Role } from '../domain/role.js';

/** Who is asking: established once per request or socket from a verified token. */
export interface Viewer {
  readonly sub: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly roles: readonly Role[];
  /** Seconds since the epoch; sockets stop their streams past it. */
  readonly expiresAt: number;
}

export const hasAnyRole = (viewer: Viewer, roles: readonly Role[]) => viewer.roles.some((r) => roles.includes(r));

/** The service-level check behind shield's coarse gate: deciding, undoing, cancelling and settings are for admins. */
export function requireAdmin(viewer: Viewer, what: string): void {
  if (!hasAnyRole(viewer, APPROVE_ROLES)) throw forbidden(`${what} needs SECURITY_ADMIN or GLOBAL_ADMIN`);
}
