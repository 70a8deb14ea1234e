import { Arg, Args, Ctx, FieldResolver, Float, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { cancelInvestigation } from './lifecycle.service.js';
import type { Context } from '../context.js';
import { PageArgs } from '../common/pagination.js';
import { nodeFields, selects, selectsTotal } from '../common/selection.js';
import { Alert } from '../alerts/alert.entity.js';
import { alertsOf } from '../alerts/alert.service.js';
import { actionsOf } from '../actions/action.service.js';
import { InvestigationActionsArgs } from '../actions/action.types.js';
import { Investigation } from './investigation.entity.js';
import { EmailCluster } from './email-cluster.entity.js';
import { LogStep } from './log-step.entity.js';
import { EntityKind } from '../domain/investigation.js';
import {
  ActionConnection,
  AlertConnection,
  ClusterMemberConnection,
  ClusterMembersArgs,
  EmailClusterConnection,
  EmailMessageConnection,
  EntitiesArgs,
  InvestigationConnection,
  InvestigationEntityConnection,
  InvestigationGraph,
  InvestigationsArgs,
  InvestigationTimings,
} from './investigation.types.js';
import {
  clusterMembers,
  clusterMessages,
  clustersOf,
  entitiesOf,
  getInvestigation,
  graphOf,
  listInvestigations,
  logStepsOf,
  timingsOf,
} from './investigation.service.js';

@Resolver(() => Investigation)
export class InvestigationResolver {
  @Query(() => InvestigationConnection, { description: 'The main investigation page: newest first, filtered.' })
  investigations(@Args(() => InvestigationsArgs) args: InvestigationsArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return listInvestigations(ctx, args, selectsTotal(info));
  }

  @Query(() => Investigation, { description: 'One investigation; NOT_FOUND for an id of another tenant, as for a missing one.' })
  investigation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return getInvestigation(ctx, id);
  }

  @FieldResolver(() => Alert, { nullable: true })
  triggeringAlert(@Root() investigation: Investigation, @Ctx() ctx: Context) {
    return investigation.triggeringAlertId ? ctx.loaders.byId(Alert).load(investigation.triggeringAlertId) : null;
  }

  @FieldResolver(() => AlertConnection, { description: 'The triggering alert and every correlated alert.' })
  alerts(@Root() investigation: Investigation, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return alertsOf(ctx, investigation.id, args);
  }

  @FieldResolver(() => InvestigationTimings)
  timings(@Root() investigation: Investigation, @Ctx() ctx: Context) {
    return timingsOf(ctx, investigation);
  }

  @FieldResolver(() => InvestigationGraph)
  graph(@Root() investigation: Investigation, @Ctx() ctx: Context) {
    return graphOf(ctx, investigation.id);
  }

  @FieldResolver(() => InvestigationEntityConnection)
  entities(
    @Root() investigation: Investigation,
    @Args(() => EntitiesArgs) args: EntitiesArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return entitiesOf(ctx, investigation.id, args, selectsTotal(info), nodeFields(info));
  }

  @FieldResolver(() => EmailClusterConnection)
  emailClusters(
    @Root() investigation: Investigation,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return clustersOf(ctx, investigation.id, args, selectsTotal(info), nodeFields(info));
  }

  @FieldResolver(() => InvestigationEntityConnection, { description: 'The users tab: entities of kind USER.' })
  users(@Root() investigation: Investigation, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return entitiesOf(ctx, investigation.id, { ...args, kinds: [EntityKind.USER] }, selectsTotal(info), nodeFields(info));
  }

  @FieldResolver(() => InvestigationEntityConnection, { description: 'The machines tab: entities of kind MACHINE.' })
  machines(
    @Root() investigation: Investigation,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return entitiesOf(ctx, investigation.id, { ...args, kinds: [EntityKind.MACHINE] }, selectsTotal(info), nodeFields(info));
  }

  @FieldResolver(() => [LogStep], { description: 'The log tab: every playbook step, in playbook order.' })
  // Every column: the steps are few, and `timings` reads the same ones (one statement for both).
  logSteps(@Root() investigation: Investigation, @Ctx() ctx: Context) {
    return logStepsOf(ctx, investigation.id);
  }

  @FieldResolver(() => ActionConnection, { description: 'The actions tab.' })
  actions(
    @Root() investigation: Investigation,
    @Args(() => InvestigationActionsArgs) args: InvestigationActionsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return actionsOf(ctx, investigation.id, args, selectsTotal(info), nodeFields(info));
  }

  @Mutation(() => Investigation, { description: 'Stop an investigation at its next step boundary; its pending actions are rejected.' })
  cancelInvestigation(
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | undefined,
    @Ctx() ctx: Context,
  ) {
    return cancelInvestigation(ctx, id, comment);
  }
}

@Resolver(() => EmailCluster)
export class EmailClusterResolver {
  @FieldResolver(() => EmailMessageConnection, {
    description: 'Every message the cluster covers, wherever it is now (an action on it lists the ones it would move).',
  })
  messages(@Root() cluster: EmailCluster, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return clusterMessages(ctx, cluster.id, args, {
      withBody: selects(info, ['edges', 'node', 'body']) || selects(info, ['edges', 'node', 'quoted']),
    });
  }

  @FieldResolver(() => ClusterMemberConnection, {
    description: 'The messages with their own verdicts and evidence: remediating the cluster acts on the MALICIOUS ones only.',
  })
  members(
    @Root() cluster: EmailCluster,
    @Args(() => ClusterMembersArgs) args: ClusterMembersArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return clusterMembers(ctx, cluster.id, args, {
      withBody: selects(info, ['edges', 'node', 'message', 'body']) || selects(info, ['edges', 'node', 'message', 'quoted']),
      verdicts: args.verdicts,
    });
  }
}

@Resolver(() => LogStep)
export class LogStepResolver {
  @FieldResolver(() => Float, { nullable: true, description: 'Seconds from start to end; null until the step ends.' })
  durationSeconds(@Root() step: LogStep) {
    return step.startedAt && step.endedAt ? (step.endedAt.getTime() - step.startedAt.getTime()) / 1000 : null;
  }
}
