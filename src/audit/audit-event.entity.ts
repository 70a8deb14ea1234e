import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Trigger } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TenantOwned } from '../db/base.entity.js';

const REFUSE = `raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';`;

/**
 * Append-only: triggers refuse UPDATE, DELETE and TRUNCATE, whoever sends them. The TRUNCATE one is a
 * statement trigger, which MikroORM's schema diff does not read back (it would re-create it in every
 * new migration), so it lives in the initial migration only.
 */
@ObjectType({ description: 'Who did what, when, as which role, and why. Never edited, never deleted.' })
@Entity({ tableName: 'audit_events' })
@Trigger({ name: 'append_only', timing: 'before', events: ['update', 'delete'], forEach: 'row', body: REFUSE })
@Index({ properties: ['tenantId', 'at'] })
@Index({ properties: ['subjectId'] })
export class AuditEvent extends TenantOwned {
  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Opt<Date> = new Date();

  @Field(() => String)
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  actorRole!: string;

  @Field(() => String, {
    description:
      'e.g. ACTION_APPROVED, ACTION_REJECTED, ACTION_UNDONE, AUTOMATION_CHANGED, INVESTIGATION_CANCELLED, ANALYST_VERDICT_GIVEN.',
  })
  @Property({ type: 'text' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'Id of the action, investigation, tenant or analyst verdict acted on.' })
  @Property({ type: 'uuid', nullable: true })
  subjectId?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  details: Opt<Record<string, unknown>> = {};
}
