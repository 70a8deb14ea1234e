import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TenantOwned } from '../db/base.entity.js';
import { Phase, StepStatus } from '../domain/investigation.js';
import { Investigation } from './investigation.entity.js';

@ObjectType({ description: 'One playbook step as it ran: the investigation log.' })
@Entity({ tableName: 'log_steps' })
@Unique({ properties: ['investigationId', 'key'] })
export class LogStep extends TenantOwned {
  @ManyToOne(() => Investigation, { mapToPk: true, fieldName: 'investigation_id', deleteRule: 'cascade' })
  investigationId!: string;

  @Field(() => Int, { description: 'Position of the step in its playbook.' })
  @Property({ type: 'integer' })
  seq!: number;

  @Field(() => Phase)
  @Enum({ items: () => Phase, nativeEnumName: 'phase' })
  phase!: Phase;

  @Field(() => String)
  @Property({ type: 'text' })
  key!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Field(() => StepStatus)
  @Enum({ items: () => StepStatus, nativeEnumName: 'step_status', default: StepStatus.PENDING })
  status: Opt<StepStatus> = StepStatus.PENDING;

  @Field(() => Int, { description: 'Percent done, 0–100.' })
  @Property({ type: 'smallint', default: 0 })
  progress: Opt<number> = 0;

  @Field(() => String, { nullable: true, description: 'The latest progress message.' })
  @Property({ type: 'text', nullable: true })
  progressMessage?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  endedAt?: Date;

  @Field(() => GraphQLJSONObject, { description: 'What the step found, as shown in the log.' })
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  findings: Opt<Record<string, unknown>> = {};

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string;
}
