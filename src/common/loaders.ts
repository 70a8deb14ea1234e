import DataLoader from 'dataloader';
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { badInput } from '../errors.js';
import { isUuid, parseInstant } from '../domain/input.js';
import { scopedRows } from './aggregate.js';
import { childPages, pageRows, rowsById, rowsOfParents, type RowFilter } from './rows.js';
import { decodeCursor, pageSize, toConnection, type Connection, type Cursor, type PageArgs } from './pagination.js';

/** How a list is ordered: by one sort key, then by id; both in the same direction. */
export interface Order {
  key: string;
  direction: 'asc' | 'desc';
  /** The key is a timestamp: cursors carry it as ISO 8601. */
  isDate?: boolean;
}

type Row = { id: string };
/** Read a property by name: the loaders are generic over entities. */
const prop = (row: Row, key: string) => (row as unknown as Record<string, unknown>)[key];

/** A cursor checked against its list's order, its key as the column holds it (a Date for a timestamp). */
export function validCursor(order: Order, cursor: Cursor | undefined): { key: unknown; id: string } | undefined {
  if (!cursor) return undefined;
  // A cursor is the client's input: a crafted one (a key of the wrong type, an id that is no UUID, a
  // date PostgreSQL cannot hold) is refused here rather than failing in SQL as "Unexpected error.". An
  // id of another tenant needs no check: it only positions the keyset inside the tenant-filtered list.
  const invalid = () => badInput('after: the cursor is not valid for this list; pass a pageInfo.endCursor of the same list', 'after');
  if (!isUuid(cursor.id)) throw invalid();
  let key: unknown = cursor.key;
  if (order.isDate) {
    const date = typeof cursor.key === 'string' ? parseInstant(cursor.key) : undefined;
    if (!date) throw invalid();
    key = date;
  } else if (order.key === 'id' ? typeof key !== 'string' || !isUuid(key) : !Number.isSafeInteger(key)) {
    throw invalid();
  }
  return { key, id: cursor.id };
}

/** The keyset condition "after this cursor" for an order. */
export function afterCursor(order: Order, cursor: Cursor | undefined): Record<string, unknown> {
  const valid = validCursor(order, cursor);
  if (!valid) return {};
  const { key, id } = valid;
  const op = order.direction === 'asc' ? '$gt' : '$lt';
  return { $or: [{ [order.key]: { [op]: key } }, { [order.key]: key, id: { [op]: id } }] };
}

export function cursorOf(order: Order) {
  return (row: Row): Cursor => {
    const key = prop(row, order.key);
    return { key: key instanceof Date ? key.toISOString() : (key as string | number), id: row.id };
  };
}

export function orderBy(order: Order) {
  return { [order.key]: order.direction, id: order.direction } as Record<string, 'asc' | 'desc'>;
}

/**
 * A page of a top-level list (the investigations page, alerts, the action centre): keyset pagination
 * over `order`, `first + 1` rows to know whether a next page exists, and a lazy total. The
 * EntityManager is the request's tenant fork, so the filter scopes it like every other read.
 */
export async function pageOfAll<T extends Row>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: Record<string, unknown>,
  order: Order,
  args: PageArgs,
): Promise<Connection<T>> {
  const size = pageSize(args.first);
  const rows =
    size === 0
      ? []
      : ((await em.find(entity, { ...where, ...afterCursor(order, decodeCursor(args.after)) } as unknown as FilterQuery<T>, {
          orderBy: orderBy(order) as never,
          limit: size + 1,
        })) as T[]);
  return toConnection(rows, size, cursorOf(order), () => em.count(entity, where as unknown as FilterQuery<T>));
}

/**
 * A page of a top-level list read as plain rows (common/rows.ts): one prepared statement, with the total
 * in it when the client selects `totalCount` (`withTotal`).
 */
export async function rowPageOfAll<T extends Row>(
  em: EntityManager,
  entity: EntityClass<T>,
  filter: RowFilter,
  order: Order,
  args: PageArgs,
  withTotal: boolean,
  fields?: ReadonlySet<string>,
): Promise<Connection<T>> {
  const size = pageSize(args.first);
  const cursor = validCursor(order, decodeCursor(args.after));
  const { rows, total } = await pageRows<T>(em, entity, filter, order, cursor, size + 1, withTotal, fields);
  return toConnection(rows, size, cursorOf(order), () =>
    total === undefined
      ? (pageRows<T>(em, entity, filter, order, undefined, 0, true).then((r) => r.total!) as Promise<number>)
      : Promise.resolve(total),
  );
}

/** The column a property is stored in (every identifier in the SQL here comes from metadata, never from input). */
function columnOf(em: EntityManager, entity: EntityClass<object>, key: string): string {
  const column = em
    .getMetadata()
    .get(entity)
    .props.find((p) => p.name === key)?.fieldNames[0];
  if (!column) throw new Error(`${entity.name} has no column for '${key}'`);
  return column;
}

/**
 * The ids of the first `limit` rows of each parent (in `order`) among the rows matching `where`, as a
 * subquery for `id in (…)`: the page of every parent in one statement. The inner query is a
 * QueryBuilder, so `where` is an ordinary filter object (relations join, the tenant filter applies);
 * `row_number() over (partition by parent order by key, id)` ranks each parent's rows.
 */
async function firstPerParent<T extends Row>(
  em: EntityManager,
  entity: EntityClass<T>,
  parentKey: string,
  order: Order,
  limit: number,
  where: Record<string, unknown>,
) {
  const column = (key: string) => `e."${columnOf(em, entity as EntityClass<object>, key)}"`;
  const direction = order.direction === 'asc' ? 'asc' : 'desc';
  const rankBy = order.key === 'id' ? `e.id ${direction}` : `${column(order.key)} ${direction}, e.id ${direction}`;
  const qb = em
    .createQueryBuilder(entity as EntityClass<object>, 'e')
    .select(['e.id', raw(`row_number() over (partition by ${column(parentKey)} order by ${rankBy}) as rank`)] as never)
    .where(where as never);
  await qb.applyFilters();
  const { sql, params } = qb.toQuery();
  return raw(`select ranked.id from (${sql}) as ranked where ranked.rank <= ?`, [...params, limit]);
}

/**
 * The one loader factory: a set per request (or subscription operation), created with the request's
 * EntityManager fork, so every batch is tenant-scoped by the fork's `tenant` filter.
 * Each loader batches all the keys a GraphQL layer asks for in one tick into one SQL statement.
 */
export function createLoaders(em: EntityManager) {
  const loaders = new Map<string, DataLoader<string, unknown>>();
  function memo<V>(key: string, make: () => DataLoader<string, V>): DataLoader<string, V> {
    let loader = loaders.get(key);
    if (!loader) {
      loader = make() as DataLoader<string, unknown>;
      loaders.set(key, loader);
    }
    return loader as DataLoader<string, V>;
  }

  return {
    /** Rows by id; a foreign tenant's id loads as undefined, exactly like a missing one. */
    byId<T extends Row>(entity: EntityClass<T>): DataLoader<string, T | undefined> {
      return memo(
        `byId:${entity.name}`,
        () =>
          new DataLoader<string, T | undefined>(async (ids) => {
            const rows = (await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>)) as T[];
            const byId = new Map(rows.map((r) => [r.id, r]));
            return ids.map((id) => byId.get(id));
          }),
      );
    },

    /** Every row whose `parentKey` is the key: for short, bounded child lists (log steps, edges). */
    allOf<T extends Row>(entity: EntityClass<T>, parentKey: string, order: Order): DataLoader<string, T[]> {
      return memo(
        `allOf:${entity.name}:${parentKey}:${order.key}`,
        () =>
          new DataLoader<string, T[]>(async (parents) => {
            const rows = (await em.find(entity, { [parentKey]: { $in: [...parents] } } as FilterQuery<T>, {
              orderBy: orderBy(order) as never,
            })) as T[];
            const grouped = new Map<string, T[]>(parents.map((p) => [p, []]));
            for (const row of rows) grouped.get(prop(row, parentKey) as string)?.push(row);
            return parents.map((p) => grouped.get(p)!);
          }),
      );
    },

    /**
     * A page of each parent's children, all parents in one statement: `row_number() over (partition by
     * parent)` keeps at most `first + 1` rows per parent, so a cluster of 10,000 messages costs a page.
     * `where` may reach into relations (`{ message: { location: … } }`); `populate` joins relations
     * (and lazy properties, `message.body`) into the same statement.
     */
    pageOf<T extends Row>(
      entity: EntityClass<T>,
      parentKey: string,
      order: Order,
      args: PageArgs,
      where: Record<string, unknown> = {},
      /** Relations (or lazy properties) loaded with each row in the same statement (a join). */
      populate: string[] = [],
    ): DataLoader<string, Connection<T>> {
      const size = pageSize(args.first);
      const cursor = decodeCursor(args.after);
      const whereKey = JSON.stringify(where);
      const count = this.countOf(entity, parentKey, where);
      return memo(
        `pageOf:${entity.name}:${parentKey}:${order.key}:${size}:${args.after ?? ''}:${whereKey}:${populate.join()}`,
        () =>
          new DataLoader<string, Connection<T>>(async (parents) => {
            const rows =
              size === 0
                ? []
                : ((await em.find(
                    entity,
                    {
                      id: {
                        $in: await firstPerParent(em, entity, parentKey, order, size + 1, {
                          [parentKey]: { $in: [...parents] },
                          ...where,
                          ...afterCursor(order, cursor),
                        }),
                      },
                    } as FilterQuery<T>,
                    { orderBy: orderBy(order) as never, populate: populate as never, strategy: 'joined' },
                  )) as T[]);
            const grouped = new Map<string, T[]>(parents.map((p) => [p, []]));
            for (const row of rows) grouped.get(prop(row, parentKey) as string)?.push(row);
            return parents.map((p) => toConnection(grouped.get(p)!, size, cursorOf(order), () => count.load(p)));
          }),
      );
    },

    /** Plain rows by id (common/rows.ts); a foreign tenant's id loads as undefined, exactly like a missing one. */
    rowById<T extends Row>(entity: EntityClass<T>, fields?: ReadonlySet<string>): DataLoader<string, T | undefined> {
      return memo(
        `rowById:${entity.name}:${fieldsKey(fields)}`,
        () =>
          new DataLoader<string, T | undefined>(async (ids) => {
            const byId = new Map((await rowsById<T>(em, entity, ids, fields)).map((r) => [r.id, r]));
            return ids.map((id) => byId.get(id));
          }),
      );
    },

    /** Every child row of each parent, as plain rows, one statement per batch: short, bounded lists (log steps). */
    rowsOf<T extends Row>(entity: EntityClass<T>, parentKey: string, order: Order, fields?: ReadonlySet<string>): DataLoader<string, T[]> {
      return memo(
        `rowsOf:${entity.name}:${parentKey}:${order.key}:${order.direction}:${fieldsKey(fields)}`,
        () =>
          new DataLoader<string, T[]>(async (parents) => {
            const grouped = new Map<string, T[]>(parents.map((p) => [p, []]));
            for (const row of await rowsOfParents<T>(em, entity, parentKey, parents, order, fields))
              grouped.get(prop(row, parentKey) as string)?.push(row);
            return parents.map((p) => grouped.get(p)!);
          }),
      );
    },

    /**
     * A page of each parent's children as plain rows, every parent of the batch in one prepared statement
     * with each parent's `totalCount` in it when the client selects it (`withTotal`).
     */
    rowPageOf<T extends Row>(
      entity: EntityClass<T>,
      parentKey: string,
      order: Order,
      args: PageArgs,
      filter: RowFilter,
      withTotal: boolean,
      fields?: ReadonlySet<string>,
    ): DataLoader<string, Connection<T>> {
      const size = pageSize(args.first);
      const cursor = validCursor(order, decodeCursor(args.after));
      return memo(
        `rowPageOf:${entity.name}:${parentKey}:${order.key}:${order.direction}:${size}:${args.after ?? ''}:${JSON.stringify(filter)}:${withTotal}:${fieldsKey(fields)}`,
        () =>
          new DataLoader<string, Connection<T>>(async (parents) => {
            const pages =
              size === 0 && !withTotal
                ? new Map<string, { rows: T[]; total?: number }>()
                : await childPages<T>(em, entity, parentKey, parents, filter, order, cursor, size + 1, withTotal, fields);
            const count = this.countOf(entity, parentKey, ormFilter(filter));
            return parents.map((p) => {
              const page = pages.get(p);
              const total = page?.total;
              return toConnection(page?.rows ?? [], size, cursorOf(order), () =>
                total === undefined ? count.load(p) : Promise.resolve(total),
              );
            });
          }),
      );
    },

    /**
     * A loader another module builds (its batch is its own SQL), kept once per request under `name`, so
     * it shares the request's tenant fork and lifetime like the loaders above (actions/preview.service.ts).
     */
    custom<K, V>(name: string, make: (em: EntityManager) => DataLoader<K, V>): DataLoader<K, V> {
      return memo(`custom:${name}`, () => make(em) as unknown as DataLoader<string, V>) as unknown as DataLoader<K, V>;
    },

    /** How many children each parent has (a connection's `totalCount`), one grouped statement per batch. */
    countOf<T extends Row>(entity: EntityClass<T>, parentKey: string, where: Record<string, unknown> = {}): DataLoader<string, number> {
      return memo(
        `countOf:${entity.name}:${parentKey}:${JSON.stringify(where)}`,
        () =>
          new DataLoader<string, number>(async (parents) => {
            const qb = em
              .createQueryBuilder(entity as EntityClass<object>, 'e')
              .select([parentKey, raw('count(*) as n')] as never)
              .where({ [parentKey]: { $in: [...parents] }, ...where } as never)
              .groupBy(parentKey as never);
            const rows = await scopedRows(qb as never);
            const column = columnOf(em, entity as EntityClass<object>, parentKey);
            const counts = new Map<string, number>();
            for (const r of rows) counts.set(String(r[column]), Number(r.n));
            return parents.map((p) => counts.get(p) ?? 0);
          }),
      );
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

const fieldsKey = (fields: ReadonlySet<string> | undefined) => (fields ? [...fields].sort().join() : '*');

/** The same conditions as an ORM filter, for the count a row page falls back on when it was not asked for. */
function ormFilter(filter: RowFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter).map(([prop, c]) => [
      prop,
      {
        ...(c.in ? { $in: c.in } : {}),
        ...(c.gte !== undefined ? { $gte: c.gte } : {}),
        ...(c.lt !== undefined ? { $lt: c.lt } : {}),
      },
    ]),
  );
}
