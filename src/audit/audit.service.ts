import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Viewer } from '../auth/viewer.js';
import { AuditEvent } from './audit-event.entity.js';

/** What the audit trail records. */
export enum AuditKind {
  ACTION_APPROVED = 'ACTION_APPROVED',
  ACTION_REJECTED = 'ACTION_REJECTED',
  ACTION_EXPIRED = 'ACTION_EXPIRED',
  ACTION_UNDONE = 'ACTION_UNDONE',
  AUTOMATION_CHANGED = 'AUTOMATION_CHANGED',
  INVESTIGATION_CANCELLED = 'INVESTIGATION_CANCELLED',
}

/** Who acted: a person (their token's subject and role), or the system under a named policy. */
export interface Actor {
  actor: string;
  actorRole: string;
}
export const SYSTEM: Actor = { actor: 'system', actorRole: 'SYSTEM' };
export const actorOf = (viewer: Viewer): Actor => ({ actor: viewer.sub, actorRole: viewer.roles.join(',') });

export interface AuditEntry {
  tenantId: string;
  kind: AuditKind;
  subjectId?: string;
  comment?: string;
  details?: Record<string, unknown>;
}

/** Append to the audit trail in the caller's transaction: the entry commits with the change it records, or not at all. */
export async function recordAudit(tx: EntityManager, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const at = new Date();
  await tx.insertMany(
    AuditEvent,
    entries.map((e) => ({ id: uuidv7(), at, ...actor, ...e, details: e.details ?? {} })),
  );
}
