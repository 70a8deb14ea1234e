import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { InvestigationState } from '../domain/investigation.js';
import { AlertKind, Severity } from '../domain/alert.js';

@InputType({ description: 'Exactly one of messageId or raw, and who reported it.' })
export class ReportMessageInput {
  @Field(() => String, { nullable: true, description: 'The `id` an ingested message record carried.' })
  messageId?: string;
  @Field(() => String, { nullable: true, description: 'The whole RFC 5322 message, as the Report Message add-in sends it.' })
  raw?: string;
  @Field(() => String, { description: 'The reporting user’s address.' })
  reportedBy!: string;
}

@InputType()
export class RaiseAlertInput {
  @Field(() => AlertKind)
  kind!: AlertKind;
  @Field(() => String, { nullable: true, description: 'Your id for the alert: raising it again is idempotent.' })
  id?: string;
  @Field(() => Severity, { nullable: true })
  severity?: Severity;
  @Field(() => Date, { nullable: true })
  at?: Date;
  @Field(() => String, { nullable: true })
  messageId?: string;
  @Field(() => String, { nullable: true })
  url?: string;
  @Field(() => String, { nullable: true })
  user?: string;
  @Field(() => String, { nullable: true })
  sha256?: string;
  @Field(() => String, { nullable: true })
  title?: string;
}

@InputType({ description: 'What to investigate: exactly one of a message, a user or a URL.' })
export class StartInvestigationInput {
  @Field(() => String, { nullable: true, description: 'The `id` of an ingested message.' })
  messageId?: string;
  @Field(() => String, { nullable: true, description: 'A user’s address: runs the user-compromise playbook.' })
  user?: string;
  @Field(() => String, { nullable: true })
  url?: string;
}

@ObjectType({ description: 'What became of an alert: the investigation it started or joined.' })
export class AlertReceipt {
  @Field(() => ID)
  alertId!: string;
  @Field(() => ID)
  investigationId!: string;
  @Field(() => InvestigationState)
  investigationState!: InvestigationState;
  @Field(() => Boolean, { description: 'True when it joined an investigation already open about the same campaign or user.' })
  merged!: boolean;
}
