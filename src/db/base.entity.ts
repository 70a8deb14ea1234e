import type { Opt } from '@mikro-orm/core';
import { PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { v7 as uuidv7 } from 'uuid';

/**
 * Every row a tenant owns. Reads of these entities go through the global `tenant` filter
 * (see db/orm.config.ts), which throws when a query runs without a tenant: scoping cannot be forgotten.
 * Ids are UUIDv7: time-ordered, so inserts land at the right edge of the primary-key index
 * (random v4 ids scatter 1M-row ingests over the whole B-tree).
 * type-graphql passes fields down only from a class registered as an object type; no field returns it,
 * so it never appears in the schema itself.
 */
@ObjectType('TenantOwned')
export abstract class TenantOwned {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = uuidv7();

  @Property({ type: 'uuid' })
  tenantId!: string;
}

/** A tenant-owned record that arrived through ingestion: `externalId` is the `id` it carried. */
@ObjectType('IngestedRecord')
export abstract class IngestedRecord extends TenantOwned {
  @Field(() => String, { description: 'The `id` this record was ingested with.' })
  @Property({ type: 'text' })
  externalId!: string;
}
