import { Role } from '../domain/role.js';

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
