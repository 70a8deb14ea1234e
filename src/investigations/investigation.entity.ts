import type { Opt } from '@mikro-orm/core';
import { DeferMode } from '@mikro-orm/core';
// The one import cycle allowed: an alert and its investigation point at each other, and MikroORM 7's
// decorators take the entity class (entity names as strings are typed `never` since v7).
// eslint-disable-next-line import-x/no-cycle
import { Alert } from '../alerts/alert.entity.js';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantOwned } from '../db/base.entity.js';
import { InvestigationState, Playbook } from '../domain/investigation.js';

@ObjectType({ description: 'One run of a security playbook, from its triggering alert to remediation.' })
// Every transition is a native UPDATE (one conditional statement, so that it is race-free), which the
// ORM's `onUpdate` never sees: the database keeps `updated_at` true for every writer instead.
@Entity({
  tableName: 'investigations',
  triggers: [
    {
      name: 'touch_updated_at',
      timing: 'before',
      events: ['update'],
      forEach: 'row',
      body: 'new.updated_at := clock_timestamp(); return new',
    },
  ],
})
// The main investigation page lists a tenant's investigations newest first, filtered by state.
@Index({ properties: ['tenantId', 'createdAt', 'id'] })
@Index({ properties: ['tenantId', 'state', 'createdAt'] })
export class Investigation extends TenantOwned {
  @Field(() => Playbook)
  @Enum({ items: () => Playbook, nativeEnumName: 'playbook' })
  playbook!: Playbook;

  @Field(() => InvestigationState)
  @Enum({ items: () => InvestigationState, nativeEnumName: 'investigation_state', default: InvestigationState.STARTING })
  state: Opt<InvestigationState> = InvestigationState.STARTING;

  @Field(() => String, { description: 'A short human title, e.g. the reported subject.' })
  @Property({ type: 'text' })
  title!: string;

  // Deferred to commit, like Alert.investigationId: the two rows point at each other.
  @ManyToOne(() => Alert, {
    mapToPk: true,
    nullable: true,
    fieldName: 'triggering_alert_id',
    deleteRule: 'set null',
    deferMode: DeferMode.INITIALLY_DEFERRED,
  })
  triggeringAlertId?: string;

  @Field(() => String, { nullable: true, description: 'Why the investigation FAILED or was terminated.' })
  @Property({ type: 'text', nullable: true })
  stateReason?: string;

  @Field(() => String, { nullable: true, description: 'Subject of a manual investigation or a user-compromise playbook.' })
  @Property({ type: 'text', nullable: true })
  subject?: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  endedAt?: Date;

  @Field(() => Date, { description: 'When anything about the investigation last changed (kept by the database).' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}
