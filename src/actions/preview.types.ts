import { Field, Int, ObjectType } from 'type-graphql';
import { listOf } from '../common/query-cost.js';
import { PreviewScope } from '../domain/action.js';
import { DeliveryLocation, Verdict } from '../domain/telemetry.js';
import { ActionTarget } from './action.entity.js';

/** The most mailboxes and senders a preview names (`preview(top:)`). */
export const MAX_PREVIEW_TOP = 50;
/** @default 5 */
export const DEFAULT_PREVIEW_TOP = 5;

@ObjectType({ description: 'How many of the previewed messages share one value (a mailbox, a sender, a location, a verdict).' })
export class PreviewCount {
  @Field(() => String)
  key!: string;
  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description:
    'What an action would touch if it ran now, to check before approving: for email actions the messages it would move, ' +
    'for block actions the messages that carry the target, for the others the users or machines it names.',
})
export class ActionPreview {
  @Field(() => PreviewScope)
  scope!: PreviewScope;

  @Field(() => Int, { description: 'Messages in scope: the number an email action would move, or the messages carrying a block target.' })
  messages!: number;

  @Field(() => Int, { description: 'Distinct mailboxes (recipients) of those messages.' })
  mailboxes!: number;

  @Field(() => [PreviewCount], { complexity: listOf(MAX_PREVIEW_TOP), description: 'The mailboxes with most of them, most first.' })
  topMailboxes!: PreviewCount[];

  @Field(() => Int, { description: 'Distinct senders of those messages.' })
  senders!: number;

  @Field(() => [PreviewCount], { complexity: listOf(MAX_PREVIEW_TOP), description: 'The senders of most of them, most first.' })
  topSenders!: PreviewCount[];

  @Field(() => [PreviewCount], {
    complexity: listOf(Object.keys(DeliveryLocation).length),
    description: 'By where the messages are now (INBOX, JUNK, QUARANTINE, DELETED).',
  })
  byLocation!: PreviewCount[];

  @Field(() => [PreviewCount], {
    complexity: listOf(5),
    description: "By the mail filter's verdict on arrival (CLEAN, SPAM, PHISH, MALWARE; NONE when it gave none).",
  })
  byDetectionVerdict!: PreviewCount[];

  @Field(() => [PreviewCount], {
    complexity: listOf(Object.keys(Verdict).length),
    description:
      "Email actions: by the investigation's verdict on each message (MALICIOUS, SUSPICIOUS, CLEAN, UNKNOWN). Empty for other actions.",
  })
  byVerdict!: PreviewCount[];

  @Field(() => [ActionTarget], { complexity: listOf(1), description: 'What a block, user, rule or machine action names.' })
  targets!: ActionTarget[];

  @Field(() => [String], { description: 'The users (mailbox addresses) a user action acts on.' })
  users!: string[];

  @Field(() => [String], { description: 'The machines a machine action acts on.' })
  machines!: string[];
}
