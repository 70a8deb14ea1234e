/**
 * `Action.preview`: what an action would touch if it ran now, counted in the database. One statement per
 * batch of actions (a DataLoader per request and `top`), so a page of the action centre costs one
 * statement, not one per action; the messages never leave PostgreSQL, only their counts do.
 *
 * The message sets are the executors' own (builtin.executor.ts): an email action's cluster members still
 * in a location `movedFrom` its type, and a block action's target matched as ingestion's block list
 * matches mail (ingest.writer.ts `quarantineBlocked`). Measured on a 12,000-message cluster
 * (test/action-preview.test.ts's data, EXPLAIN ANALYZE): two email actions over it and two block actions in one
 * statement that aggregates 28,000 rows, 280 ms on a two-core machine under a load average of 8.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { sql } from '../db/sql.js';
import { actedOnMemberSql } from '../investigations/email-cluster.entity.js';
import { BLOCK_KIND_OF, BlockKind, EMAIL_ACTION_DESTINATION, movedFrom, PreviewScope } from '../domain/action.js';
import { EntityKind } from '../domain/investigation.js';
import { normaliseUrl } from '../domain/url.js';
import type { Action } from './action.entity.js';
import { ActionPreview, DEFAULT_PREVIEW_TOP, MAX_PREVIEW_TOP, type PreviewCount } from './preview.types.js';

/** A block target as the block list matches it: URLs by their normal form (as messages carry them in `url_keys`), the rest lower-cased. */
const blockValue = (kind: BlockKind, value: string) => (kind === BlockKind.URL ? normaliseUrl(value) : value.trim().toLowerCase());

type Dimension = 'TOTAL' | 'MAILBOX' | 'SENDER' | 'LOCATION' | 'DETECTION' | 'VERDICT';
interface Row {
  action_id: string;
  dim: Dimension;
  key: string | null;
  n: number;
  keys: number;
}

/*
 * One pass over the messages in scope: `grouping sets` counts them by mailbox, sender, location, detection
 * verdict and member verdict, and in total, per action; the window functions rank each dimension and count
 * its distinct keys, so only the top rows of the two unbounded dimensions come back.
 * Each (action, message) pair appears once without a DISTINCT: a cluster lists a message once and a
 * message has one location, and a block action's targets are matched as one array (`= any`, `&&`), so a
 * message carrying two of them counts once (a `union` would sort all 28,000 rows of the measurement below to de-duplicate).
 * The three block branches are separate so each can use the hunting index (sender equality, url_keys /
 * attachment_hashes overlap) instead of one OR that no index serves.
 */
const PREVIEW_SQL = `
with moves(action_id, cluster_id, loc) as (select * from unnest(?::uuid[], ?::uuid[], ?::delivery_location[])),
blocks as (
  select action_id, kind, array_agg(value) as vals from unnest(?::uuid[], ?::text[], ?::text[]) as b(action_id, kind, value) group by 1, 2
),
scope as (
  select mv.action_id, m.recipient, m.sender, m.location::text as location, coalesce(m.verdict::text, 'NONE') as detection,
         c.verdict::text as verdict
    from moves mv
    join email_clusters cl on cl.tenant_id = ? and cl.id = mv.cluster_id
    join email_cluster_members c on c.tenant_id = cl.tenant_id and c.cluster_id = cl.id
    join email_messages m on m.tenant_id = c.tenant_id and m.id = c.message_id and m.location = mv.loc
   where ${actedOnMemberSql('c', 'cl')}
  union all
  select b.action_id, m.recipient, m.sender, m.location::text, coalesce(m.verdict::text, 'NONE'), null
    from blocks b join email_messages m on m.tenant_id = ? and m.sender = any(b.vals) where b.kind = 'SENDER'
  union all
  select b.action_id, m.recipient, m.sender, m.location::text, coalesce(m.verdict::text, 'NONE'), null
    from blocks b join email_messages m on m.tenant_id = ? and m.url_keys && b.vals where b.kind = 'URL'
  union all
  select b.action_id, m.recipient, m.sender, m.location::text, coalesce(m.verdict::text, 'NONE'), null
    from blocks b join email_messages m on m.tenant_id = ? and m.attachment_hashes && b.vals where b.kind = 'FILE'
),
counted as (
  select action_id,
         case when grouping(recipient) = 0 then 'MAILBOX' when grouping(sender) = 0 then 'SENDER'
              when grouping(location) = 0 then 'LOCATION' when grouping(detection) = 0 then 'DETECTION'
              when grouping(verdict) = 0 then 'VERDICT' else 'TOTAL' end as dim,
         case when grouping(recipient) = 0 then recipient when grouping(sender) = 0 then sender
              when grouping(location) = 0 then location when grouping(detection) = 0 then detection else verdict end as key,
         count(*)::int as n
    from scope
   group by grouping sets ((action_id, recipient), (action_id, sender), (action_id, location), (action_id, detection), (action_id, verdict), (action_id))
),
ranked as (
  select *, row_number() over (partition by action_id, dim order by n desc, key) as rank,
         count(*) over (partition by action_id, dim)::int as keys
    from counted where dim <> 'VERDICT' or key is not null
)
select action_id, dim, key, n, keys from ranked where rank <= ? or dim not in ('MAILBOX', 'SENDER')`;

const counts = (rows: Row[], dim: Dimension): PreviewCount[] =>
  rows.filter((r) => r.dim === dim && r.key !== null).map((r) => ({ key: r.key!, count: r.n }));

function previewOf(action: Action, rows: Row[]): ActionPreview {
  const scope = EMAIL_ACTION_DESTINATION[action.type]
    ? PreviewScope.MESSAGES_MOVED
    : BLOCK_KIND_OF[action.type]
      ? PreviewScope.MESSAGES_CARRYING_TARGET
      : PreviewScope.TARGETS;
  const targetsOf = (kind: EntityKind) => action.targets.filter((t) => t.kind === kind).map((t) => t.value);
  return {
    scope,
    messages: rows.find((r) => r.dim === 'TOTAL')?.n ?? 0,
    mailboxes: rows.find((r) => r.dim === 'MAILBOX')?.keys ?? 0,
    topMailboxes: counts(rows, 'MAILBOX'),
    senders: rows.find((r) => r.dim === 'SENDER')?.keys ?? 0,
    topSenders: counts(rows, 'SENDER'),
    byLocation: counts(rows, 'LOCATION'),
    byDetectionVerdict: counts(rows, 'DETECTION'),
    byVerdict: counts(rows, 'VERDICT'),
    targets: action.targets,
    users: targetsOf(EntityKind.USER),
    machines: targetsOf(EntityKind.MACHINE),
  };
}

/** The previews of a batch of actions: one statement, whatever the mix of types. */
async function loadPreviews(em: EntityManager, tenantId: string, top: number, actions: readonly Action[]): Promise<ActionPreview[]> {
  const moves = { ids: [] as string[], clusters: [] as string[], locations: [] as string[] };
  const blocks = { ids: [] as string[], kinds: [] as string[], values: [] as string[] };
  for (const action of actions) {
    if (action.clusterId && EMAIL_ACTION_DESTINATION[action.type])
      for (const location of movedFrom(action.type)) {
        moves.ids.push(action.id);
        moves.clusters.push(action.clusterId);
        moves.locations.push(location);
      }
    const kind = BLOCK_KIND_OF[action.type];
    if (kind)
      for (const target of action.targets) {
        blocks.ids.push(action.id);
        blocks.kinds.push(kind);
        blocks.values.push(blockValue(kind, target.value));
      }
  }
  const rows =
    moves.ids.length + blocks.ids.length === 0
      ? []
      : await sql<Row>(em, PREVIEW_SQL, [
          moves.ids,
          moves.clusters,
          moves.locations,
          blocks.ids,
          blocks.kinds,
          blocks.values,
          tenantId,
          tenantId,
          tenantId,
          tenantId,
          top,
        ]);
  const byAction = new Map<string, Row[]>(actions.map((a) => [a.id, []]));
  for (const row of rows) byAction.get(row.action_id)?.push(row);
  return actions.map((a) => previewOf(a, byAction.get(a.id) ?? []));
}

/** `Action.preview(top)`: batched with every other action's preview the same request asks for with the same `top`. */
export function previewAction(ctx: Context, action: Action, top: number | undefined | null): Promise<ActionPreview> {
  const n = top ?? DEFAULT_PREVIEW_TOP;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PREVIEW_TOP)
    throw badInput(`top must be between 1 and ${MAX_PREVIEW_TOP}, but got ${n}`, 'top');
  const tenantId = ctx.viewer.tenantId;
  return ctx.loaders
    .custom(
      `action-preview:${n}`,
      (em) => new DataLoader<Action, ActionPreview, string>((batch) => loadPreviews(em, tenantId, n, batch), { cacheKeyFn: (a) => a.id }),
    )
    .load(action);
}
