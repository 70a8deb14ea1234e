import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { IngestedRecord, TenantOwned } from '../db/base.entity.js';
import { IndicatorKind, Verdict } from '../domain/telemetry.js';

@ObjectType({ description: 'A threat-intelligence indicator: a URL, domain, IP, file hash or sender with a verdict.' })
@Entity({ tableName: 'indicators' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'kind', 'value'] })
export class Indicator extends IngestedRecord {
  @Field(() => IndicatorKind)
  @Enum({ items: () => IndicatorKind, nativeEnumName: 'indicator_kind' })
  kind!: IndicatorKind;

  @Field(() => String)
  @Property({ type: 'text' })
  value!: string;

  @Field(() => Verdict)
  @Enum({ items: () => Verdict, nativeEnumName: 'verdict' })
  verdict!: Verdict;

  @Field(() => String, { nullable: true, description: 'Name of the campaign this indicator belongs to.' })
  @Property({ type: 'text', nullable: true })
  campaign?: string;

  @Field(() => String, { nullable: true, description: 'Where the verdict came from: a feed, or an analyst.' })
  @Property({ type: 'text', nullable: true })
  source?: string;
}

@ObjectType({ description: 'A named attack campaign that indicators and messages are associated with.' })
@Entity({ tableName: 'campaigns' })
@Unique({ properties: ['tenantId', 'name'] })
export class Campaign extends TenantOwned {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  firstSeenAt: Opt<Date> = new Date();
}
