import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { IngestedRecord } from '../db/base.entity.js';

@ObjectType({ description: 'A user and their mailbox.' })
@Entity({ tableName: 'mailboxes' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'address'] })
export class Mailbox extends IngestedRecord {
  @Field(() => String)
  @Property({ type: 'text' })
  address!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  displayName?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  department?: string;

  @Field(() => Date, { nullable: true, description: 'When a remediation required this user to reset their password.' })
  @Property({ type: 'timestamptz', nullable: true })
  passwordResetRequiredAt?: Date;

  @Field(() => Date, { nullable: true, description: "When a remediation revoked this user's sessions." })
  @Property({ type: 'timestamptz', nullable: true })
  sessionsRevokedAt?: Date;
}
