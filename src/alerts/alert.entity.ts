import type { Opt } from '@mikro-orm/core';
import { DeferMode } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { AlertKind, Severity } from '../domain/alert.js';
import { TenantOwned } from '../db/base.entity.js';
// See investigation.entity.ts: the alert ↔ investigation pair is the one import cycle allowed.
// eslint-disable-next-line import-x/no-cycle
import { Investigation } from '../investigations/investigation.entity.js';

@ObjectType({ description: 'A signal that starts an investigation, or is correlated to one.' })
@Entity({ tableName: 'alerts' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'at'] })
@Index({ properties: ['investigationId'] })
export class Alert extends TenantOwned {
  @Field(() => String, {
    nullable: true,
    description: 'The `id` the alert was ingested with; null for alerts raised through the API without one.',
  })
  @Property({ type: 'text', nullable: true })
  externalId?: string;

  @Field(() => AlertKind)
  @Enum({ items: () => AlertKind, nativeEnumName: 'alert_kind' })
  kind!: AlertKind;

  @Field(() => Severity)
  @Enum({ items: () => Severity, nativeEnumName: 'severity', default: Severity.MEDIUM })
  severity: Opt<Severity> = Severity.MEDIUM;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  messageExternalId?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  url?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  user?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sha256?: string;

  // Deferred to commit: an alert and the investigation it starts point at each other, and are
  // written in one transaction in whichever order the unit of work picks.
  @ManyToOne(() => Investigation, {
    mapToPk: true,
    nullable: true,
    fieldName: 'investigation_id',
    deleteRule: 'set null',
    deferMode: DeferMode.INITIALLY_DEFERRED,
  })
  investigationId?: string;
}
