import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TenantOwned } from '../db/base.entity.js';
import { Verdict } from '../domain/telemetry.js';
import { EntityKind } from '../domain/investigation.js';
import { Investigation } from './investigation.entity.js';
import { Evidence } from './evidence.types.js';

@ObjectType('InvestigationEntity', {
  description: 'Something an investigation looked at — an email, user, machine, IP, URL, file or sender — with its verdict.',
})
@Entity({ tableName: 'investigation_entities' })
@Unique({ properties: ['investigationId', 'kind', 'value'] })
@Index({ properties: ['investigationId', 'kind'] })
export class InvestigatedEntity extends TenantOwned {
  @ManyToOne(() => Investigation, { mapToPk: true, fieldName: 'investigation_id', deleteRule: 'cascade' })
  investigationId!: string;

  @Field(() => EntityKind)
  @Enum({ items: () => EntityKind, nativeEnumName: 'entity_kind' })
  kind!: EntityKind;

  @Field(() => String, { description: 'The identifying value: an address, IP, URL, SHA-256, machine name.' })
  @Property({ type: 'text' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'The `id` the underlying record was ingested with, when there is one.' })
  @Property({ type: 'text', nullable: true })
  externalId?: string;

  @Field(() => String)
  @Property({ type: 'text' })
  displayName!: string;

  @Field(() => Verdict)
  @Enum({ items: () => Verdict, nativeEnumName: 'verdict', default: Verdict.UNKNOWN })
  verdict: Opt<Verdict> = Verdict.UNKNOWN;

  @Field(() => [String], { description: 'Threats found on this entity, e.g. "Phish URL", "Malware attachment".' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  threats: Opt<string[]> = [];

  @Field(() => [Evidence], { description: 'Why the entity has its verdict: each signal with its weight; empty when nothing was weighed.' })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  evidence: Opt<Evidence[]> = [];

  @Field(() => GraphQLJSONObject, { description: 'Attributes, shown in the entity fly-out.' })
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  details: Opt<Record<string, unknown>> = {};

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

@Entity({ tableName: 'investigation_edges' })
@Unique({ properties: ['investigationId', 'fromNodeId', 'toNodeId', 'relation'] })
export class GraphEdge extends TenantOwned {
  @ManyToOne(() => Investigation, { mapToPk: true, fieldName: 'investigation_id', deleteRule: 'cascade' })
  investigationId!: string;

  /** An investigation entity's or email cluster's id. */
  @Property({ type: 'uuid' })
  fromNodeId!: string;

  @Property({ type: 'uuid' })
  toNodeId!: string;

  @Property({ type: 'text' })
  relation!: string;
}
