import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../errors.js';

/** @default 20 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items, 0–${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Always false: pages go forward from `after`.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor?: string;
  @Field(() => String, { nullable: true })
  endCursor?: string;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

/**
 * What every connection field resolves to. `totalCount` is a getter, so its query runs only when a
 * client selects it (graphql-shield's middleware reads fields as properties; it does not call them).
 */
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** Relay connection and edge types for `node`, named `<name>Connection` and `<name>Edge`. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => node)
    node!: T;
    @Field(() => String)
    cursor!: string;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];
    @Field(() => PageInfo)
    pageInfo!: PageInfo;
    @Field(() => Int, { description: 'All items that match, across pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** A position in a list ordered by (sort key, id). */
export interface Cursor {
  key: string | number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url');
}

export function decodeCursor(after: string | undefined | null): Cursor | undefined {
  if (after === undefined || after === null) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === 'string' || typeof value[0] === 'number') &&
      typeof value[1] === 'string'
    ) {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw badInput(`after: '${after.slice(0, 40)}' is not a cursor this API issued; pass a pageInfo.endCursor`, 'after');
}

export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}, but got ${first}`, 'first');
  }
  return first;
}

/** Build a connection from `size + 1` rows fetched in order: the extra row only says there is a next page. */
export function toConnection<T>(rows: T[], size: number, cursorOf: (row: T) => Cursor, totalCount: () => Promise<number>): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return withEdges(
    {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor,
        endCursor: edges.at(-1)?.cursor,
      },
    },
    totalCount,
  );
}

/** A connection from edges and page info, with the lazy total. */
export function withEdges<T>(page: { edges: Edge<T>[]; pageInfo: PageInfo }, totalCount: () => Promise<number>): Connection<T> {
  return {
    edges: page.edges,
    pageInfo: page.pageInfo,
    get totalCount() {
      return totalCount();
    },
  };
}
