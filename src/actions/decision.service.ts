/**
 * Decisions on recommended actions and their execution: approve / reject (exactly once, whoever races),
 * automation policy, execution as a durable job, undo, expiry, cancel, and the investigation's final
 * state. Every change writes its audit entry and outbox event in the transaction that makes it.
 *
 * Exactly once, and why it holds: a decision is ONE conditional UPDATE (`… where status =
 * 'PENDING_APPROVAL'`). PostgreSQL makes a second concurrent UPDATE of the same row wait for the first to
 * commit and then re-check the condition, so of fifty approvals of one action, on any number of API
 * nodes, exactly one sees its row come back; only that one writes the audit entry, the event and the job.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/database.js';
import { tenantEntityManager, type Context } from '../context.js';
import { badInput, conflict, forbidden, notFound, type Logger } from '../errors.js';
import { hasAnyRole, type Viewer } from '../auth/viewer.js';
import { actorOf, AuditKind, recordAudit, SYSTEM, type Actor } from '../audit/audit.service.js';
import { appendEvents, EventType, type EventInput } from '../realtime/outbox.js';
import type { JobQueue } from '../jobs/queue.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { InvestigationState } from '../domain/investigation.js';
import { Action } from './action.entity.js';
import { ActionSource, ActionStatus, ActionType, DecisionOutcome } from '../domain/action.js';
import { sql, type ExecutorRegistry } from './executor.js';
import { isUuid } from '../common/lookup.js';
import { APPROVE_ROLES } from '../domain/role.js';
import { AutomationLevel } from '../domain/tenant.js';

/** A cluster larger than this is never remediated without a human (DESIGN.md, "Email cluster"). */
export const MAX_AUTOMATIC_CLUSTER = 10_000;
/** The same remediation approved twice within this window runs once. */
const DEDUPE_WINDOW = '1 hour';
const MAX_IDS = 500;
const MAX_COMMENT = 2000;

export interface DecisionResult {
  id: string;
  outcome: DecisionOutcome;
  message: string;
  action?: Action;
}

export interface DecisionServices {
  queue: JobQueue;
}

function requireAdmin(viewer: Viewer, what: string) {
  if (!hasAnyRole(viewer, APPROVE_ROLES)) throw forbidden(`${what} needs SECURITY_ADMIN or GLOBAL_ADMIN`);
}

function checkComment(comment: string | undefined): string | undefined {
  if (comment !== undefined && comment.length > MAX_COMMENT)
    throw badInput(`comment is ${comment.length} characters; at most ${MAX_COMMENT} are kept`);
  return comment?.trim() || undefined;
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
 * approvals) execution jobs for the rows that actually moved. Returns those rows.
 */
async function decide(
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
  else await settleInvestigations(tx, tenantId, [...new Set(rows.map((r) => r.investigation_id))]);
  return rows;
}

/** `approveActions` / `rejectActions`: many ids at once, answered per id. */
export async function decideActions(
  ctx: Context,
  ids: string[],
  approve: boolean,
  rawComment: string | undefined,
): Promise<DecisionResult[]> {
  requireAdmin(ctx.viewer, approve ? 'Approving actions' : 'Rejecting actions');
  if (ids.length === 0) throw badInput('ids is empty: give at least one action id');
  if (ids.length > MAX_IDS) throw badInput(`ids has ${ids.length} entries; decide at most ${MAX_IDS} at once`);
  const comment = checkComment(rawComment);
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const valid = unique.filter((id) => isUuid(id));
  const tenantId = ctx.viewer.tenantId;
  const status = approve ? ActionStatus.APPROVED : ActionStatus.REJECTED;
  const moved = new Set(
    (await ctx.em.fork().transactional((tx) => decide(tx, ctx.services.queue, tenantId, valid, status, actorOf(ctx.viewer), comment))).map(
      (r) => r.id,
    ),
  );
  const actions = new Map((await ctx.em.fork().find(Action, { id: { $in: valid } })).map((a) => [a.id, a]));
  return unique.map((id): DecisionResult => {
    const action = actions.get(id);
    if (!action) return { id, outcome: DecisionOutcome.NOT_FOUND, message: `action '${id}' was not found` };
    if (moved.has(id))
      return {
        id,
        outcome: approve ? DecisionOutcome.APPROVED : DecisionOutcome.REJECTED,
        message: approve ? 'approved; remediation started' : 'rejected',
        action,
      };
    return { id, outcome: DecisionOutcome.CONFLICT, message: `already decided: the action is ${action.status}`, action };
  });
}

/**
 * The tenant's automation policy (the seed's phase 2), applied to actions just recommended, in the
 * transaction that recommends them. A cluster over MAX_AUTOMATIC_CLUSTER messages always waits for a human.
 */
export async function approveByPolicy(tx: EntityManager, queue: JobQueue, tenantId: string, actionIds: string[]): Promise<number> {
  const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  if (tenant.automationLevel === AutomationLevel.APPROVAL_REQUIRED || actionIds.length === 0) return 0;
  const types = tenant.automationLevel === AutomationLevel.FULL ? Object.values(ActionType) : tenant.automatedActionTypes;
  const eligible = await sql<{ id: string }>(
    tx,
    `select a.id from actions a left join email_clusters c on c.id = a.cluster_id and c.tenant_id = a.tenant_id
     where a.tenant_id = ? and a.id = any(?::uuid[]) and a.type::text = any(?::text[]) and coalesce(c.message_count, 0) <= ?`,
    [tenantId, actionIds, types, MAX_AUTOMATIC_CLUSTER],
  );
  const policy = tenant.automationLevel === AutomationLevel.FULL ? 'FULL' : `SELECTED_ACTIONS (${types.join(', ')})`;
  const rows = await decide(
    tx,
    queue,
    tenantId,
    eligible.map((r) => r.id),
    ActionStatus.APPROVED,
    SYSTEM,
    `automation policy ${policy}`,
    { policy: tenant.automationLevel },
  );
  return rows.length;
}

/**
 * An investigation waiting on its actions ends once none is open: REMEDIATED when all ran, TERMINATED_BY_SYSTEM
 * when none ran and some expired, PARTIALLY_REMEDIATED otherwise (some rejected, failed or expired).
 */
export async function settleInvestigations(tx: EntityManager, tenantId: string, investigationIds: string[]): Promise<void> {
  if (investigationIds.length === 0) return;
  const settled = await sql<{ id: string; state: InvestigationState }>(
    tx,
    `with s as (
       select investigation_id,
              count(*) filter (where status in ('PENDING_APPROVAL', 'APPROVED', 'RUNNING')) as open,
              count(*) filter (where status in ('COMPLETED', 'UNDONE')) as done,
              count(*) filter (where status = 'EXPIRED') as expired,
              count(*) as total
       from actions where tenant_id = ? and investigation_id = any(?::uuid[]) group by investigation_id)
     update investigations i set ended_at = now(), state = (case
         when s.done = s.total then 'REMEDIATED'
         when s.done = 0 and s.expired > 0 then 'TERMINATED_BY_SYSTEM'
         else 'PARTIALLY_REMEDIATED' end)::investigation_state
     from s where i.tenant_id = ? and i.id = s.investigation_id and s.open = 0 and i.state = 'PENDING_ACTION'
     returning i.id, i.state`,
    [tenantId, investigationIds, tenantId],
  );
  await appendEvents(
    tx,
    settled.map((r) => ({
      tenantId,
      investigationId: r.id,
      type: EventType.INVESTIGATION_STATE_CHANGED,
      payload: { id: r.id, state: r.state },
    })),
  );
}

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
export async function runAction(
  orm: Orm,
  executors: ExecutorRegistry,
  job: { tenantId: string; actionId: string },
  lastAttempt: boolean,
  logger: Logger,
): Promise<void> {
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
        await settleInvestigations(tx, tenantId, [action.investigationId]);
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
      await settleInvestigations(tx, tenantId, [action.investigationId]);
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!lastAttempt || e instanceof RemediationInProgress) {
      logger.warn(`action ${actionId}: ${message}; will be retried`);
      throw e;
    }
    logger.error(`action ${actionId}: failed for good: ${message}`);
    await em.fork().transactional(async (tx) => {
      const action = await tx.findOne(Action, { id: actionId, status: { $in: [ActionStatus.APPROVED, ActionStatus.RUNNING] } });
      if (!action) return;
      await tx.nativeUpdate(Action, { id: actionId }, { status: ActionStatus.FAILED, completedAt: new Date(), error: message });
      await appendEvents(tx, [executedEvent(action, { status: ActionStatus.FAILED, error: message })]);
      await settleInvestigations(tx, tenantId, [action.investigationId]);
    });
  }
}

/** `undoAction`: restore what a completed action changed, for the types whose executor can. */
export async function undoAction(ctx: Context, executors: ExecutorRegistry, id: string, rawComment: string | undefined): Promise<Action> {
  requireAdmin(ctx.viewer, 'Undoing an action');
  const comment = checkComment(rawComment);
  const tenantId = ctx.viewer.tenantId;
  if (!isUuid(id)) throw notFound('action', id);
  await ctx.em.fork().transactional(async (tx) => {
    const action = await tx.findOne(Action, { id: id.toLowerCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!action) throw notFound('action', id);
    const undo = executors[action.type].undo;
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

const CANCELLABLE = [
  InvestigationState.STARTING,
  InvestigationState.RUNNING,
  InvestigationState.QUEUED_BY_THROTTLING,
  InvestigationState.PENDING_ACTION,
];

/**
 * `cancelInvestigation`: TERMINATED_BY_USER. A running playbook stops at its next step boundary (the
 * engine re-reads the state); its pending actions are rejected by the system.
 */
export async function cancelInvestigation(
  ctx: Context,
  queue: JobQueue,
  id: string,
  rawComment: string | undefined,
): Promise<Investigation> {
  requireAdmin(ctx.viewer, 'Cancelling an investigation');
  const comment = checkComment(rawComment);
  const tenantId = ctx.viewer.tenantId;
  if (!isUuid(id)) throw notFound('investigation', id);
  const investigationId = id.toLowerCase();
  await ctx.em.fork().transactional(async (tx) => {
    const reason = `cancelled by ${ctx.viewer.sub}${comment ? `: ${comment}` : ''}`;
    const changed = await tx.nativeUpdate(
      Investigation,
      { id: investigationId, state: { $in: CANCELLABLE } },
      { state: InvestigationState.TERMINATED_BY_USER, stateReason: reason, endedAt: new Date() },
    );
    if (!changed) {
      const existing = await tx.findOne(Investigation, { id: investigationId });
      if (!existing) throw notFound('investigation', id);
      throw conflict(`the investigation has already ended: it is ${existing.state}`);
    }
    await recordAudit(tx, actorOf(ctx.viewer), [
      { tenantId, kind: AuditKind.INVESTIGATION_CANCELLED, subjectId: investigationId, comment },
    ]);
    await appendEvents(tx, [
      {
        tenantId,
        investigationId,
        type: EventType.INVESTIGATION_STATE_CHANGED,
        payload: { id: investigationId, state: InvestigationState.TERMINATED_BY_USER, stateReason: reason },
      },
    ]);
    const pending = await tx.find(Action, { investigationId, status: ActionStatus.PENDING_APPROVAL }, { fields: ['id'] });
    await decide(
      tx,
      queue,
      tenantId,
      pending.map((a) => a.id),
      ActionStatus.REJECTED,
      SYSTEM,
      'investigation cancelled',
    );
  });
  return ctx.em.fork().findOneOrFail(Investigation, { id: investigationId });
}

/** `updateAutomationSettings`: the seed's phase 1 (APPROVAL_REQUIRED) and phase 2 (SELECTED_ACTIONS, FULL). */
export async function updateAutomationSettings(
  ctx: Context,
  input: { level: AutomationLevel; actionTypes?: ActionType[]; comment?: string },
): Promise<Tenant> {
  requireAdmin(ctx.viewer, 'Changing automation settings');
  const comment = checkComment(input.comment);
  const types = [...new Set(input.actionTypes ?? [])];
  if (input.level === AutomationLevel.SELECTED_ACTIONS && types.length === 0)
    throw badInput('actionTypes is empty: SELECTED_ACTIONS needs the action types that run without approval');
  const tenantId = ctx.viewer.tenantId;
  await ctx.em.fork().transactional(async (tx) => {
    const tenant = await tx.findOneOrFail(Tenant, { id: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const before = { level: tenant.automationLevel, actionTypes: tenant.automatedActionTypes };
    tenant.automationLevel = input.level;
    if (input.actionTypes) tenant.automatedActionTypes = types;
    await recordAudit(tx, actorOf(ctx.viewer), [
      {
        tenantId,
        kind: AuditKind.AUTOMATION_CHANGED,
        subjectId: tenantId,
        comment,
        details: { before, after: { level: input.level, actionTypes: tenant.automatedActionTypes } },
      },
    ]);
  });
  return ctx.em.fork().findOneOrFail(Tenant, { id: tenantId });
}

/**
 * Expire pending actions past their `expiresAt`, in every tenant (a system sweep, so it names the tenant
 * of each row itself rather than running under one tenant's filter).
 */
export async function expirePendingActions(orm: Orm, queue: JobQueue): Promise<number> {
  const rows = (await orm.em
    .getConnection()
    .execute(
      `select tenant_id, id from actions where status = 'PENDING_APPROVAL' and expires_at < now() order by tenant_id limit 5000`,
    )) as {
    tenant_id: string;
    id: string;
  }[];
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
  let expired = 0;
  for (const [tenantId, ids] of byTenant) {
    const em = tenantEntityManager(orm, tenantId);
    const moved = await em.transactional((tx) =>
      decide(tx, queue, tenantId, ids, ActionStatus.EXPIRED, SYSTEM, 'expired: no decision in time'),
    );
    expired += moved.length;
  }
  return expired;
}
