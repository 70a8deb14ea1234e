import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { Action } from './action.entity.js';
import { ActionPreview, DEFAULT_PREVIEW_TOP, MAX_PREVIEW_TOP } from './preview.types.js';
import { previewAction } from './preview.service.js';

/** Each preview is an aggregate over up to a campaign's messages: it costs like a body (10), plus what it selects. */
const PREVIEW_COST = 10;

@Resolver(() => Action)
export class ActionPreviewResolver {
  @FieldResolver(() => ActionPreview, {
    complexity: ({ childComplexity }) => PREVIEW_COST + childComplexity,
    description:
      'What the action would touch if it ran now: for email actions the messages it would move (the set `messages` lists), ' +
      'counted by mailbox, sender, location and verdict; for block actions the messages that carry the target; for user, ' +
      'rule and machine actions its targets.',
  })
  preview(
    @Root() action: Action,
    @Ctx() ctx: Context,
    @Arg('top', () => Int, {
      nullable: true,
      description: `How many mailboxes and senders to name, 1–${MAX_PREVIEW_TOP}. Default ${DEFAULT_PREVIEW_TOP}.`,
    })
    top?: number,
  ) {
    return previewAction(ctx, action, top);
  }
}
