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

export const READ_ROLES: readonly Role[] = [Role.GLOBAL_ADMIN, Role.SECURITY_ADMIN, Role.SECURITY_READER];
export const APPROVE_ROLES: readonly Role[] = [Role.GLOBAL_ADMIN, Role.SECURITY_ADMIN];
