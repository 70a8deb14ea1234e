import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { PageArgs } from '../common/pagination.js';
import { Action } from './action.entity.js';
import { ActionSource, ActionType, DecisionOutcome, TimePeriod } from '../domain/action.js';

@ObjectType({ description: 'The answer for one id of approveActions / rejectActions.' })
export class ActionDecisionResult {
  @Field(() => ID)
  id!: string;
  @Field(() => DecisionOutcome)
  outcome!: DecisionOutcome;
  @Field(() => String)
  message!: string;
  @Field(() => Action, { nullable: true, description: 'The action as it is now (absent when not found).' })
  action?: Action;
}

@InputType({ description: 'Filters of the action history. Omitted fields do not filter.' })
export class ActionHistoryFilter {
  @Field(() => [ActionType], { nullable: true })
  types?: ActionType[];
  @Field(() => ActionSource, { nullable: true, description: 'AUTOMATED (the policy, expiry, cancel) or MANUAL (a person).' })
  source?: ActionSource;
  @Field(() => ID, { nullable: true })
  investigationId?: string;
  @Field(() => TimePeriod, { nullable: true, description: 'Decided within this period.' })
  period?: TimePeriod;
}

@ArgsType()
export class ActionHistoryArgs extends PageArgs {
  @Field(() => ActionHistoryFilter, { nullable: true })
  filter?: ActionHistoryFilter;
}
