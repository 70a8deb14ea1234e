import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../common/pagination.js';
import { ActionStatus, ActionType, TimePeriod } from '../domain/action.js';

@InputType({ description: 'Filters of the action centre. Omitted fields do not filter.' })
export class ActionFilter {
  @Field(() => [ActionType], { nullable: true })
  types?: ActionType[];
  @Field(() => ID, { nullable: true })
  investigationId?: string;
  @Field(() => Date, { nullable: true, description: 'Recommended at or after this instant.' })
  createdAfter?: Date;
  @Field(() => TimePeriod, { nullable: true, description: 'Recommended within this period.' })
  period?: TimePeriod;
}

@ArgsType()
export class PendingActionsArgs extends PageArgs {
  @Field(() => ActionFilter, { nullable: true })
  filter?: ActionFilter;
}

@ArgsType()
export class InvestigationActionsArgs extends PageArgs {
  @Field(() => [ActionStatus], { nullable: true })
  statuses?: ActionStatus[];
}
