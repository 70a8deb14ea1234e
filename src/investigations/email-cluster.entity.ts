import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TenantOwned } from '../db/base.entity.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { Verdict } from '../domain/telemetry.js';
import { ClusterQuery } from '../domain/investigation.js';
import { Investigation } from './investigation.entity.js';
import { Evidence } from './evidence.types.js';

@ObjectType({ description: 'Messages grouped by one query (similar content, same sender, same URL…), with counts and a verdict.' })
@Entity({ tableName: 'email_clusters' })
@Index({ properties: ['investigationId'] })
export class EmailCluster extends TenantOwned {
  @ManyToOne(() => Investigation, { mapToPk: true, fieldName: 'investigation_id', deleteRule: 'cascade' })
  investigationId!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  name!: string;

  @Field(() => ClusterQuery)
  @Enum({ items: () => ClusterQuery, nativeEnumName: 'cluster_query' })
  query!: ClusterQuery;

  @Field(() => String, { description: 'The value the query matched on: a sender, URL, hash, or the source message id.' })
  @Property({ type: 'text' })
  queryValue!: string;

  @Field(() => Verdict)
  @Enum({ items: () => Verdict, nativeEnumName: 'verdict', default: Verdict.UNKNOWN })
  verdict: Opt<Verdict> = Verdict.UNKNOWN;

  @Field(() => [String])
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  threats: Opt<string[]> = [];

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  messageCount: Opt<number> = 0;

  @Field(() => Int, {
    description: 'Members judged MALICIOUS on their own evidence: what remediating the cluster would act on.',
  })
  @Property({ type: 'integer', default: 0 })
  maliciousCount: Opt<number> = 0;

  @Field(() => GraphQLJSONObject, { description: 'Message counts by detection verdict, e.g. {"PHISH": 3, "CLEAN": 1}.' })
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  countsByVerdict: Opt<Record<string, number>> = {};

  @Field(() => GraphQLJSONObject, { description: 'Message counts by delivery location, e.g. {"INBOX": 2, "QUARANTINE": 2}.' })
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  countsByLocation: Opt<Record<string, number>> = {};

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { description: 'When the cluster query last ran.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  refreshedAt: Opt<Date> = new Date();
}

/**
 * SQL for "this member is what remediating its cluster acts on" — `actedOnVerdicts` (domain/action.ts)
 * as a predicate over a member row `member` and its cluster row `cluster`: the executor, `Action.preview`
 * and `Action.messages` share it.
 */
export const actedOnMemberSql = (member: string, cluster: string) =>
  `(${member}.verdict = 'MALICIOUS' or (${cluster}.verdict = 'SUSPICIOUS' and ${member}.verdict = 'SUSPICIOUS'))`;

@ObjectType('ClusterMember', {
  description: 'A message of a cluster with its own verdict: only MALICIOUS members are remediated with the cluster.',
})
@Entity({ tableName: 'email_cluster_members' })
@Unique({ properties: ['clusterId', 'message'] })
export class EmailClusterMember extends TenantOwned {
  @ManyToOne(() => EmailCluster, { mapToPk: true, fieldName: 'cluster_id', deleteRule: 'cascade' })
  clusterId!: string;

  /** The message itself: a page of members loads its messages in the same statement (a join). */
  @Field(() => EmailMessage)
  @ManyToOne(() => EmailMessage, { fieldName: 'message_id', deleteRule: 'cascade', index: true })
  message!: EmailMessage;

  @Field(() => Verdict, { description: "The member's own verdict: MALICIOUS only with campaign evidence of its own." })
  @Enum({ items: () => Verdict, nativeEnumName: 'verdict', default: Verdict.UNKNOWN })
  verdict: Opt<Verdict> = Verdict.UNKNOWN;

  @Field(() => [Evidence], { description: 'Why the member has its verdict.' })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  evidence: Opt<Evidence[]> = [];
}
