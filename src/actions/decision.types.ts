import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType, PageArgs } from '../common/pagination.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Action } from './action.entity.js';
import { ActionSource, ActionType, DecisionOutcome, TimePeriod } from '../domain/action.js';
import { AutomationLevel } from '../domain/tenant.js';

const PERIOD_MS: Record<TimePeriod, number> = {
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
  DAYS_30: 30 * 86_400_000,
  MONTHS_6: 182 * 86_400_000,
};
export const periodStart = (p: TimePeriod) => new Date(Date.now() - PERIOD_MS[p]);

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

@InputType({ description: 'The seed phase 1 (APPROVAL_REQUIRED) or phase 2 (SELECTED_ACTIONS with actionTypes, or FULL).' })
export class AutomationSettingsInput {
  @Field(() => AutomationLevel)
  level!: AutomationLevel;
  @Field(() => [ActionType], { nullable: true, description: 'Types that run without approval under SELECTED_ACTIONS.' })
  actionTypes?: ActionType[];
  @Field(() => String, { nullable: true })
  comment?: string;
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

@InputType()
export class AuditEventFilter {
  @Field(() => [String], { nullable: true, description: 'e.g. ACTION_APPROVED, AUTOMATION_CHANGED.' })
  kinds?: string[];
  @Field(() => ID, { nullable: true, description: 'The action, investigation or tenant acted on.' })
  subjectId?: string;
  @Field(() => TimePeriod, { nullable: true })
  period?: TimePeriod;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter;
}

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');
