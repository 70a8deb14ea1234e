import { LockMode } from '@mikro-orm/core';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { requireAdmin } from '../auth/viewer.js';
import { actorOf, AuditKind, checkComment, recordAudit } from '../audit/audit.service.js';
import { AutomationLevel } from '../domain/tenant.js';
import type { ActionType } from '../domain/action.js';
import { Tenant } from './tenant.entity.js';

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
