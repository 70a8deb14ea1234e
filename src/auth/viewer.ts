import { registerEnumType } from 'type-graphql';

/** The seed's roles, plus the machine identity that feeds telemetry. */
export enum Role {
  /** Reads everything, approves actions, changes tenant settings. */
  GLOBAL_ADMIN = 'GLOBAL_ADMIN',
  /** Reads everything, approves actions. */
  SECURITY_ADMIN = 'SECURITY_ADMIN',
  /** Reads everything, decides nothing. */
  SECURITY_READER = 'SECURITY_READER',
  /** A machine identity: ingests telemetry and raises alerts, reads nothing else. */
  SERVICE = 'SERVICE',
}
registerEnumType(Role, { name: 'Role' });

export const READ_ROLES: readonly Role[] = [Role.GLOBAL_ADMIN, Role.SECURITY_ADMIN, Role.SECURITY_READER];
export const APPROVE_ROLES: readonly Role[] = [Role.GLOBAL_ADMIN, Role.SECURITY_ADMIN];

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
