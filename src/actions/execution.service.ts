/**
 * Running approved actions (the `action-run` job) through the executor registry, and undoing them.
 * Every change writes its audit entry and outbox event in the transaction that makes it.
 */
import { LockMode } from '@mikro-orm/core';
import type { Orm } from '../db/database.js';
import { sql } from '../db/sql.js';
import { tenantEntityManager, type Context } from '../context.js';
import { badInput, conflict, newErrorId, notFound, publicReason } from '../errors.js';
import type { Logger } from '../logger.js';
import { requireAdmin } from '../auth/viewer.js';
import { actorOf, AuditKind, checkComment, recordAudit } from '../audit/audit.service.js';
import { appendEvents, EventType, type EventInput } from '../realtime/outbox.js';
import type { JobQueue } from '../jobs/queue.js';
import { settleInvestigations } from '../investigations/lifecycle.service.js';
import { Action } from './action.entity.js';
import { ActionStatus } from '../domain/action.js';
import type { ExecutorRegistry } from './executor.js';
import { isUuid } from '../common/lookup.js';

/** The same remediation approved twice within this window runs once. */
const DEDUPE_WINDOW = '1 hour';

/** Type, targets and cluster query: what makes two actions the same remediation. */
function remediationKey(
  a: { type: string; targets: { kind: string; value: string }[] },
  cluster?: { query: string; query_value: string },
): string {
  const targets = a.targets.map((t) => `${t.kind}:${t.value}`).sort();
  return [a.type, cluster ? `${cluster.query}:${cluster.query_value}` : '', ...targets].join('|');
}

class RemediationInProgress extends Error {}

/**
 * The `action-run` job: APPROVED → RUNNING → COMPLETED | FAILED. The executor's effects and COMPLETED
 * commit together, so a crash anywhere before that commit leaves the action to run again (the queue
 * gives the job back), and after it the job finds the action COMPLETED and does nothing.
 */
/** What running an action needs: the database, the queue (settling can start throttled investigations) and the executors. */
export interface ExecutionDeps {
  orm: Orm;
  queue: JobQueue;
  executors: ExecutorRegistry;
  logger: Logger;
}

export async function runAction(deps: ExecutionDeps, job: { tenantId: string; actionId: string }, lastAttempt: boolean): Promise<void> {
  const { orm, queue, executors, logger } = deps;
  const { tenantId, actionId } = job;
  const em = tenantEntityManager(orm, tenantId);
  const executedEvent = (action: Action, payload: Record<string, unknown>): EventInput => ({
    tenantId,
    investigationId: action.investigationId,
    type: EventType.ACTION_EXECUTED,
    payload: { id: action.id, ...payload },
  });
  try {
    await em.fork().transactional(async (tx) => {
      const [row] = await sql<{ status: ActionStatus; query?: string; query_value?: string }>(
        tx,
        `select a.status, c.query, c.query_value from actions a left join email_clusters c on c.id = a.cluster_id and c.tenant_id = a.tenant_id
         where a.tenant_id = ? and a.id = ? for update of a`,
        [tenantId, actionId],
      );
      if (!row || (row.status !== ActionStatus.APPROVED && row.status !== ActionStatus.RUNNING)) return;
      const action = await tx.findOneOrFail(Action, { id: actionId });
      const key = remediationKey(action, row.query ? { query: row.query, query_value: row.query_value ?? '' } : undefined);
      // Two approvals of one remediation: the second waits for the first here, then finds it done.
      await sql(tx, `select pg_advisory_xact_lock(hashtext(?))`, [`air:remediation:${tenantId}:${key}`]);
      const [twin] = await sql<{ id: string; status: ActionStatus }>(
        tx,
        `select id, status from actions where tenant_id = ? and remediation_key = ? and id <> ?
           and (status = 'RUNNING' or (status = 'COMPLETED' and completed_at > now() - interval '${DEDUPE_WINDOW}'))
         order by completed_at desc nulls first limit 1`,
        [tenantId, key, actionId],
      );
      if (twin?.status === ActionStatus.RUNNING) throw new RemediationInProgress(`the same remediation is running as action ${twin.id}`);
      if (twin) {
        const result = { duplicateOf: twin.id, note: `the same remediation ran within ${DEDUPE_WINDOW}; not run again` };
        await tx.nativeUpdate(
          Action,
          { id: actionId },
          { status: ActionStatus.COMPLETED, remediationKey: key, completedAt: new Date(), result },
        );
        await appendEvents(tx, [executedEvent(action, { status: ActionStatus.COMPLETED, result })]);
        await settleInvestigations(tx, queue, tenantId, [action.investigationId]);
        return;
      }
      if (row.status === ActionStatus.APPROVED) {
        // RUNNING is its own commit so that watchers see it while an external executor works.
        await tx.nativeUpdate(Action, { id: actionId }, { status: ActionStatus.RUNNING, remediationKey: key });
        await appendEvents(tx, [executedEvent(action, { status: ActionStatus.RUNNING })]);
      }
    });
    await em.fork().transactional(async (tx) => {
      const action = await tx.findOne(Action, { id: actionId, status: ActionStatus.RUNNING }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!action) return;
      const result = await executors[action.type].run({ tx, tenantId, action });
      await tx.nativeUpdate(Action, { id: actionId }, { status: ActionStatus.COMPLETED, completedAt: new Date(), result, error: null });
      await appendEvents(tx, [executedEvent(action, { status: ActionStatus.COMPLETED, result })]);
      await settleInvestigations(tx, queue, tenantId, [action.investigationId]);
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!lastAttempt || e instanceof RemediationInProgress) {
      logger.warn({ action: actionId, reason: message }, 'action failed; it will be retried');
      throw e;
    }
    const errorId = newErrorId();
    logger.error({ action: actionId, err: e, errorId }, 'action failed for good');
    // What clients read (Action.error, its event, the CSV): a database error's text stays in the log.
    const reason = publicReason(e, errorId);
    await em.fork().transactional(async (tx) => {
      const action = await tx.findOne(Action, { id: actionId, status: { $in: [ActionStatus.APPROVED, ActionStatus.RUNNING] } });
      if (!action) return;
      await tx.nativeUpdate(Action, { id: actionId }, { status: ActionStatus.FAILED, completedAt: new Date(), error: reason });
      await appendEvents(tx, [executedEvent(action, { status: ActionStatus.FAILED, error: reason })]);
      await settleInvestigations(tx, queue, tenantId, [action.investigationId]);
    });
  }
}

/** `undoAction`: restore what a completed action changed, for the types whose executor can. */
export async function undoAction(ctx: Context, id: string, rawComment: string | undefined): Promise<Action> {
  requireAdmin(ctx.viewer, 'Undoing an action');
  const comment = checkComment(rawComment);
  const tenantId = ctx.viewer.tenantId;
  if (!isUuid(id)) throw notFound('action', id);
  await ctx.em.fork().transactional(async (tx) => {
    const action = await tx.findOne(Action, { id: id.toLowerCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!action) throw notFound('action', id);
    const undo = ctx.services.executors[action.type].undo;
    if (!undo) throw badInput(`${action.type} cannot be undone`);
    if (action.status !== ActionStatus.COMPLETED) throw conflict(`only a COMPLETED action can be undone; this one is ${action.status}`);
    if (action.result?.duplicateOf)
      throw conflict(`this action did not run (it repeated action ${String(action.result.duplicateOf)}); undo that one`);
    const undone = await undo({ tx, tenantId, action }, action.result ?? {});
    const result = { ...(action.result ?? {}), undo: undone };
    await tx.nativeUpdate(Action, { id: action.id }, { status: ActionStatus.UNDONE, result });
    await recordAudit(tx, actorOf(ctx.viewer), [
      { tenantId, kind: AuditKind.ACTION_UNDONE, subjectId: action.id, comment, details: { actionType: action.type, undo: undone } },
    ]);
    await appendEvents(tx, [
      {
        tenantId,
        investigationId: action.investigationId,
        type: EventType.ACTION_EXECUTED,
        payload: { id: action.id, status: ActionStatus.UNDONE, result },
      },
    ]);
  });
  return ctx.em.fork().findOneOrFail(Action, { id: id.toLowerCase() });
}
