import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { IngestedRecord } from '../db/base.entity.js';
import { ClickAction, SignInResult, SignInRisk, ZapReason } from '../domain/telemetry.js';

@ObjectType({ description: 'A click on a URL in mail, as Safe-Links style protection recorded it.' })
@Entity({ tableName: 'url_clicks' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'url'] })
export class UrlClick extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  url!: string;

  @Field(() => String, { description: 'The address of the user who clicked.' })
  @Property({ type: 'text' })
  user!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => ClickAction)
  @Enum({ items: () => ClickAction, nativeEnumName: 'click_action' })
  action!: ClickAction;

  @Field(() => String, { nullable: true, description: 'The `id` of the message the link was in, if known.' })
  @Property({ type: 'text', nullable: true })
  messageExternalId?: string;
}

@ObjectType()
@Entity({ tableName: 'sign_ins' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'user', 'at'] })
export class SignIn extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  user!: string;

  @Field(() => String)
  @Property({ type: 'inet' })
  ip!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  country?: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => SignInRisk)
  @Enum({ items: () => SignInRisk, nativeEnumName: 'sign_in_risk', default: SignInRisk.NONE })
  risk: Opt<SignInRisk> = SignInRisk.NONE;

  @Field(() => SignInResult)
  @Enum({ items: () => SignInResult, nativeEnumName: 'sign_in_result' })
  result!: SignInResult;
}

@ObjectType()
@Entity({ tableName: 'inbox_rules' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'mailbox'] })
export class InboxRule extends IngestedRecord {
  @Field(() => String, { description: 'Address of the mailbox the rule belongs to.' })
  @Property({ type: 'text' })
  mailbox!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  forwardTo?: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  deleteMessages: Opt<boolean> = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  moveToFolder?: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'inet', nullable: true })
  createdFromIp?: string;

  @Field(() => Boolean, { description: 'False once a remediation removed (disabled) the rule.' })
  @Property({ type: 'boolean', default: true })
  enabled: Opt<boolean> = true;
}

@ObjectType({ description: 'A zero-hour auto purge of a delivered message.' })
@Entity({ tableName: 'zap_events' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'messageExternalId'] })
export class ZapEvent extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  messageExternalId!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => ZapReason)
  @Enum({ items: () => ZapReason, nativeEnumName: 'zap_reason' })
  reason!: ZapReason;
}
