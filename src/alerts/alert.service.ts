import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { pageOfAll, type Order } from '../common/loaders.js';
import type { Connection, PageArgs } from '../common/pagination.js';
import { Alert } from './alert.entity.js';
import type { AlertFilter } from './alert.types.js';

const NEWEST_FIRST: Order = { key: 'at', direction: 'desc', isDate: true };
const OLDEST_FIRST: Order = { key: 'at', direction: 'asc', isDate: true };

export async function listAlerts(ctx: Context, args: PageArgs & { filter?: AlertFilter }): Promise<Connection<Alert>> {
  const f = args.filter;
  if (f?.after && f.before && f.after >= f.before) throw badInput('filter.after must be earlier than filter.before', 'filter.after');
  const where: Record<string, unknown> = {};
  if (f?.kinds?.length) where.kind = { $in: f.kinds };
  if (f?.severities?.length) where.severity = { $in: f.severities };
  if (f?.after || f?.before) where.at = { ...(f.after ? { $gte: f.after } : {}), ...(f.before ? { $lt: f.before } : {}) };
  return pageOfAll(ctx.em, Alert, where, NEWEST_FIRST, args);
}

/** The triggering alert and every correlated one, in the order they fired. */
export const alertsOf = (ctx: Context, investigationId: string, args: PageArgs) =>
  ctx.loaders.pageOf(Alert, 'investigationId', OLDEST_FIRST, args).load(investigationId);
