import type { RowFilter } from '../common/rows.js';
import type { Context } from '../context.js';
import { pageOfAll, type Order } from '../common/loaders.js';
import type { Connection, PageArgs } from '../common/pagination.js';
import { Action } from './action.entity.js';
import { ActionStatus, periodStart } from '../domain/action.js';
import type { ActionFilter } from './action.types.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { ActionStatus as Status } from '../domain/action.js';
import type { ActionHistoryArgs } from './decision.types.js';
import { isUuid } from '../common/lookup.js';

const NEWEST_FIRST: Order = { key: 'createdAt', direction: 'desc', isDate: true };
const OLDEST_FIRST: Order = { key: 'createdAt', direction: 'asc', isDate: true };

/** The action centre: actions waiting for a decision, across investigations, newest first. */
export async function listPendingActions(ctx: Context, args: PageArgs & { filter?: ActionFilter }): Promise<Connection<Action>> {
  const f = args.filter;
  const where: Record<string, unknown> = { status: ActionStatus.PENDING_APPROVAL };
  if (f?.types?.length) where.type = { $in: f.types };
  // A malformed or foreign investigation id filters to nothing, like an id without actions.
  if (f?.investigationId) where.investigationId = isUuid(f.investigationId) ? f.investigationId.toLowerCase() : null;
  if (f?.createdAfter) where.createdAt = { $gte: f.createdAfter };
  if (f?.period) where.createdAt = { ...(where.createdAt as object), $gte: periodStart(f.period) };
  return pageOfAll(ctx.em, Action, where, NEWEST_FIRST, args);
}

/** An investigation's actions as plain rows (common/rows.ts); `withTotal` when the client selects `totalCount`. */
export function actionsOf(
  ctx: Context,
  investigationId: string,
  args: PageArgs & { statuses?: ActionStatus[] },
  withTotal = true,
  fields?: ReadonlySet<string>,
) {
  const filter: RowFilter = args.statuses?.length ? { status: { in: args.statuses } } : {};
  return ctx.loaders.rowPageOf(Action, 'investigationId', OLDEST_FIRST, args, filter, withTotal, fields).load(investigationId);
}

const DECIDED_NEWEST_FIRST: Order = { key: 'decidedAt', direction: 'desc', isDate: true };

/** The action centre's history: every decided action (approved, rejected, expired, run, undone), newest decision first. */
export async function actionHistory(ctx: Context, args: ActionHistoryArgs): Promise<Connection<Action>> {
  const f = args.filter;
  const where: Record<string, unknown> = { status: { $ne: Status.PENDING_APPROVAL }, decidedAt: { $ne: null } };
  if (f?.types?.length) where.type = { $in: f.types };
  if (f?.source) where.source = f.source;
  if (f?.investigationId) where.investigationId = isUuid(f.investigationId) ? f.investigationId.toLowerCase() : null;
  if (f?.period) where.decidedAt = { $gte: periodStart(f.period) };
  return pageOfAll(ctx.em, Action, where, DECIDED_NEWEST_FIRST, args);
}

/** An action's own history: its audit entries, oldest first. */
export function historyOf(ctx: Context, actionId: string, args: PageArgs) {
  return ctx.loaders.pageOf(AuditEvent, 'subjectId', { key: 'at', direction: 'asc', isDate: true }, args).load(actionId);
}
