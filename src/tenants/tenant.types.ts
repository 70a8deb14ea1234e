import { Field, InputType } from 'type-graphql';
import { ActionType } from '../domain/action.js';
import { AutomationLevel } from '../domain/tenant.js';

@InputType({ description: 'The seed phase 1 (APPROVAL_REQUIRED) or phase 2 (SELECTED_ACTIONS with actionTypes, or FULL).' })
export class AutomationSettingsInput {
  @Field(() => AutomationLevel)
  level!: AutomationLevel;
  @Field(() => [ActionType], { nullable: true, description: 'Types that run without approval under SELECTED_ACTIONS.' })
  actionTypes?: ActionType[];
  @Field(() => String, { nullable: true })
  comment?: string;
}
