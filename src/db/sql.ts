/**
 * The one way to run raw SQL: `sql(em, text, params)`, in `em`'s transaction when it is inside one, else
 * on the pool. `?` placeholders are sent to the driver as real parameters: MikroORM's `execute` inlines
 * them and spreads arrays into lists, which `= any(?::uuid[])` cannot take, so this goes through the
 * EntityManager's Kysely handle (`em.getKysely()`, MikroORM 7's public door to the driver).
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import pg from 'pg';

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

const statementNames = new Map<string, string>();
/** A name per statement text (PostgreSQL keeps 63 bytes of a name; a digest of the text fits and never collides in practice). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `air_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A read as a named prepared statement, on the pool (never inside a transaction: reads of the API only).
 * Each pooled connection parses and plans the text once and then only binds values: the investigation
 * page's statements spent more time being parsed and planned than running (issue 14). Written with `$1`
 * placeholders; the texts are the code's own (a bounded set of shapes), so the per-connection statement
 * cache stays small. The statement is reported to the ORM's logger like every other (the SQL-count test).
 */
export async function sqlPrepared<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  const pool = (await em.getConnection().getNativeClient()) as pg.Pool;
  em.config.getLogger().logQuery({ query: text, level: 'info' });
  // pg's own type parsers, not the pool's: MikroORM's keep timestamps as strings for its hydration to
  // parse; a row read here goes to the API as it is, so a timestamp must arrive as a Date.
  return (await pool.query({ name: statementName(text), text, values: params, types: pg.types })).rows as T[];
}
