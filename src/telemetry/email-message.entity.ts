import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { IngestedRecord } from '../db/base.entity.js';
import { DeliveryLocation, DetectionVerdict, MailDirection } from './telemetry.enums.js';

@ObjectType()
export class Attachment {
  @Field(() => String)
  name!: string;
  @Field(() => String)
  sha256!: string;
  @Field(() => Int, { nullable: true })
  size?: number;
}

@ObjectType({ description: 'SPF, DKIM and DMARC results as the receiving server recorded them.' })
export class AuthenticationResults {
  @Field(() => String, { nullable: true })
  spf?: string;
  @Field(() => String, { nullable: true })
  dkim?: string;
  @Field(() => String, { nullable: true })
  dmarc?: string;
}

@ObjectType({ description: 'One copy of an email in one mailbox.' })
@Entity({ tableName: 'email_messages' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'recipient', 'receivedAt'] })
export class EmailMessage extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  recipient!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  sender!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'inet', nullable: true })
  senderIp?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  returnPath?: string;

  @Field(() => String)
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String)
  @Property({ type: 'text', lazy: true })
  body!: string;

  @Field(() => [String])
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  urls: Opt<string[]> = [];

  @Field(() => [Attachment])
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  attachments: Opt<Attachment[]> = [];

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Field(() => DeliveryLocation)
  @Enum({ items: () => DeliveryLocation, nativeEnumName: 'delivery_location' })
  location!: DeliveryLocation;

  @Field(() => DetectionVerdict, { nullable: true })
  @Enum({ items: () => DetectionVerdict, nativeEnumName: 'detection_verdict', nullable: true })
  verdict?: DetectionVerdict;

  @Field(() => AuthenticationResults, { nullable: true })
  @Property({ type: 'jsonb', nullable: true })
  auth?: AuthenticationResults;

  @Field(() => MailDirection)
  @Enum({ items: () => MailDirection, nativeEnumName: 'mail_direction', default: MailDirection.INBOUND })
  direction: Opt<MailDirection> = MailDirection.INBOUND;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  internetMessageId?: string;

  @Field(() => Date, { nullable: true, description: 'When zero-hour auto purge removed it, if it did.' })
  @Property({ type: 'timestamptz', nullable: true })
  zappedAt?: Date;
}
