import type { FilterQuery } from '@mikro-orm/core';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { afterCursor, cursorOf, orderBy, type Order } from '../common/loaders.js';
import { decodeCursor, pageSize, toConnection, type Connection, type PageArgs } from '../common/pagination.js';
import { Alert } from './alert.entity.js';
import type { AlertFilter } from './alert.types.js';

const NEWEST_FIRST: Order = { key: 'at', direction: 'desc', isDate: true };
const OLDEST_FIRST: Order = { key: 'at', direction: 'asc', isDate: true };

export async function listAlerts(ctx: Context, args: PageArgs & { filter?: AlertFilter }): Promise<Connection<Alert>> {
  const size = pageSize(args.first);
  const f = args.filter;
  if (f?.after && f.before && f.after >= f.before) throw badInput('filter.after must be earlier than filter.before', 'filter.after');
  const where: Record<string, unknown> = {};
  if (f?.kinds?.length) where.kind = { $in: f.kinds };
  if (f?.severities?.length) where.severity = { $in: f.severities };
  if (f?.after || f?.before) where.at = { ...(f.after ? { $gte: f.after } : {}), ...(f.before ? { $lt: f.before } : {}) };
  const rows =
    size === 0
      ? []
      : await ctx.em.find(Alert, { ...where, ...afterCursor(NEWEST_FIRST, decodeCursor(args.after)) } as FilterQuery<Alert>, {
          orderBy: orderBy(NEWEST_FIRST) as never,
          limit: size + 1,
        });
  return toConnection(rows, size, cursorOf(NEWEST_FIRST) as never, () => ctx.em.count(Alert, where as FilterQuery<Alert>));
}

/** The triggering alert and every correlated one, in the order they fired. */
export const alertsOf = (ctx: Context, investigationId: string, args: PageArgs) =>
  ctx.loaders.pageOf(Alert, 'investigationId', OLDEST_FIRST, args).load(investigationId);
