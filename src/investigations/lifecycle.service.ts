/**
 * The investigation lifecycle: every state transition of an investigation, in one place.
 *
 *   open ──► STARTING ─(worker)─► RUNNING ─► NO_THREATS_FOUND | FAILED
 *     │         ▲                    │
 *     ▼         │ release            ▼
 *   QUEUED_BY_THROTTLING        PENDING_ACTION ─(no action open)─► REMEDIATED | PARTIALLY_REMEDIATED
 *                                    │                              | TERMINATED_BY_SYSTEM
 *   any open state ─(cancel)─► TERMINATED_BY_USER
 *
 * Two rules hold it together:
 * - **Room is given back where it is freed.** A tenant's throttle counts PENDING_ACTION investigations;
 *   every transition that can leave that state (settle, cancel) or end a run calls `releaseThrottled` in
 *   the same transaction, so a queued investigation starts in the commit that made room for it. A
 *   periodic `reconcile` (and every worker start) repairs anything a crash left behind.
 * - **One lock order.** Every transition takes the tenant's lifecycle lock (a transaction-scoped
 *   advisory lock) before it touches an investigation or decides an action. Settling also locks the
 *   investigation rows before counting their open actions: two actions completing at once on two
 *   workers then settle one after the other, and the second sees the first's COMPLETED (under READ
 *   COMMITTED each statement reads what committed before it; without the lock both counted the other
 *   as RUNNING and neither settled). Action execution (actions/execution.service.ts) takes the lock only
 *   when it settles, after its own rows: nothing that takes the lock first ever waits on those rows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/database.js';
import { sql } from '../db/sql.js';
import { tenantEntityManager, type Context } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { requireAdmin } from '../auth/viewer.js';
import { actorOf, AuditKind, checkComment, recordAudit, SYSTEM } from '../audit/audit.service.js';
import { isUuid } from '../common/lookup.js';
import { Action } from '../actions/action.entity.js';
import { decide } from '../actions/decide.js';
import { ACTIVE_STATES, InvestigationState, OPEN_STATES, type Playbook } from '../domain/investigation.js';
import { ActionStatus, OPEN_ACTION_STATUSES } from '../domain/action.js';
import { appendEvents, EventType, type EventInput } from '../realtime/outbox.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { JobQueue } from '../jobs/queue.js';
import { Investigation } from './investigation.entity.js';

/** Serialise the tenant's transitions (and intake, which decides throttling): see the lock order above. */
export async function lockLifecycle(tx: EntityManager, tenantId: string): Promise<void> {
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`air:lifecycle:${tenantId}`]);
}

const stateEvent = (tenantId: string, id: string, state: InvestigationState, stateReason?: string): EventInput => ({
  tenantId,
  investigationId: id,
  type: EventType.INVESTIGATION_STATE_CHANGED,
  payload: { id, state, ...(stateReason ? { stateReason } : {}) },
});

/**
 * A new investigation for an alert: STARTING with its job enqueued in this transaction, or
 * QUEUED_BY_THROTTLING when the tenant already has its maximum of investigations waiting on actions.
 * The caller holds the lifecycle lock (intake takes it before looking for an investigation to join).
 */
export async function openInvestigation(
  tx: EntityManager,
  queue: JobQueue,
  init: { tenantId: string; playbook: Playbook; title: string; subject?: string; triggeringAlertId: string },
): Promise<Investigation> {
  const { tenantId } = init;
  const throttled = (await roomFor(tx, tenantId)) <= 0;
  const investigation = tx.create(Investigation, {
    ...init,
    state: throttled ? InvestigationState.QUEUED_BY_THROTTLING : InvestigationState.STARTING,
    createdAt: new Date(),
  });
  await tx.flush();
  await appendEvents(tx, [
    {
      tenantId,
      investigationId: investigation.id,
      type: EventType.INVESTIGATION_CREATED,
      payload: { id: investigation.id, playbook: init.playbook, state: investigation.state, title: investigation.title },
    },
  ]);
  if (!throttled) await queue.enqueueInvestigation({ tenantId, investigationId: investigation.id }, tx);
  return investigation;
}

/** How many more investigations may wait on actions before new ones queue. */
async function roomFor(tx: EntityManager, tenantId: string): Promise<number> {
  const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  return tenant.maxPendingInvestigations - (await tx.count(Investigation, { state: InvestigationState.PENDING_ACTION }));
}

/** Start queued investigations, oldest first, while the tenant has room; in the caller's transaction. */
export async function releaseThrottled(tx: EntityManager, queue: JobQueue, tenantId: string): Promise<number> {
  await lockLifecycle(tx, tenantId);
  const room = await roomFor(tx, tenantId);
  if (room <= 0) return 0;
  const queued = await sql<{ id: string }>(
    tx,
    `update investigations set state = 'STARTING' where id in (
       select id from investigations where tenant_id = ? and state = 'QUEUED_BY_THROTTLING' order by created_at, id limit ?)
     returning id`,
    [tenantId, room],
  );
  for (const { id } of queued) await queue.enqueueInvestigation({ tenantId, investigationId: id }, tx);
  await appendEvents(
    tx,
    queued.map(({ id }) => stateEvent(tenantId, id, InvestigationState.STARTING)),
  );
  return queued.length;
}

/** The worker picked the investigation up: RUNNING (once), in the transaction that writes its log. */
export async function markRunning(tx: EntityManager, investigation: Investigation): Promise<void> {
  if (investigation.state === InvestigationState.RUNNING) return;
  await tx.nativeUpdate(
    Investigation,
    { id: investigation.id, tenantId: investigation.tenantId, state: { $in: [...ACTIVE_STATES] } },
    { state: InvestigationState.RUNNING, startedAt: investigation.startedAt ?? new Date() },
  );
  await appendEvents(tx, [stateEvent(investigation.tenantId, investigation.id, InvestigationState.RUNNING)]);
}

/**
 * The playbook ran to its end: NO_THREATS_FOUND, PARTIALLY_INVESTIGATED (threats found, nothing to
 * remediate), FAILED, or PENDING_ACTION — which settles at once when
 * the automation policy already ran every action. Only an investigation still active moves (a cancelled
 * one stays cancelled). Returns whether it moved.
 */
/** Where a run of the playbook can leave an investigation. */
export type FinalRunState =
  | InvestigationState.NO_THREATS_FOUND
  | InvestigationState.PARTIALLY_INVESTIGATED
  | InvestigationState.FAILED
  | InvestigationState.PENDING_ACTION;

export async function finishRun(
  tx: EntityManager,
  queue: JobQueue,
  investigation: Pick<Investigation, 'id' | 'tenantId'>,
  state: FinalRunState,
  reason?: string,
): Promise<boolean> {
  const { tenantId, id } = investigation;
  await lockLifecycle(tx, tenantId);
  const ends = state !== InvestigationState.PENDING_ACTION;
  const changed = await tx.nativeUpdate(
    Investigation,
    { id, tenantId, state: { $in: [...ACTIVE_STATES] } },
    { state, stateReason: reason, ...(ends ? { endedAt: new Date() } : {}) },
  );
  if (!changed) return false;
  await appendEvents(tx, [stateEvent(tenantId, id, state, reason)]);
  if (state === InvestigationState.PENDING_ACTION) await settleInvestigations(tx, queue, tenantId, [id]);
  return true;
}

/**
 * An investigation waiting on its actions ends once none is open: REMEDIATED when all ran,
 * TERMINATED_BY_SYSTEM when none ran and some expired, PARTIALLY_REMEDIATED otherwise (some rejected,
 * failed or expired). Race-free: see the lock order at the top. Frees room, so it releases the queue.
 */
export async function settleInvestigations(
  tx: EntityManager,
  queue: JobQueue,
  tenantId: string,
  investigationIds: string[],
): Promise<string[]> {
  if (investigationIds.length === 0) return [];
  await lockLifecycle(tx, tenantId);
  // Row locks too, in id order: the count below must see every action that committed before them.
  await sql(tx, `select id from investigations where tenant_id = ? and id = any(?::uuid[]) order by id for update`, [
    tenantId,
    investigationIds,
  ]);
  const settled = await sql<{ id: string; state: InvestigationState }>(
    tx,
    `with s as (
       select investigation_id,
              count(*) filter (where status = any(?::action_status[])) as open,
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
    [OPEN_ACTION_STATUSES, tenantId, investigationIds, tenantId],
  );
  await appendEvents(
    tx,
    settled.map((r) => stateEvent(tenantId, r.id, r.state)),
  );
  if (settled.length) await releaseThrottled(tx, queue, tenantId);
  return settled.map((r) => r.id);
}

/**
 * TERMINATED_BY_USER, from any open state. A running playbook stops at its next step boundary (the
 * engine re-reads the state). The caller rejects the pending actions and writes the audit entry in the
 * same transaction. Returns false when the investigation had already ended (or is not in this tenant).
 */
export async function terminateByUser(
  tx: EntityManager,
  queue: JobQueue,
  tenantId: string,
  investigationId: string,
  reason: string,
): Promise<boolean> {
  await lockLifecycle(tx, tenantId);
  const changed = await tx.nativeUpdate(
    Investigation,
    { id: investigationId, tenantId, state: { $in: [...OPEN_STATES] } },
    { state: InvestigationState.TERMINATED_BY_USER, stateReason: reason, endedAt: new Date() },
  );
  if (!changed) return false;
  await appendEvents(tx, [stateEvent(tenantId, investigationId, InvestigationState.TERMINATED_BY_USER, reason)]);
  await releaseThrottled(tx, queue, tenantId);
  return true;
}

/**
 * Repair what a crash or a lost race left: settle every PENDING_ACTION investigation whose actions are
 * all closed, and start queued investigations wherever there is room. Runs on a schedule and when a
 * worker starts; cheap when there is nothing to do (two indexed queries).
 */
export async function reconcile(orm: Orm, queue: JobQueue): Promise<{ settled: number; released: number }> {
  const stuck = await sql<{ tenant_id: string; id: string }>(
    orm.em.fork(),
    `select i.tenant_id, i.id from investigations i
     where i.state = 'PENDING_ACTION'
       and not exists (select 1 from actions a where a.tenant_id = i.tenant_id and a.investigation_id = i.id
                       and a.status = any(?::action_status[]))
     limit 1000`,
    [OPEN_ACTION_STATUSES],
  );
  const queued = await sql<{ tenant_id: string }>(
    orm.em.fork(),
    `select distinct tenant_id from investigations where state = 'QUEUED_BY_THROTTLING'`,
  );
  const tenants = new Map<string, string[]>();
  for (const r of stuck) tenants.set(r.tenant_id, [...(tenants.get(r.tenant_id) ?? []), r.id]);
  for (const r of queued) if (!tenants.has(r.tenant_id)) tenants.set(r.tenant_id, []);
  let settled = 0;
  let released = 0;
  for (const [tenantId, ids] of tenants) {
    await tenantEntityManager(orm, tenantId).transactional(async (tx) => {
      settled += (await settleInvestigations(tx, queue, tenantId, ids)).length;
      released += await releaseThrottled(tx, queue, tenantId);
    });
  }
  return { settled, released };
}

/**
 * `cancelInvestigation`: TERMINATED_BY_USER. A running playbook stops at its next step boundary (the
 * engine re-reads the state); its pending actions are rejected by the system; the queue moves up.
 */
export async function cancelInvestigation(ctx: Context, id: string, rawComment: string | undefined): Promise<Investigation> {
  requireAdmin(ctx.viewer, 'Cancelling an investigation');
  const comment = checkComment(rawComment);
  const tenantId = ctx.viewer.tenantId;
  const { queue } = ctx.services;
  if (!isUuid(id)) throw notFound('investigation', id);
  const investigationId = id.toLowerCase();
  await ctx.em.fork().transactional(async (tx) => {
    const reason = `cancelled by ${ctx.viewer.sub}${comment ? `: ${comment}` : ''}`;
    if (!(await terminateByUser(tx, queue, tenantId, investigationId, reason))) {
      const existing = await tx.findOne(Investigation, { id: investigationId });
      if (!existing) throw notFound('investigation', id);
      throw conflict(`the investigation has already ended: it is ${existing.state}`);
    }
    await recordAudit(tx, actorOf(ctx.viewer), [
      { tenantId, kind: AuditKind.INVESTIGATION_CANCELLED, subjectId: investigationId, comment },
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
