import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { ActionConnection } from '../investigations/investigation.types.js';
import { Action } from './action.entity.js';
import { BUILTIN_EXECUTORS } from './builtin.executor.js';
import { cancelInvestigation, decideActions, undoAction, updateAutomationSettings } from './decision.service.js';
import { actionHistory, auditEvents } from './action.service.js';
import {
  ActionDecisionResult,
  ActionHistoryArgs,
  AuditEventConnection,
  AuditEventsArgs,
  AutomationSettingsInput,
} from './decision.types.js';

@Resolver()
export class DecisionResolver {
  @Mutation(() => [ActionDecisionResult], { description: 'Approve actions: each starts remediation at once. Answered per id.' })
  approveActions(
    @Arg('ids', () => [ID]) ids: string[],
    @Arg('comment', () => String, { nullable: true }) comment: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return decideActions(ctx, ids, true, comment);
  }

  @Mutation(() => [ActionDecisionResult], { description: 'Reject actions. Answered per id.' })
  rejectActions(
    @Arg('ids', () => [ID]) ids: string[],
    @Arg('comment', () => String, { nullable: true }) comment: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return decideActions(ctx, ids, false, comment);
  }

  @Mutation(() => Action, { description: 'Undo a completed action: restore the messages, lift the block, re-enable the rule.' })
  undoAction(
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return undoAction(ctx, BUILTIN_EXECUTORS, id, comment);
  }

  @Mutation(() => Investigation, { description: 'Stop an investigation at its next step boundary; its pending actions are rejected.' })
  cancelInvestigation(
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return cancelInvestigation(ctx, ctx.services.queue, id, comment);
  }

  @Mutation(() => Tenant, { description: "Set the tenant's automation level (the seed's phase 1 or 2)." })
  updateAutomationSettings(@Arg('input', () => AutomationSettingsInput) input: AutomationSettingsInput, @Ctx() ctx: Context) {
    return updateAutomationSettings(ctx, input);
  }

  @Query(() => Tenant, { description: "The viewer's organisation and its automation settings." })
  organisation(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(Tenant, { id: ctx.viewer.tenantId });
  }

  @Query(() => ActionConnection, {
    description: 'The action centre history: decided actions across investigations, newest decision first.',
  })
  actionHistory(@Args(() => ActionHistoryArgs) args: ActionHistoryArgs, @Ctx() ctx: Context) {
    return actionHistory(ctx, args);
  }

  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (admins).' })
  auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() ctx: Context) {
    return auditEvents(ctx, args);
  }
}
