import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { PageArgs } from '../common/pagination.js';
import { AuditEventConnection } from '../audit/audit.types.js';
import { historyOf } from '../actions/action.service.js';
import { AnalystVerdict } from './analyst-verdict.entity.js';
import { AnalystVerdictConnection, AnalystVerdictInput, AnalystVerdictsArgs } from './analyst-verdict.types.js';
import { listAnalystVerdicts, submitAnalystVerdict } from './analyst-verdict.service.js';

@Resolver(() => AnalystVerdict)
export class AnalystVerdictResolver {
  @Mutation(() => AnalystVerdict, {
    description:
      "Judge a message, sender, URL, domain, file or IP (admins). Later investigations use it as the tenant's own intelligence; " +
      'a later verdict on the same value replaces this one. Audited (ANALYST_VERDICT_GIVEN).',
  })
  submitAnalystVerdict(@Arg('input', () => AnalystVerdictInput) input: AnalystVerdictInput, @Ctx() ctx: Context) {
    return submitAnalystVerdict(ctx, input);
  }

  @Query(() => AnalystVerdictConnection, { description: "The tenant's analyst verdicts, most recently given first." })
  analystVerdicts(@Args(() => AnalystVerdictsArgs) args: AnalystVerdictsArgs, @Ctx() ctx: Context) {
    return listAnalystVerdicts(ctx, args);
  }

  @FieldResolver(() => AuditEventConnection, {
    description: 'Every verdict given on this value, oldest first: its audit entries (each with the verdict it replaced).',
  })
  history(@Root() verdict: AnalystVerdict, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return historyOf(ctx, verdict.id, args);
  }
}
