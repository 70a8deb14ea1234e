/**
 * Deciding actions, the one write every decision goes through (approve, reject, expire; by a person or
 * by the system).
 *
 * Exactly once, and why it holds: a decision is ONE conditional UPDATE (`… where status =
 * 'PENDING_APPROVAL'`). PostgreSQL makes a second concurrent UPDATE of the same row wait for the first to
 * commit and then re-check the condition, so of fifty approvals of one action, on any number of API
 * nodes, exactly one sees its row come back; only that one writes the audit entry, the event and the job.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../db/sql.js';
import { AuditKind, recordAudit, SYSTEM, type Actor } from '../audit/audit.service.js';
import { appendEvents, EventType, type EventInput } from '../realtime/outbox.js';
import type { JobQueue } from '../jobs/queue.js';
import { ActionSource, ActionStatus, type ActionType } from '../domain/action.js';

interface DecidedRow {
  id: string;
  investigation_id: string;
  type: ActionType;
}

const decidedEvent = (tenantId: string, row: DecidedRow, status: ActionStatus, actor: Actor, comment?: string): EventInput => ({
  tenantId,
  investigationId: row.investigation_id,
  type: EventType.ACTION_DECIDED,
  payload: {
    id: row.id,
    status,
    decidedBy: actor.actor,
    decidedAt: new Date().toISOString(),
    comment: comment ?? null,
    source: actor === SYSTEM ? ActionSource.AUTOMATED : ActionSource.MANUAL,
  },
});

interface DecidedRow {
  id: string;
  investigation_id: string;
  type: ActionType;
}

/**
 * Move pending actions to `status` in one conditional UPDATE; write audit entries, events and (for
 * approvals) execution jobs for the rows that actually moved. Returns those rows. Rejections and expiries
 * can end an investigation: the caller settles the investigations of the rows returned.
 */
export async function decide(
  tx: EntityManager,
  queue: JobQueue,
  tenantId: string,
  ids: string[],
  status: ActionStatus.APPROVED | ActionStatus.REJECTED | ActionStatus.EXPIRED,
  actor: Actor,
  comment: string | undefined,
  details: Record<string, unknown> = {},
): Promise<DecidedRow[]> {
  if (ids.length === 0) return [];
  const source = actor === SYSTEM ? ActionSource.AUTOMATED : ActionSource.MANUAL;
  const rows = await sql<DecidedRow>(
    tx,
    `update actions set status = ?::action_status, decided_by = ?, decided_at = now(), decision_comment = ?, source = ?::action_source
     where tenant_id = ? and id = any(?::uuid[]) and status = 'PENDING_APPROVAL' returning id, investigation_id, type`,
    [status, actor.actor, comment ?? null, source, tenantId, ids],
  );
  const kind =
    status === ActionStatus.APPROVED
      ? AuditKind.ACTION_APPROVED
      : status === ActionStatus.REJECTED
        ? AuditKind.ACTION_REJECTED
        : AuditKind.ACTION_EXPIRED;
  await recordAudit(
    tx,
    actor,
    rows.map((r) => ({
      tenantId,
      kind,
      subjectId: r.id,
      comment,
      details: { actionType: r.type, investigationId: r.investigation_id, ...details },
    })),
  );
  await appendEvents(
    tx,
    rows.map((r) => decidedEvent(tenantId, r, status, actor, comment)),
  );
  if (status === ActionStatus.APPROVED) for (const r of rows) await queue.enqueueAction({ tenantId, actionId: r.id }, tx);
  return rows;
}
