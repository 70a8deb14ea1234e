import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { IngestedRecord } from '../db/base.entity.js';

@ObjectType({ description: 'A machine seen by endpoint protection.' })
@Entity({ tableName: 'devices' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'user'] })
export class Device extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  user?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  os?: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  scanRequestedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  isolatedAt?: Date;
}

@ObjectType({ description: 'A file seen on a device.' })
@Entity({ tableName: 'device_files' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'sha256'] })
export class DeviceFile extends IngestedRecord {
  @Field(() => String, { description: 'The `id` of the device.' })
  @Property({ type: 'text' })
  deviceExternalId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  sha256!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  path?: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  seenAt!: Date;
}
