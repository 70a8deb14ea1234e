import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Tenant } from './tenant.entity.js';
import { AutomationSettingsInput } from './tenant.types.js';
import { updateAutomationSettings } from './automation.service.js';

@Resolver()
export class TenantResolver {
  @Mutation(() => Tenant, { description: "Set the tenant's automation level (the seed's phase 1 or 2)." })
  updateAutomationSettings(@Arg('input', () => AutomationSettingsInput) input: AutomationSettingsInput, @Ctx() ctx: Context) {
    return updateAutomationSettings(ctx, input);
  }

  @Query(() => Tenant, { description: "The viewer's organisation and its automation settings." })
  organisation(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(Tenant, { id: ctx.viewer.tenantId });
  }
}
