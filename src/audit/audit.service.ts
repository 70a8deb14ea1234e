import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Viewer } from '../auth/viewer.js';
import { checked } from '../errors.js';
import { MAX_LENGTH, prose } from '../domain/input.js';
import type { Context } from '../context.js';
import { pageOfAll, type Order } from '../common/loaders.js';
import type { Connection } from '../common/pagination.js';
import { isUuid } from '../common/lookup.js';
import { periodStart } from '../domain/action.js';
import type { AuditEventsArgs } from './audit.types.js';
import { AuditEvent } from './audit-event.entity.js';

/** What the audit trail records. */
export enum AuditKind {
  ACTION_APPROVED = 'ACTION_APPROVED',
  ACTION_REJECTED = 'ACTION_REJECTED',
  ACTION_EXPIRED = 'ACTION_EXPIRED',
  ACTION_UNDONE = 'ACTION_UNDONE',
  AUTOMATION_CHANGED = 'AUTOMATION_CHANGED',
  INVESTIGATION_CANCELLED = 'INVESTIGATION_CANCELLED',
  /** An analyst judged a message, sender, URL, domain, file or IP (intel/analyst-verdict.service.ts). */
  ANALYST_VERDICT_GIVEN = 'ANALYST_VERDICT_GIVEN',
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

const comment = prose(MAX_LENGTH.comment);

/**
 * An admin's comment on a decision, undo, cancel or settings change: trimmed, empty → none; longer than
 * 2,000 characters or carrying control characters (line breaks and tabs are fine) → BAD_USER_INPUT.
 */
export function checkComment(raw: string | undefined | null): string | undefined {
  return checked(comment, raw, 'comment')?.trim() || undefined;
}

const AUDIT_NEWEST_FIRST: Order = { key: 'at', direction: 'desc', isDate: true };

/** The audit trail, newest first. */
export async function listAuditEvents(ctx: Context, args: AuditEventsArgs): Promise<Connection<AuditEvent>> {
  const f = args.filter;
  const where: Record<string, unknown> = {};
  if (f?.kinds?.length) where.kind = { $in: f.kinds };
  if (f?.subjectId) where.subjectId = isUuid(f.subjectId) ? f.subjectId.toLowerCase() : null;
  if (f?.period) where.at = { $gte: periodStart(f.period) };
  return pageOfAll(ctx.em, AuditEvent, where, AUDIT_NEWEST_FIRST, args);
}
