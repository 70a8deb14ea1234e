import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { ActionConnection } from '../investigations/investigation.types.js';
import { Action } from './action.entity.js';
import { decideActions } from './decision.service.js';
import { undoAction } from './execution.service.js';
import { actionHistory } from './action.service.js';
import { ActionDecisionResult, ActionHistoryArgs } from './decision.types.js';

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
    return undoAction(ctx, id, comment);
  }

  @Query(() => ActionConnection, {
    description: 'The action centre history: decided actions across investigations, newest decision first.',
  })
  actionHistory(@Args(() => ActionHistoryArgs) args: ActionHistoryArgs, @Ctx() ctx: Context) {
    return actionHistory(ctx, args);
  }
}
