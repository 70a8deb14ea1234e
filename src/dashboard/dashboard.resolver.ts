import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Dashboard } from './dashboard.types.js';
import { dashboardOf } from './dashboard.service.js';

@Resolver()
export class DashboardResolver {
  @Query(() => Dashboard, { description: 'Counts for the AIR widgets.' })
  dashboard(
    @Arg('since', () => Date, { nullable: true, description: 'Default: 30 days ago.' }) since: Date | undefined,
    @Ctx() ctx: Context,
  ) {
    return dashboardOf(ctx, since ?? undefined);
  }
}
