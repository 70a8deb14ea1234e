/**
 * The one way to run raw SQL: `sql(em, text, params)`, in `em`'s transaction when it is inside one, else
 * on the pool. `?` placeholders are sent to the driver as real parameters: MikroORM's `execute` inlines
 * them and spreads arrays into lists, which `= any(?::uuid[])` cannot take, so this goes through the
 * EntityManager's Kysely handle (`em.getKysely()`, MikroORM 7's public door to the driver).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

export async function sql<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  let n = 0;
  return sqlNumbered<T>(
    em,
    query.replace(/\?/g, () => `$${++n}`),
    params,
  );
}

/** The same for text already written with `$1` placeholders (pg-boss's own statements). */
export async function sqlNumbered<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  return (await em.getKysely().executeQuery(CompiledQuery.raw(text, params))).rows as T[];
}
