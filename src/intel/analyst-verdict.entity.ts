import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantOwned } from '../db/base.entity.js';
import { AnalystVerdictKind } from '../domain/analyst-verdict.js';
import { Verdict } from '../domain/telemetry.js';

/**
 * An analyst's verdict on a message, sender, URL, domain, file or IP: tenant intelligence. One row per
 * (tenant, kind, value): a later verdict on the same value replaces the earlier one in place (same id),
 * and the audit trail keeps every verdict ever given (`auditEvents(filter: {subjectId: id})`).
 *
 * A table of its own rather than rows in `indicators`: ingested indicators are idempotent by the feed's
 * record id and never change, while an analyst's verdict is replaced, carries who gave it and why, and
 * judges single messages, which no feed does. Playbooks see both through one port (`IntelPort`).
 */
@ObjectType({ description: "An analyst's verdict on a message, sender, URL, domain, file or IP: intelligence later investigations use." })
@Entity({ tableName: 'analyst_verdicts' })
@Unique({ properties: ['tenantId', 'kind', 'value'] })
// The tenant's list, newest verdict first.
@Index({ properties: ['tenantId', 'decidedAt'] })
export class AnalystVerdict extends TenantOwned {
  @Field(() => AnalystVerdictKind)
  @Enum({ items: () => AnalystVerdictKind, nativeEnumName: 'analyst_verdict_kind' })
  kind!: AnalystVerdictKind;

  @Field(() => String, {
    description:
      'What was judged, as investigations compare it: a message id, a lower-cased address, a normalised URL, an ASCII host, a SHA-256, an IP.',
  })
  @Property({ type: 'text' })
  value!: string;

  @Field(() => Verdict)
  @Enum({ items: () => Verdict, nativeEnumName: 'verdict' })
  verdict!: Verdict;

  @Field(() => String, { nullable: true, description: 'Why, in the analyst’s words.' })
  @Property({ type: 'text', nullable: true })
  comment?: string;

  @Field(() => String, { description: 'Subject (`sub`) of the analyst who gave the current verdict.' })
  @Property({ type: 'text' })
  decidedBy!: string;

  @Field(() => Date, { description: 'When the current verdict was given.' })
  @Property({ type: 'timestamptz' })
  decidedAt!: Date;

  @Field(() => Date, { description: 'When this value was first judged.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
