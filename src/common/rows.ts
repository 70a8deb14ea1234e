/**
 * Reads of the API's pages as plain rows, in raw SQL through the one prepared-statement path (db/sql.ts):
 * no query building and no hydration per request. MikroORM stays for writes and for everything else.
 *
 * Why. On the investigation page MikroORM's query building cost ≈ 0.2 ms of CPU per statement and its
 * hydration and identity map another 8 %; its statements went out as simple-protocol text with the values
 * inlined, so PostgreSQL parsed and planned each one again (issue 14). Here the SQL text for an entity is
 * built once from its metadata, values are parameters, and a page of children carries its `totalCount` in
 * the same statement.
 *
 * A row is a plain object with the entity's property names and values as the ORM gives them (uuid and
 * text as strings, timestamps as Date, jsonb parsed, arrays as arrays, `mapToPk` relations as their id):
 * what the GraphQL field resolvers read, whether they are handed a row or an entity instance. Given the
 * fields a client selects, a reader leaves out the jsonb columns none of them names (when every selected
 * field is a column: any other field gets every column).
 * Every statement is scoped to the tenant: `tenant_id = $1`, always the first parameter.
 */
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../db/orm.config.js';
import { sqlPrepared } from '../db/sql.js';

/** How a list is ordered: by one sort key, then by id; both in the same direction. */
export interface RowOrder {
  key: string;
  direction: 'asc' | 'desc';
}

/** Conditions on properties, ANDed: `in` a list, at or after `gte`, before `lt`. */
export type RowFilter = Record<string, { in?: readonly unknown[]; gte?: unknown; lt?: unknown }>;

interface Shape {
  table: string;
  /** `t."column" as "property", …` for every column the entity maps. */
  select: string;
  /** The same without the jsonb columns the selection does not ask for (see `columnsFor`). */
  selectFor(fields: ReadonlySet<string> | undefined): string;
  column(prop: string): string;
  /** The column's SQL type, for casting a parameter compared with it. */
  type(prop: string): string;
}

const shapes = new Map<string, Shape>();

function shapeOf(em: EntityManager, entity: EntityClass<object>): Shape {
  let shape = shapes.get(entity.name);
  if (shape) return shape;
  const meta = em.getMetadata().get(entity);
  const columns = new Map<string, { column: string; type: string }>();
  for (const p of meta.props) {
    const mapped = p.kind === 'scalar' || (p.kind === 'm:1' && p.mapToPk);
    if (!mapped || p.persist === false || p.fieldNames?.length !== 1) continue;
    // A lazy column (a message body) is read only when asked for: these readers never read one.
    if (p.lazy) throw new Error(`rows of ${entity.name}: '${p.name}' is lazy; read ${entity.name} through the ORM`);
    columns.set(p.name, { column: p.fieldNames[0]!, type: p.columnTypes?.[0] ?? 'text' });
  }
  for (const p of meta.props) {
    if (p.kind === 'm:1' && !p.mapToPk)
      throw new Error(`rows of ${entity.name}: '${p.name}' is a relation; read ${entity.name} through the ORM`);
  }
  const known = (prop: string) => {
    const c = columns.get(prop);
    if (!c) throw new Error(`${entity.name} has no column for '${prop}'`);
    return c;
  };
  const list = (keep: (prop: string, type: string) => boolean) =>
    [...columns]
      .filter(([prop, c]) => keep(prop, c.type))
      .map(([prop, c]) => `t."${c.column}" as "${prop}"`)
      .join(', ');
  const all = list(() => true);
  shape = {
    table: meta.tableName,
    select: all,
    selectFor: (fields) => {
      // Every column, unless the selection is only of the entity's own columns: a field resolver (a preview
      // reads an action's targets, a duration its step's times) may read any of them.
      if (!fields || [...fields].some((f) => f !== '__typename' && !columns.has(f))) return all;
      // jsonb (evidence, details, findings…) is parsed for every row read: read only when it is selected.
      return list((prop, type) => type !== 'jsonb' || fields.has(prop));
    },
    column: (prop) => `t."${known(prop).column}"`,
    type: (prop) => known(prop).type,
  };
  shapes.set(entity.name, shape);
  return shape;
}

/** The fork's tenant: the same one its `tenant` filter scopes every ORM read to. */
function tenantOf(em: EntityManager): string {
  const tenantId = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER)?.tenantId;
  if (!tenantId) throw new Error('a row read needs a tenant-scoped EntityManager (context.ts: tenantEntityManager)');
  return tenantId;
}

/** Builds one statement's text and parameters together, so placeholders and values cannot drift apart. */
class Statement {
  readonly params: unknown[] = [];
  param(value: unknown, cast?: string): string {
    this.params.push(value);
    return `$${this.params.length}${cast ? `::${cast}` : ''}`;
  }
}

function conditions(shape: Shape, q: Statement, filter: RowFilter): string {
  const parts: string[] = [];
  for (const [prop, c] of Object.entries(filter)) {
    const column = shape.column(prop);
    if (c.in) parts.push(`${column} = any(${q.param(c.in, `${shape.type(prop)}[]`)})`);
    if (c.gte !== undefined) parts.push(`${column} >= ${q.param(c.gte, shape.type(prop))}`);
    if (c.lt !== undefined) parts.push(`${column} < ${q.param(c.lt, shape.type(prop))}`);
  }
  return parts.map((p) => ` and ${p}`).join('');
}

/** Keyset position: rows strictly after (sort key, id) in the list's direction. */
function after(shape: Shape, q: Statement, order: RowOrder, cursor: { key: unknown; id: string } | undefined): string {
  if (!cursor) return '';
  const op = order.direction === 'asc' ? '>' : '<';
  if (order.key === 'id') return ` and t.id ${op} ${q.param(cursor.id, 'uuid')}`;
  return ` and (${shape.column(order.key)}, t.id) ${op} (${q.param(cursor.key, shape.type(order.key))}, ${q.param(cursor.id, 'uuid')})`;
}

const orderBy = (shape: Shape, order: RowOrder, alias = 't') =>
  order.key === 'id'
    ? `${alias}.id ${order.direction}`
    : alias === 't'
      ? `${shape.column(order.key)} ${order.direction}, t.id ${order.direction}`
      : `${alias}."${order.key}" ${order.direction}, ${alias}.id ${order.direction}`;

/** Rows by id; another tenant's id is simply not found. */
export function rowsById<T>(
  em: EntityManager,
  entity: EntityClass<T & object>,
  ids: readonly string[],
  fields?: ReadonlySet<string>,
): Promise<T[]> {
  const shape = shapeOf(em, entity);
  const q = new Statement();
  const text = `select ${shape.selectFor(fields)} from ${shape.table} t where t.tenant_id = ${q.param(tenantOf(em), 'uuid')} and t.id = any(${q.param(ids, 'uuid[]')})`;
  return sqlPrepared<T>(em, text, q.params);
}

/** Every row of each parent, in order: for short, bounded child lists (log steps). */
export function rowsOfParents<T>(
  em: EntityManager,
  entity: EntityClass<T & object>,
  parentKey: string,
  parents: readonly string[],
  order: RowOrder,
  fields?: ReadonlySet<string>,
): Promise<T[]> {
  const shape = shapeOf(em, entity);
  const q = new Statement();
  const text =
    `select ${shape.selectFor(fields)} from ${shape.table} t where t.tenant_id = ${q.param(tenantOf(em), 'uuid')}` +
    ` and ${shape.column(parentKey)} = any(${q.param(parents, 'uuid[]')}) order by ${orderBy(shape, order)}`;
  return sqlPrepared<T>(em, text, q.params);
}

/**
 * A page of a top-level list: `limit` rows after the cursor and, when `withTotal`, the count of every row
 * the filter matches (across pages) in the same statement, as an uncorrelated sub-select PostgreSQL runs once.
 */
export async function pageRows<T>(
  em: EntityManager,
  entity: EntityClass<T & object>,
  filter: RowFilter,
  order: RowOrder,
  cursor: { key: unknown; id: string } | undefined,
  limit: number,
  withTotal: boolean,
  fields?: ReadonlySet<string>,
): Promise<{ rows: T[]; total?: number }> {
  const shape = shapeOf(em, entity);
  const q = new Statement();
  const tenant = q.param(tenantOf(em), 'uuid');
  const where = `t.tenant_id = ${tenant}${conditions(shape, q, filter)}`;
  const total = withTotal ? `, (select count(*)::int from ${shape.table} t where ${where}) as "__total"` : '';
  const text =
    `select ${shape.selectFor(fields)}${total} from ${shape.table} t where ${where}${after(shape, q, order, cursor)}` +
    ` order by ${orderBy(shape, order)} limit ${q.param(limit, 'int')}`;
  const raw = await sqlPrepared<T & { __total?: number }>(em, text, q.params);
  const rows = raw.map(({ __total: _, ...row }) => row as T);
  if (!withTotal) return { rows };
  if (raw.length > 0) return { rows, total: raw[0]!.__total };
  // No row on this page (past the end, or nothing matches): the count needs a statement of its own.
  const count = new Statement();
  const countText = `select count(*)::int as n from ${shape.table} t where t.tenant_id = ${count.param(tenantOf(em), 'uuid')}${conditions(shape, count, filter)}`;
  const [{ n }] = (await sqlPrepared<{ n: number }>(em, countText, count.params)) as [{ n: number }];
  return { rows, total: n };
}

/**
 * A page of each parent's children, every parent in one statement: a lateral sub-select per parent takes
 * its first `limit` rows after the cursor (the parent's index), and, when `withTotal`, a second one counts
 * all its matching rows. Returns each parent's rows in order and its total.
 */
export async function childPages<T>(
  em: EntityManager,
  entity: EntityClass<T & object>,
  parentKey: string,
  parents: readonly string[],
  filter: RowFilter,
  order: RowOrder,
  cursor: { key: unknown; id: string } | undefined,
  limit: number,
  withTotal: boolean,
  fields?: ReadonlySet<string>,
): Promise<Map<string, { rows: T[]; total?: number }>> {
  const shape = shapeOf(em, entity);
  const q = new Statement();
  const parentList = q.param(parents, 'uuid[]');
  const tenant = q.param(tenantOf(em), 'uuid');
  const where = `t.tenant_id = ${tenant} and ${shape.column(parentKey)} = p.parent${conditions(shape, q, filter)}`;
  const total = withTotal ? `cross join lateral (select count(*)::int as total from ${shape.table} t where ${where}) n ` : '';
  const text =
    `select p.parent as "__parent"${withTotal ? ', n.total as "__total"' : ''}, r.* from unnest(${parentList}) as p(parent) ${total}` +
    `left join lateral (select ${shape.selectFor(fields)} from ${shape.table} t where ${where}${after(shape, q, order, cursor)}` +
    ` order by ${orderBy(shape, order)} limit ${q.param(limit, 'int')}) r on true` +
    ` order by p.parent, ${orderBy(shape, order, 'r')}`;
  const raw = await sqlPrepared<T & { __parent: string; __total?: number; id: string | null }>(em, text, q.params);
  const pages = new Map<string, { rows: T[]; total?: number }>(parents.map((p) => [p, { rows: [] }]));
  for (const { __parent, __total, ...row } of raw) {
    const page = pages.get(__parent)!;
    if (withTotal) page.total = __total;
    // A parent without a matching child comes back once, with nulls where a child's columns would be.
    if (row.id !== null) page.rows.push(row as T);
  }
  return pages;
}
