import { Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { PageArgs, toConnection } from '../common/pagination.js';
import { selects } from '../common/selection.js';
import { actedOnVerdicts, movedFrom } from '../domain/action.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { EmailCluster } from '../investigations/email-cluster.entity.js';
import { ActionConnection, EmailMessageConnection } from '../investigations/investigation.types.js';
import { clusterMessages } from '../investigations/investigation.service.js';
import { Action } from './action.entity.js';
import { PendingActionsArgs } from './action.types.js';
import { historyOf, listPendingActions } from './action.service.js';
import { AuditEventConnection } from '../audit/audit.types.js';

@Resolver(() => Action)
export class ActionResolver {
  @Query(() => ActionConnection, { description: 'The action centre: actions awaiting approval across investigations.' })
  pendingActions(@Args(() => PendingActionsArgs) args: PendingActionsArgs, @Ctx() ctx: Context) {
    return listPendingActions(ctx, args);
  }

  @FieldResolver(() => AuditEventConnection, {
    description: 'Who decided, undid or expired it, when and why: its audit entries, oldest first.',
  })
  history(@Root() action: Action, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return historyOf(ctx, action.id, args);
  }

  @FieldResolver(() => Investigation)
  investigation(@Root() action: Action, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Investigation).load(action.investigationId);
  }

  @FieldResolver(() => EmailCluster, { nullable: true, description: 'For email actions: the cluster whose messages it acts on.' })
  cluster(@Root() action: Action, @Ctx() ctx: Context) {
    return action.clusterId ? ctx.loaders.byId(EmailCluster).load(action.clusterId) : null;
  }

  @FieldResolver(() => EmailMessageConnection, {
    description:
      'The messages this action would move if it ran now, to check before approving: for SOFT_DELETE_EMAILS, ' +
      "HARD_DELETE_EMAILS and MOVE_TO_JUNK, its cluster's messages still in INBOX or JUNK and not already where " +
      'it moves them (mail quarantined or deleted since is left alone) — the query its executor runs. Empty for ' +
      'other action types, and once the action has run.',
  })
  async messages(@Root() action: Action, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const locations = movedFrom(action.type);
    const cluster = action.clusterId && locations.length > 0 ? await ctx.loaders.byId(EmailCluster).load(action.clusterId) : null;
    return cluster
      ? clusterMessages(ctx, cluster.id, args, {
          withBody: selects(info, ['edges', 'node', 'body']) || selects(info, ['edges', 'node', 'quoted']),
          locations,
          // The executor moves only the members its cluster's verdict acts on, each judged on its own evidence.
          verdicts: actedOnVerdicts(cluster.verdict),
        })
      : toConnection(
          [],
          0,
          () => ({ key: 0, id: '' }),
          async () => 0,
        );
  }
}
