import type { FilterQuery } from '@mikro-orm/core';
import type { Context } from '../context.js';
import { afterCursor, cursorOf, orderBy, type Order } from '../common/loaders.js';
import { decodeCursor, pageSize, toConnection, type Connection, type PageArgs } from '../common/pagination.js';
import { Action } from './action.entity.js';
import { ActionStatus } from './action.enums.js';
import type { ActionFilter } from './action.types.js';

const NEWEST_FIRST: Order = { key: 'createdAt', direction: 'desc', isDate: true };
const OLDEST_FIRST: Order = { key: 'createdAt', direction: 'asc', isDate: true };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The action centre: actions waiting for a decision, across investigations, newest first. */
export async function listPendingActions(ctx: Context, args: PageArgs & { filter?: ActionFilter }): Promise<Connection<Action>> {
  const size = pageSize(args.first);
  const f = args.filter;
  const where: Record<string, unknown> = { status: ActionStatus.PENDING_APPROVAL };
  if (f?.types?.length) where.type = { $in: f.types };
  // A malformed or foreign investigation id filters to nothing, like an id without actions.
  if (f?.investigationId) where.investigationId = UUID.test(f.investigationId) ? f.investigationId.toLowerCase() : null;
  if (f?.createdAfter) where.createdAt = { $gte: f.createdAfter };
  const rows =
    size === 0
      ? []
      : await ctx.em.find(Action, { ...where, ...afterCursor(NEWEST_FIRST, decodeCursor(args.after)) } as FilterQuery<Action>, {
          orderBy: orderBy(NEWEST_FIRST) as never,
          limit: size + 1,
        });
  return toConnection(rows, size, cursorOf(NEWEST_FIRST) as never, () => ctx.em.count(Action, where as FilterQuery<Action>));
}

export function actionsOf(ctx: Context, investigationId: string, args: PageArgs & { statuses?: ActionStatus[] }) {
  const where = args.statuses?.length ? { status: { $in: args.statuses } } : {};
  return ctx.loaders.pageOf(Action, 'investigationId', OLDEST_FIRST, args, where).load(investigationId);
}
