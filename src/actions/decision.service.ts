/**
 * Decisions on recommended actions: `approveActions` / `rejectActions` by an admin, and the tenant's
 * automation policy deciding in the transaction that recommends them. The write itself is `decide`
 * (decide.ts); what a rejection does to the investigation is the lifecycle's (settle).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../db/sql.js';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { requireAdmin } from '../auth/viewer.js';
import { actorOf, checkComment, SYSTEM } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/queue.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { AutomationLevel } from '../domain/tenant.js';
import { lockLifecycle, settleInvestigations } from '../investigations/lifecycle.service.js';
import { Action } from './action.entity.js';
import { ActionStatus, ActionType, DecisionOutcome } from '../domain/action.js';
import { isUuid } from '../common/lookup.js';
import { decide } from './decide.js';

/**
 * A campaign larger than this is never remediated without a human (DESIGN.md, "Email cluster"): counted
 * as the distinct MALICIOUS members of all the investigation's clusters, so a wave cannot slip through
 * as several sub-clusters under the limit.
 */
export const MAX_AUTOMATIC_CLUSTER = 10_000;
const MAX_IDS = 500;

export interface DecisionResult {
  id: string;
  outcome: DecisionOutcome;
  message: string;
  action?: Action;
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
  const { queue } = ctx.services;
  const decided = await ctx.em.fork().transactional(async (tx) => {
    await lockLifecycle(tx, tenantId);
    const rows = await decide(tx, queue, tenantId, valid, status, actorOf(ctx.viewer), comment);
    // A rejection may close an investigation's last open action (an approval's job settles it when it ends).
    if (!approve) await settleInvestigations(tx, queue, tenantId, [...new Set(rows.map((r) => r.investigation_id))]);
    return rows;
  });
  const moved = new Set(decided.map((r) => r.id));
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
 * transaction that recommends them. An action the playbook marked `humanRequired` (a member without strong
 * evidence of its own, an internal or established sender) and an email action of a campaign over
 * MAX_AUTOMATIC_CLUSTER messages always wait for a human.
 */
export async function approveByPolicy(tx: EntityManager, queue: JobQueue, tenantId: string, actionIds: string[]): Promise<number> {
  const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  if (tenant.automationLevel === AutomationLevel.APPROVAL_REQUIRED || actionIds.length === 0) return 0;
  const types = tenant.automationLevel === AutomationLevel.FULL ? Object.values(ActionType) : tenant.automatedActionTypes;
  const eligible = await sql<{ id: string }>(
    tx,
    `select a.id from actions a
     where a.tenant_id = ? and a.id = any(?::uuid[]) and a.type::text = any(?::text[]) and a.human_required is null
       and (a.cluster_id is null or (
         select count(distinct cm.message_id) from email_clusters c
         join email_cluster_members cm on cm.cluster_id = c.id and cm.tenant_id = c.tenant_id and cm.verdict = 'MALICIOUS'
         where c.tenant_id = a.tenant_id and c.investigation_id = a.investigation_id) <= ?)`,
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
