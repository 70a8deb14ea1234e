import { ArrayType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { IngestedRecord } from '../db/base.entity.js';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DeliveryLocation, DetectionVerdict, MailDirection, SenderSource } from '../domain/telemetry.js';
import { UpstreamSource, UpstreamVerdict, type UpstreamVerdictFacts } from '../domain/upstream.js';

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
  @Field(() => String, {
    nullable: true,
    description: "Microsoft 365's composite authentication (pass, fail, softfail, none): its judgement of spoofing.",
  })
  compauth?: string;
  @Field(() => String, {
    nullable: true,
    description: 'The reason code Microsoft 365 gave with compauth (000 explicit DMARC failure, 001 implicit, 1xx pass, …).',
  })
  compauthReason?: string;
}

@ObjectType({
  description: "One filter's verdict on the message as the receiving service recorded it (Microsoft 365, SpamAssassin, rspamd).",
})
export class UpstreamFilterResult implements UpstreamVerdictFacts {
  @Field(() => UpstreamSource)
  source!: UpstreamSource;
  @Field(() => UpstreamVerdict)
  verdict!: UpstreamVerdict;
  @Field(() => Int, { nullable: true, description: 'Microsoft spam confidence level, -1 (filtering skipped) to 9.' })
  scl?: number;
  @Field(() => Int, { nullable: true, description: 'Microsoft bulk complaint level, 0 to 9.' })
  bcl?: number;
  @Field(() => Int, { nullable: true, description: 'Microsoft phishing confidence level, 0 to 8.' })
  pcl?: number;
  @Field(() => String, {
    nullable: true,
    description: "The filter's own category or action (Microsoft's CAT such as PHSH, rspamd's action).",
  })
  category?: string;
  @Field(() => Float, { nullable: true, description: 'Spam score (SpamAssassin, rspamd).' })
  score?: number;
  @Field(() => Float, { nullable: true, description: 'The score at which the filter calls a message spam.' })
  threshold?: number;
  @Field(() => GraphQLJSONObject, { description: 'The header fields the verdict was read from, as the filter spelt them.' })
  raw!: Record<string, string>;
}

@ObjectType('MessageLink', { description: 'A link of a message: where it leads, what it displays, and how it was wrapped.' })
export class Link {
  @Field(() => String, { description: 'The target, unwrapped from Safe Links, URL Defense and known redirectors.' })
  url!: string;
  @Field(() => String, { nullable: true, description: 'The text the link displays (an image link: its alt text).' })
  text?: string;
  @Field(() => String, { nullable: true, description: 'The link as the message carried it, when a wrapper hid the target.' })
  wrapped?: string;
}

/**
 * One GIN index serves every hunting query on messages, each an index lookup scoped to the tenant:
 * similar content (`lsh_bands && $1`), same URL (`url_keys && $1`), same domain, same attachment,
 * same sender, same sender domain, same sender IP and subject key — always with `tenant_id = $t`.
 *
 * Why one multi-column GIN over btree_gin rather than a GIN per array column plus btrees:
 * ingestion speed is bounded by index maintenance (a bare COPY of 1M rows on 2 cores: ~90k rows/s
 * with a primary key alone, 20–28k/s with five indexes). GIN's fast-update pending list turns its
 * inserts into sequential appends merged in bulk, and a multi-column GIN costs one index structure
 * and one `tenant_id` entry per row however many columns it covers, where four array GINs would
 * each add a tenant entry (btree_gin) or tenant-prefixed keys. Tenant scoping is in the index
 * (btree_gin's `uuid_ops` on `tenant_id`) rather than in prefixed keys, so the stored keys are exactly
 * what `fingerprintMessage` returns and a query passes them unchanged; GIN intersects the tenant's
 * long posting tree with the short key posting lists by skipping ahead, not by reading it whole.
 * A 64 MB pending list (default 4 MB) lets each merge into the tree cover more rows: COPY of 50k
 * generated messages ran at 5.7k rows/s with it against 4.0k/s with the default (and 1.9k/s with
 * fastupdate off); without `lsh_bands` the index would cost a third less (6.7k/s), btree_gin's tenant
 * column costs nothing measurable (bands alone 4.2k/s with or without it). The price is at query time:
 * a search also reads the pending list (≤ 64 MB) until autovacuum or the next merge empties it.
 * The table has four indexes: primary key, (tenant_id, external_id) unique, (tenant_id, recipient,
 * received_at), and this one. Figures: `npm run bench:ingest`.
 */
export const HUNTING_INDEX = 'email_messages_hunting_gin';
const HUNTING_INDEX_DDL =
  `create index "${HUNTING_INDEX}" on "email_messages" using gin ` +
  `("tenant_id", "sender", "sender_domain", "sender_ip", "subject_key", "lsh_bands", "url_keys", "domains", "attachment_hashes") with (gin_pending_list_limit = 65536)`;

@ObjectType({ description: 'One copy of an email in one mailbox.' })
@Entity({ tableName: 'email_messages' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'recipient', 'receivedAt'] })
@Index({ name: HUNTING_INDEX, expression: HUNTING_INDEX_DDL })
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

  @Field(() => String, { nullable: true, description: "The From header's display name, as the recipient saw it." })
  @Property({ type: 'text', nullable: true })
  senderName?: string;

  @Field(() => String, { nullable: true, description: 'Where replies go (the first Reply-To address), when the message sets it.' })
  @Property({ type: 'text', nullable: true })
  replyTo?: string;

  @Field(() => String)
  @Property({ type: 'text' })
  subject!: string;

  // The one value of kilobytes where the others hold tens of bytes: it counts as 10 in the query cost
  // (common/query-cost.ts), so 8,000 bodies in nested default pages cost 128,000, not 48,000.
  @Field(() => String, {
    complexity: 10,
    description: 'What the message itself says; the text it quotes from earlier mail is in `quoted`.',
  })
  @Property({ type: 'text', lazy: true })
  body!: string;

  @Field(() => String, {
    complexity: 10,
    description: 'The text the message quotes from earlier mail (replies, forwards); empty when none.',
  })
  @Property({ type: 'text', lazy: true, defaultRaw: `''` })
  quoted: Opt<string> = '';

  @Field(() => [String], { description: 'The link targets (unwrapped), as hunting keys them.' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  urls: Opt<string[]> = [];

  @Field(() => [Link], { description: 'Each link with its display text and wrapped form.' })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  links: Opt<Link[]> = [];

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

  @Field(() => SenderSource, {
    nullable: true,
    description:
      'Which header the sender address came from (From, else Sender, else Return-Path); null when the producer named the sender.',
  })
  @Enum({ items: () => SenderSource, nativeEnumName: 'sender_source', nullable: true })
  senderSource?: SenderSource;

  @Field(() => [UpstreamFilterResult], { description: "The receiving service's own verdicts on the message, one per filter." })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  upstream: Opt<UpstreamFilterResult[]> = [];

  @Field(() => Date, { nullable: true, description: 'When zero-hour auto purge removed it, if it did.' })
  @Property({ type: 'timestamptz', nullable: true })
  zappedAt?: Date;

  // Hunting fingerprints (telemetry/fingerprint.ts), written at ingestion; not part of the GraphQL API.

  /** LSH band keys of the subject+body MinHash. Lazy: only hunting reads them. */
  @Property({ type: 'text[]', defaultRaw: `'{}'`, lazy: true })
  lshBands: Opt<string[]> = [];

  /** The MinHash signature (40 signed 32-bit slots), to re-check LSH candidates. */
  @Property({ type: new ArrayType((i) => Number(i)), columnType: 'int[]', defaultRaw: `'{}'`, lazy: true })
  minhash: Opt<number[]> = [];

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  urlKeys: Opt<string[]> = [];

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  domains: Opt<string[]> = [];

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  attachmentHashes: Opt<string[]> = [];

  @Property({ type: 'text', defaultRaw: `''` })
  senderDomain: Opt<string> = '';

  @Property({ type: 'text', defaultRaw: `''` })
  subjectKey: Opt<string> = '';
}
