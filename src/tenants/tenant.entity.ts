import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AutomationLevel } from '../domain/tenant.js';
import { v7 as uuidv7 } from 'uuid';

@ObjectType({ description: 'An organisation. Named by the tenant claim of a token; created empty when first seen.' })
@Entity({ tableName: 'tenants' })
export class Tenant {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = uuidv7();

  @Field(() => String)
  @Property({ type: 'text', unique: true })
  name!: string;

  @Field(() => AutomationLevel)
  @Enum({ items: () => AutomationLevel, nativeEnumName: 'automation_level', default: AutomationLevel.APPROVAL_REQUIRED })
  automationLevel: Opt<AutomationLevel> = AutomationLevel.APPROVAL_REQUIRED;

  @Field(() => [String], { description: 'Action types that run without approval when automationLevel is SELECTED_ACTIONS.' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  automatedActionTypes: Opt<string[]> = [];

  @Field(() => Int, { description: 'Past this many investigations awaiting action, new ones wait QUEUED_BY_THROTTLING.' })
  @Property({ type: 'integer', default: 50 })
  maxPendingInvestigations: Opt<number> = 50;

  @Field(() => Int, { description: 'Hours a recommended action may wait for a decision before it expires.' })
  @Property({ type: 'integer', default: 168 })
  pendingActionTtlHours: Opt<number> = 168;

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
