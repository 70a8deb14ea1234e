import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TenantOwned } from '../db/base.entity.js';
import { EntityKind } from '../domain/investigation.js';
import { Investigation } from '../investigations/investigation.entity.js';
import { EmailCluster } from '../investigations/email-cluster.entity.js';
import { ActionSource, ActionStatus, ActionType } from '../domain/action.js';
import { listOf } from '../common/query-cost.js';

@ObjectType({ description: 'What an action acts on (besides the messages of its cluster).' })
export class ActionTarget {
  @Field(() => EntityKind)
  kind!: EntityKind;
  @Field(() => String)
  value!: string;
  @Field(() => String, { nullable: true, description: 'The `id` the target record was ingested with.' })
  externalId?: string;
}

@ObjectType({ description: 'A recommended remediation, its decision and its result.' })
@Entity({ tableName: 'actions' })
@Index({ properties: ['investigationId'] })
// The action centre lists a tenant's pending actions newest first.
@Index({ properties: ['tenantId', 'status', 'createdAt'] })
// The action history lists decided actions newest first; the one-hour dedupe looks up by remediation key.
@Index({ properties: ['tenantId', 'decidedAt'] })
@Index({ properties: ['tenantId', 'remediationKey', 'completedAt'] })
export class Action extends TenantOwned {
  @ManyToOne(() => Investigation, { mapToPk: true, fieldName: 'investigation_id', deleteRule: 'cascade' })
  investigationId!: string;

  @Field(() => ActionType)
  @Enum({ items: () => ActionType, nativeEnumName: 'action_type' })
  type!: ActionType;

  @Field(() => ActionStatus)
  @Enum({ items: () => ActionStatus, nativeEnumName: 'action_status', default: ActionStatus.PENDING_APPROVAL })
  status: Opt<ActionStatus> = ActionStatus.PENDING_APPROVAL;

  @Field(() => ActionSource, { nullable: true, description: 'Who decided: a person (MANUAL) or the automation policy.' })
  @Enum({ items: () => ActionSource, nativeEnumName: 'action_source', nullable: true })
  source?: ActionSource;

  /** For email actions: the cluster whose messages it acts on. */
  @ManyToOne(() => EmailCluster, { mapToPk: true, nullable: true, fieldName: 'cluster_id', deleteRule: 'set null' })
  clusterId?: string;

  // Playbooks recommend one target per action (recommend-actions.step.ts); email actions name a cluster instead.
  @Field(() => [ActionTarget], { complexity: listOf(1) })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  targets: Opt<ActionTarget[]> = [];

  @Field(() => String, { description: 'Why the playbook recommends it.' })
  @Property({ type: 'text' })
  rationale!: string;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  evidence: Opt<Record<string, unknown>> = {};

  @Field(() => String, {
    nullable: true,
    description:
      'Why the automation policy may not run this action, whatever the tenant allows: a human decides. Null when automation may.',
  })
  @Property({ type: 'text', nullable: true })
  humanRequired?: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true, description: 'When a pending action expires undecided.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Field(() => String, { nullable: true, description: 'Subject (`sub`) of who decided, or `system`.' })
  @Property({ type: 'text', nullable: true })
  decidedBy?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  decisionComment?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date;

  /** Type + targets (+ cluster query): the same remediation approved twice within an hour runs once. */
  @Property({ type: 'text', nullable: true })
  remediationKey?: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What running it did, e.g. {"moved": 41}.' })
  @Property({ type: 'jsonb', nullable: true })
  result?: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string;
}
