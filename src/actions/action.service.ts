import type { Context } from '../context.js';
import { pageOfAll, type Order } from '../common/loaders.js';
import type { Connection, PageArgs } from '../common/pagination.js';
import { Action } from './action.entity.js';
import { ActionStatus } from './action.enums.js';
import type { ActionFilter } from './action.types.js';

const NEWEST_FIRST: Order = { key: 'createdAt', direction: 'desc', isDate: true };
const OLDEST_FIRST: Order = { key: 'createdAt', direction: 'asc', isDate: true };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The action centre: actions waiting for a decision, across investigations, newest first. */
export async function listPendingActions(ctx: Context, args: PageArgs & { filter?: ActionFilter }): Promise<Connection<Action>> {
  const f = args.filter;
  const where: Record<string, unknown> = { status: ActionStatus.PENDING_APPROVAL };
  if (f?.types?.length) where.type = { $in: f.types };
  // A malformed or foreign investigation id filters to nothing, like an id without actions.
  if (f?.investigationId) where.investigationId = UUID.test(f.investigationId) ? f.investigationId.toLowerCase() : null;
  if (f?.createdAfter) where.createdAt = { $gte: f.createdAfter };
  return pageOfAll(ctx.em, Action, where, NEWEST_FIRST, args);
}

export function actionsOf(ctx: Context, investigationId: string, args: PageArgs & { statuses?: ActionStatus[] }) {
  const where = args.statuses?.length ? { status: { $in: args.statuses } } : {};
  return ctx.loaders.pageOf(Action, 'investigationId', OLDEST_FIRST, args, where).load(investigationId);
}
