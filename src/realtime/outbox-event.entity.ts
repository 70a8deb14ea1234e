import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Trigger } from '@mikro-orm/decorators/legacy';

/**
 * The event outbox: every change a client may watch is a row here, written in the transaction of
 * the change. The bigint id is the subscription cursor. Rows are facts that subscribers replay by
 * cursor: they may be pruned (retention), never rewritten.
 */
@Entity({ tableName: 'events' })
@Trigger({
  name: 'append_only',
  timing: 'before',
  events: ['update'],
  forEach: 'row',
  body: `raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';`,
})
// Readers walk (tx_id, id): the whole outbox, a tenant's slice, an investigation's slice.
@Index({ properties: ['txId', 'id'] })
@Index({ properties: ['tenantId', 'txId', 'id'] })
@Index({ properties: ['investigationId', 'txId', 'id'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /**
   * The writing transaction's id (xid8), set by the database. Ids from the sequence can commit out
   * of order; (txId, id) read below the oldest transaction in flight cannot (see event-stream.service.ts).
   */
  @Property({ type: 'string', columnType: 'xid8', defaultRaw: 'pg_current_xact_id()' })
  txId!: Opt<string>;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'uuid', nullable: true })
  investigationId?: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
