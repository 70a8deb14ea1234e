import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BlockKind } from '../domain/action.js';
import { TenantOwned } from '../db/base.entity.js';

/**
 * The tenant's block list, written by the block-URL / sender / file actions. Ingestion quarantines
 * new messages that match an active entry (ingest.service.ts); undoing the action lifts it.
 */
@ObjectType({ description: 'A URL, sender or file hash blocked by a remediation action.' })
@Entity({ tableName: 'block_list_entries' })
@Index({ properties: ['tenantId', 'kind', 'value'] })
export class BlockListEntry extends TenantOwned {
  @Field(() => BlockKind)
  @Enum({ items: () => BlockKind, nativeEnumName: 'block_kind' })
  kind!: BlockKind;

  @Field(() => String)
  @Property({ type: 'text' })
  value!: string;

  @Property({ type: 'uuid' })
  actionId!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true, description: 'When an undo lifted the block.' })
  @Property({ type: 'timestamptz', nullable: true })
  liftedAt?: Date;
}
