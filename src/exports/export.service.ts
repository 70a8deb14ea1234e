import Cursor from 'pg-cursor';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { Orm } from '../db/database.js';
import { coerceError } from '../errors.js';
import type { InvestigationFilter } from '../investigations/investigation.types.js';
import type { ActionTarget } from '../actions/action.entity.js';
import { decimalCell, textCell, type Cell } from './csv.js';

declare const scoped: unique symbol;

/**
 * A statement whose first condition is `tenant_id = $1` on its main table and on every joined table.
 * Only `tenantSelect` makes one (the brand cannot be forged outside this module), and `cursorRows`
 * takes nothing else: an export cannot run a query that forgot its tenant. The exports read through
 * raw SQL rather than em.find because they stream, and the ORM's tenant filter applies to neither raw
 * SQL nor the QueryBuilder (see common/aggregate.ts), so the scoping is written here, once.
 */
export interface TenantScopedQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly [scoped]: true;
}

/** Adds a parameter and answers its placeholder (`$2`, `$3`, …); `$1` is always the tenant. */
type Bind = (value: unknown) => string;

export interface SelectParts {
  select: string;
  /** The main table and its alias, e.g. `investigations i`. */
  from: { table: string; alias: string };
  /** Left joins; each gets `and <alias>.tenant_id = $1` appended to its condition. */
  joins?: { table: string; alias: string; on: string }[];
  where?: (bind: Bind) => string[];
  orderBy: string;
}

export function tenantSelect(tenantId: string, parts: SelectParts): TenantScopedQuery {
  const params: unknown[] = [tenantId];
  const bind: Bind = (value) => {
    params.push(value);
    return `$${params.length}`;
  };
  const joins = (parts.joins ?? []).map((j) => `left join ${j.table} ${j.alias} on ${j.on} and ${j.alias}.tenant_id = $1`);
  const conditions = [`${parts.from.alias}.tenant_id = $1`, ...(parts.where?.(bind) ?? [])];
  const sql = [
    `select ${parts.select}`,
    `from ${parts.from.table} ${parts.from.alias}`,
    ...joins,
    `where ${conditions.join(' and ')}`,
    `order by ${parts.orderBy}`,
  ].join('\n');
  return { sql, params } as unknown as TenantScopedQuery;
}

/**
 * Rows of a tenant-scoped query, read from a server-side cursor `batchSize` at a time on a connection
 * of its own. The generator is pulled: the next batch is fetched only when the consumer (the CSV
 * pipeline, paced by the socket) asks for it, so memory holds one batch whatever the row count.
 * Returning early (client gone) closes the cursor and releases the connection; a connection whose
 * cursor failed is destroyed rather than handed back to the pool in an unknown protocol state.
 */
export async function* cursorRows<R>(orm: Orm, query: TenantScopedQuery, batchSize = 1000): AsyncGenerator<R, void, undefined> {
  const pool = await (orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  const client = await pool.connect();
  let failure: Error | undefined;
  const cursor = client.query(new Cursor<R>(query.sql, [...query.params]));
  try {
    for (;;) {
      const rows = await cursor.read(batchSize);
      if (rows.length === 0) return;
      yield* rows;
    }
  } catch (e) {
    failure = coerceError(e);
    throw e;
  } finally {
    if (!failure) await cursor.close().catch((e: unknown) => (failure = coerceError(e)));
    client.release(failure);
  }
}

/**
 * An instant as ISO 8601 UTC text, made by PostgreSQL: the ORM's pool hands timestamps and jsonb over as
 * text in its own formats, so the exports format in SQL and the cells do not depend on type parsers.
 */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What one CSV export is: its file name, header, query and how a row becomes a record. */
export interface CsvExport<R = never> {
  filename: string;
  header: readonly string[];
  query: TenantScopedQuery;
  toRecord(row: R): Cell[];
}

interface InvestigationRow {
  id: string;
  title: string;
  playbook: string;
  state: string;
  state_reason: string | null;
  subject: string | null;
  created: string;
  started: string | null;
  ended: string | null;
}

/** The main investigation page as a file: the same filters and order as `Query.investigations`. */
export function investigationsExport(tenantId: string, filter: InvestigationFilter): CsvExport<InvestigationRow> {
  return {
    filename: 'investigations.csv',
    header: ['id', 'title', 'playbook', 'state', 'state reason', 'subject', 'created', 'started', 'ended'],
    query: tenantSelect(tenantId, {
      select: `i.id, i.title, i.playbook, i.state, i.state_reason, i.subject, ${iso('i.created_at')} as created, ${iso('i.started_at')} as started, ${iso('i.ended_at')} as ended`,
      from: { table: 'investigations', alias: 'i' },
      where: (bind) => [
        ...(filter.states?.length ? [`i.state = any(${bind(filter.states)}::investigation_state[])`] : []),
        ...(filter.playbooks?.length ? [`i.playbook = any(${bind(filter.playbooks)}::playbook[])`] : []),
        ...(filter.createdAfter ? [`i.created_at >= ${bind(filter.createdAfter)}`] : []),
        ...(filter.createdBefore ? [`i.created_at < ${bind(filter.createdBefore)}`] : []),
      ],
      // Newest first, as the page shows them; the (tenant_id, created_at, id) index serves it backwards.
      orderBy: 'i.created_at desc, i.id desc',
    }),
    toRecord: (r) => [
      r.id,
      r.title,
      r.playbook,
      r.state,
      textCell(r.state_reason),
      textCell(r.subject),
      r.created,
      textCell(r.started),
      textCell(r.ended),
    ],
  };
}

interface LogStepRow {
  name: string;
  phase: string;
  description: string;
  status: string;
  started: string | null;
  ended: string | null;
  seconds: string | null;
}

/** One investigation's log, in playbook order. */
export function logExport(tenantId: string, investigationId: string): CsvExport<LogStepRow> {
  return {
    filename: `investigation-${investigationId}-log.csv`,
    header: ['step', 'phase', 'description', 'status', 'start', 'end', 'duration (s)'],
    query: tenantSelect(tenantId, {
      select: `s.name, s.phase, s.description, s.status, ${iso('s.started_at')} as started, ${iso('s.ended_at')} as ended,
        extract(epoch from s.ended_at - s.started_at)::text as seconds`,
      from: { table: 'log_steps', alias: 's' },
      where: (bind) => [`s.investigation_id = ${bind(investigationId)}`],
      orderBy: 's.seq, s.id',
    }),
    toRecord: (r) => [r.name, r.phase, r.description, r.status, textCell(r.started), textCell(r.ended), decimalCell(r.seconds)],
  };
}

interface ActionRow {
  type: string;
  targets: string;
  cluster_name: string | null;
  cluster_messages: number | null;
  status: string;
  decided_by: string | null;
  decision_comment: string | null;
  result: string | null;
  error: string | null;
}

/** `KIND value`, one target a line; an email action's cluster first, since that is what it deletes. */
function targetsCell(r: ActionRow): Cell {
  const lines = [
    ...(r.cluster_name !== null ? [`EMAIL_CLUSTER ${r.cluster_name} (${r.cluster_messages ?? 0} messages)`] : []),
    ...(JSON.parse(r.targets) as ActionTarget[]).map((t) => `${t.kind} ${t.value}`),
  ];
  return lines.length ? lines.join('\n') : undefined;
}

/** One investigation's actions, oldest first, with who decided and what running them did. */
export function actionsExport(tenantId: string, investigationId: string): CsvExport<ActionRow> {
  return {
    filename: `investigation-${investigationId}-actions.csv`,
    header: ['type', 'targets', 'status', 'decided by', 'comment', 'result'],
    query: tenantSelect(tenantId, {
      select:
        'a.type, a.targets::text, c.name as cluster_name, c.message_count as cluster_messages, a.status, a.decided_by, a.decision_comment, a.result::text, a.error',
      from: { table: 'actions', alias: 'a' },
      joins: [{ table: 'email_clusters', alias: 'c', on: 'c.id = a.cluster_id' }],
      where: (bind) => [`a.investigation_id = ${bind(investigationId)}`],
      orderBy: 'a.created_at, a.id',
    }),
    toRecord: (r) => [
      r.type,
      targetsCell(r),
      r.status,
      textCell(r.decided_by),
      textCell(r.decision_comment),
      r.result ?? (r.error ? `error: ${r.error}` : undefined),
    ],
  };
}

/** True when the investigation exists in the viewer's tenant; another tenant's id is simply absent. */
export async function investigationExists(orm: Orm, tenantId: string, investigationId: string): Promise<boolean> {
  const query = tenantSelect(tenantId, {
    select: '1',
    from: { table: 'investigations', alias: 'i' },
    where: (bind) => [`i.id = ${bind(investigationId)}`],
    orderBy: 'i.id',
  });
  for await (const _row of cursorRows(orm, query, 1)) return true;
  return false;
}
