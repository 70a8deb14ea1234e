import type { QueryBuilder } from '@mikro-orm/postgresql';

/**
 * Run an aggregate QueryBuilder with the fork's filters applied. em.find applies the tenant filter
 * itself; QueryBuilder does not, so every aggregate goes through here and nowhere else.
 */
export async function scopedRows<R = Record<string, unknown>>(qb: QueryBuilder<never, never, never, never>): Promise<R[]> {
  await qb.applyFilters();
  return (await qb.execute('all', { mapResults: false })) as unknown as R[];
}
