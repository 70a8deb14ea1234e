import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { AlertConnection } from '../investigations/investigation.types.js';
import { Alert } from './alert.entity.js';
import { AlertsArgs } from './alert.types.js';
import { listAlerts } from './alert.service.js';

@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, { description: 'Alerts of the tenant, newest first.' })
  alerts(@Args(() => AlertsArgs) args: AlertsArgs, @Ctx() ctx: Context) {
    return listAlerts(ctx, args);
  }

  @FieldResolver(() => Investigation, { nullable: true, description: 'The investigation the alert started or was correlated to.' })
  investigation(@Root() alert: Alert, @Ctx() ctx: Context) {
    return alert.investigationId ? ctx.loaders.byId(Investigation).load(alert.investigationId) : null;
  }
}
