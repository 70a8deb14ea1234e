import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { notFound } from '../errors.js';
import { isUuid } from '../common/lookup.js';
import { rowPageOfAll, type Order } from '../common/loaders.js';
import type { RowFilter } from '../common/rows.js';
import { withEdges, type Connection, type PageArgs } from '../common/pagination.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { Investigation } from './investigation.entity.js';
import { GraphEdge, InvestigatedEntity } from './investigated-entity.entity.js';
import { EmailCluster, EmailClusterMember } from './email-cluster.entity.js';
import { LogStep } from './log-step.entity.js';
import { EntityKind, Phase } from '../domain/investigation.js';
import type { DeliveryLocation, Verdict } from '../domain/telemetry.js';
import {
  GRAPH_EDGE_LIMIT,
  GRAPH_NODE_LIMIT,
  type EntitiesArgs,
  type InvestigationFilter,
  type InvestigationGraph,
  type InvestigationTimings,
} from './investigation.types.js';

/** Newest first, as the main investigation page shows them. */
export const INVESTIGATION_ORDER: Order = { key: 'createdAt', direction: 'desc', isDate: true };
const CREATION_ORDER: Order = { key: 'createdAt', direction: 'asc', isDate: true };
const STEP_ORDER: Order = { key: 'seq', direction: 'asc' };

export function investigationWhere(filter: InvestigationFilter | undefined): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (!filter) return where;
  if (filter.createdAfter && filter.createdBefore && filter.createdAfter >= filter.createdBefore) {
    throw badInput('filter.createdAfter must be earlier than filter.createdBefore', 'filter.createdAfter');
  }
  if (filter.states?.length) where.state = { $in: filter.states };
  if (filter.playbooks?.length) where.playbook = { $in: filter.playbooks };
  if (filter.createdAfter || filter.createdBefore) {
    where.createdAt = {
      ...(filter.createdAfter ? { $gte: filter.createdAfter } : {}),
      ...(filter.createdBefore ? { $lt: filter.createdBefore } : {}),
    };
  }
  return where;
}

/** The same filter for the row reader (common/rows.ts). */
function investigationRowFilter(filter: InvestigationFilter | undefined): RowFilter {
  investigationWhere(filter); // the same checks, the same errors
  const rows: RowFilter = {};
  if (filter?.states?.length) rows.state = { in: filter.states };
  if (filter?.playbooks?.length) rows.playbook = { in: filter.playbooks };
  if (filter?.createdAfter || filter?.createdBefore) rows.createdAt = { gte: filter.createdAfter, lt: filter.createdBefore };
  return rows;
}

/**
 * The pages below read plain rows (common/rows.ts), not entities: a row has the entity's property names
 * and values, which is all the GraphQL types read. `withTotal`: the client selects `totalCount`, which
 * then comes in the page's own statement.
 */
export function listInvestigations(
  ctx: Context,
  args: PageArgs & { filter?: InvestigationFilter },
  withTotal = true,
): Promise<Connection<Investigation>> {
  return rowPageOfAll(ctx.em, Investigation, investigationRowFilter(args.filter), INVESTIGATION_ORDER, args, withTotal);
}

/** One investigation of the viewer's tenant; a malformed id, a missing one and another tenant's answer the same NOT_FOUND. */
export async function getInvestigation(ctx: Context, id: string): Promise<Investigation> {
  const row = isUuid(id) ? await ctx.loaders.rowById(Investigation).load(id.toLowerCase()) : undefined;
  if (!row) throw notFound('Investigation', id);
  return row;
}

export function entitiesOf(
  ctx: Context,
  investigationId: string,
  args: EntitiesArgs,
  withTotal = true,
  fields?: ReadonlySet<string>,
): Promise<Connection<InvestigatedEntity>> {
  const filter: RowFilter = {};
  if (args.kinds?.length) filter.kind = { in: args.kinds };
  if (args.verdicts?.length) filter.verdict = { in: args.verdicts };
  return ctx.loaders
    .rowPageOf(InvestigatedEntity, 'investigationId', CREATION_ORDER, args, filter, withTotal, fields)
    .load(investigationId);
}

export const clustersOf = (ctx: Context, investigationId: string, args: PageArgs, withTotal = true, fields?: ReadonlySet<string>) =>
  ctx.loaders.rowPageOf(EmailCluster, 'investigationId', CREATION_ORDER, args, {}, withTotal, fields).load(investigationId);

export const logStepsOf = (ctx: Context, investigationId: string) =>
  ctx.loaders.rowsOf(LogStep, 'investigationId', STEP_ORDER).load(investigationId);

const MEMBER_ORDER: Order = { key: 'id', direction: 'asc' };

/**
 * A page of a cluster's messages, one statement for every cluster on the page. `locations` keeps only
 * messages that sit there (an action's `movedFrom`); `withBody` loads the lazy `body` and `quoted` in
 * the same statement, only when the client selects one of them.
 */
export async function clusterMessages(
  ctx: Context,
  clusterId: string,
  args: PageArgs,
  opts: { withBody: boolean; locations?: DeliveryLocation[]; verdicts?: Verdict[] },
): Promise<Connection<EmailMessage>> {
  const members = await clusterMembers(ctx, clusterId, args, opts);
  const edges = members.edges.map((edge) => ({ node: edge.node.message, cursor: edge.cursor }));
  return withEdges({ edges, pageInfo: members.pageInfo }, () => members.totalCount);
}

/** A page of a cluster's members — each message with its own verdict and evidence. */
export async function clusterMembers(
  ctx: Context,
  clusterId: string,
  args: PageArgs,
  opts: { withBody: boolean; locations?: DeliveryLocation[]; verdicts?: Verdict[] },
): Promise<Connection<EmailClusterMember>> {
  const where = {
    ...(opts.locations ? { message: { location: { $in: opts.locations } } } : {}),
    ...(opts.verdicts ? { verdict: { $in: opts.verdicts } } : {}),
  };
  const populate = opts.withBody ? ['message', 'message.body', 'message.quoted'] : ['message'];
  return ctx.loaders.pageOf(EmailClusterMember, 'clusterId', MEMBER_ORDER, args, where, populate).load(clusterId);
}

/** Phase timings derive from the log: a phase starts with its first step and ends with its last. */
export async function timingsOf(ctx: Context, investigation: Investigation): Promise<InvestigationTimings> {
  const steps = await logStepsOf(ctx, investigation.id);
  const seconds = (from?: Date, to?: Date) => (from && to ? (to.getTime() - from.getTime()) / 1000 : undefined);
  const phases = Object.values(Phase).map((phase) => {
    const inPhase = steps.filter((s) => s.phase === phase);
    const starts = inPhase.flatMap((s) => (s.startedAt ? [s.startedAt.getTime()] : []));
    const done = inPhase.length > 0 && inPhase.every((s) => s.endedAt || s.status === 'SKIPPED');
    const ends = inPhase.flatMap((s) => (s.endedAt ? [s.endedAt.getTime()] : []));
    const startedAt = starts.length ? new Date(Math.min(...starts)) : undefined;
    const endedAt = done && ends.length ? new Date(Math.max(...ends)) : undefined;
    return { phase, startedAt, endedAt, durationSeconds: seconds(startedAt, endedAt) };
  });
  return {
    phases,
    totalSeconds: seconds(investigation.createdAt, investigation.endedAt),
    queuedSeconds: seconds(investigation.createdAt, investigation.startedAt),
  };
}

export async function graphOf(ctx: Context, investigationId: string): Promise<InvestigationGraph> {
  const [entities, clusters, edges] = await Promise.all([
    ctx.em.find(InvestigatedEntity, { investigationId }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: GRAPH_NODE_LIMIT + 1 }),
    ctx.em.find(EmailCluster, { investigationId }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: GRAPH_NODE_LIMIT + 1 }),
    ctx.em.find(GraphEdge, { investigationId }, { limit: GRAPH_EDGE_LIMIT }),
  ]);
  const nodes = [
    ...clusters.map((c) => ({ id: c.id, kind: EntityKind.EMAIL_CLUSTER, label: c.name, verdict: c.verdict })),
    ...entities.map((e) => ({ id: e.id, kind: e.kind, label: e.displayName, verdict: e.verdict })),
  ];
  const truncated = nodes.length > GRAPH_NODE_LIMIT;
  const kept = nodes.slice(0, GRAPH_NODE_LIMIT);
  const ids = new Set(kept.map((n) => n.id));
  return {
    nodes: kept,
    edges: edges
      .filter((e) => ids.has(e.fromNodeId) && ids.has(e.toNodeId))
      .map((e) => ({ from: e.fromNodeId, to: e.toNodeId, relation: e.relation })),
    truncated,
  };
}
