/**
 * The write half of ingestion: one parsed chunk → rows in one transaction. Messages go in with COPY
 * (see copyMessages); the other types with
 *   insert into t (…) select … from unnest($2::text[], $3::timestamptz[], …) on conflict (tenant_id, external_id) do nothing
 * (array columns travel as text[] of array literals and are cast per row). Every row gets the tenant id
 * the caller passes (the token's), never one from the record.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  copyField,
  copyFields,
  MESSAGE_COLUMN_NAMES,
  MESSAGE_COLUMNS,
  TABLES,
  type Row,
  type Table,
  type TableType,
} from './ingest.rows.js';

const q = (name: string) => `"${name}"`;

/** `insert … select … from unnest(…) on conflict do nothing returning …`, the statement for one table. */
function insertSql(t: Table, returning: string): string {
  const names = ['id', 'external_id', ...t.columns.map((c) => c.name)];
  const params = ['uuid', 'text', ...t.columns.map((c) => c.param)].map((p, i) => `$${i + 2}::${p}[]`);
  const select = [
    'u."id"',
    '$1::uuid',
    'u."external_id"',
    ...t.columns.map((c) => (c.cast ? `u.${q(c.name)}::${c.cast}` : `u.${q(c.name)}`)),
  ];
  let from = `unnest(${params.join(', ')}) as u(${names.map(q).join(', ')})`;
  let target = ['id', 'tenant_id', 'external_id', ...t.columns.map((c) => c.name)];
  if (t.table === 'email_messages') {
    // A zap that arrived before its message: the message is stored zapped (and quarantined) at once,
    // instead of inserted and then updated (an UPDATE rewrites the row and every index entry).
    from += ` left join lateral (select min(z."at") as zapped_at from "zap_events" z where z."tenant_id" = $1::uuid and z."message_external_id" = u."external_id") z on true`;
    const location = select.indexOf(`u."location"::delivery_location`);
    select[location] = `case when z.zapped_at is null then u."location"::delivery_location else 'QUARANTINE'::delivery_location end`;
    select.push('z.zapped_at');
    target = [...target, 'zapped_at'];
  }
  return (
    `insert into ${q(t.table)} (${target.map(q).join(', ')}) select ${select.join(', ')} from ${from} ` +
    `on conflict ("tenant_id", "external_id") do nothing returning ${returning}`
  );
}
const SQL = Object.fromEntries(
  Object.entries(TABLES).map(([type, t]) => [
    type,
    insertSql(t, type === 'zap' ? '"message_external_id", "at"' : type === 'alert' ? '"id"' : type === 'indicator' ? '"campaign"' : '1'),
  ]),
) as Record<TableType, string>;

/** Columns of the batch as unnest parameters: [tenant, ids, external ids, …columns]. */
function params(tenantId: string, rows: Row[], width: number): unknown[] {
  const columns = Array.from({ length: width }, (_, c) => rows.map((row) => row.values[c]));
  return [tenantId, rows.map(() => uuidv7()), rows.map((row) => row.id), ...columns];
}

export type Batch = Map<TableType, Row[]>;

const LOCATION = MESSAGE_COLUMNS.findIndex((c) => c.name === 'location');
const COPY_MESSAGES = `copy "email_messages" (${[...MESSAGE_COLUMN_NAMES, 'zapped_at'].map(q).join(', ')}) from stdin`;

/**
 * Messages, the bulk of every upload, go in with COPY straight into the table: measured on 2 cores, the
 * `insert … select from unnest(…) on conflict do nothing` of the other types took ~3× a COPY's database
 * time for the same message rows (`npm run bench:ingest`). COPY has no ON CONFLICT, so idempotency is
 * kept by asking the unique index first which ids this tenant already has (and which arrived earlier in
 * the batch), and zaps that came before their message are looked up in the same way. A concurrent upload
 * of the same ids can still win the race between that question and the COPY: the COPY then fails on the
 * unique index (23505), the transaction rolls back, and the caller writes the batch again with the
 * ON CONFLICT statement.
 */
async function copyMessages(client: PoolClient, tenantId: string, rows: Row[]): Promise<number> {
  const ids = rows.map((r) => r.id);
  const [existing, zaps] = await Promise.all([
    client.query<{ id: string }>(
      `select "external_id" as id from "email_messages" where "tenant_id" = $1::uuid and "external_id" = any($2::text[])`,
      [tenantId, ids],
    ),
    client.query<{ id: string; at: string }>(
      `select "message_external_id" as id, min("at")::text as at from "zap_events" where "tenant_id" = $1::uuid and "message_external_id" = any($2::text[]) group by 1`,
      [tenantId, ids],
    ),
  ]);
  const skip = new Set(existing.rows.map((r) => r.id));
  const zappedAt = new Map(zaps.rows.map((r) => [r.id, r.at]));
  let text = '';
  let count = 0;
  for (const row of rows) {
    if (skip.has(row.id)) continue;
    skip.add(row.id);
    const zapped = zappedAt.get(row.id);
    let fields = row.copy ?? copyFields(row.values);
    if (zapped) {
      // A zap that arrived before its message: the message is stored zapped (and quarantined) at once.
      const values = [...row.values];
      values[LOCATION] = 'QUARANTINE';
      fields = copyFields(values);
    }
    text += `${uuidv7()}\t${tenantId}\t${copyField(row.id)}\t${fields}\t${zapped ?? '\\N'}\n`;
    count++;
  }
  if (count > 0) await pipeline(Readable.from([text]), client.query(copyFrom(COPY_MESSAGES)));
  return count;
}

export interface Written {
  stored: Map<string, number>;
  alertIds: string[];
}

/**
 * Messages that match the tenant's block list (a blocked sender, URL or attachment hash; see
 * actions/builtin.executor.ts) are quarantined as they arrive. Run only for tenants that have a block
 * list, so ordinary uploads pay nothing for it.
 */
async function quarantineBlocked(client: PoolClient, tenantId: string, ids: string[]): Promise<void> {
  await client.query(
    `update "email_messages" m set "location" = 'QUARANTINE' where m."tenant_id" = $1::uuid and m."external_id" = any($2::text[]) and m."location" <> 'QUARANTINE'
       and exists (select 1 from "block_list_entries" b where b."tenant_id" = $1::uuid and b."lifted_at" is null and (
         (b."kind" = 'SENDER' and b."value" = m."sender") or (b."kind" = 'URL' and b."value" = any(m."url_keys" || m."urls")) or
         (b."kind" = 'FILE' and b."value" = any(m."attachment_hashes"))))`,
    [tenantId, ids],
  );
}

export const hasBlockList = async (client: PoolClient, tenantId: string) =>
  (await client.query(`select 1 from "block_list_entries" where "tenant_id" = $1::uuid and "lifted_at" is null limit 1`, [tenantId]))
    .rowCount! > 0;

export async function writeBatch(client: PoolClient, tenantId: string, batch: Batch, copy = true, blocks = false): Promise<Written> {
  const stored = new Map<string, number>();
  const alertIds: string[] = [];
  const after: (() => Promise<void>)[] = [];
  await client.query('begin');
  try {
    for (const [type, rows] of batch) {
      if (rows.length === 0) continue;
      if (type === 'message' && blocks) {
        // After the write, in its transaction: whichever statement below stores them.
        const ids = rows.map((r) => r.id);
        after.push(() => quarantineBlocked(client, tenantId, ids));
      }
      if (type === 'message' && copy) {
        stored.set(type, (stored.get(type) ?? 0) + (await copyMessages(client, tenantId, rows)));
        continue;
      }
      const table = TABLES[type];
      const result = await client.query(SQL[type], params(tenantId, rows, table.columns.length));
      stored.set(type, (stored.get(type) ?? 0) + (result.rowCount ?? 0));
      if (type === 'zap' && result.rows.length) {
        // A zap for a message stored earlier: mark it zapped now (the other order is handled at insert).
        await client.query(
          `update "email_messages" m set "zapped_at" = z."at", "location" = 'QUARANTINE' ` +
            `from unnest($2::text[], $3::timestamptz[]) as z("mid", "at") ` +
            `where m."tenant_id" = $1::uuid and m."external_id" = z."mid" and m."zapped_at" is null`,
          [
            tenantId,
            result.rows.map((r: { message_external_id: string }) => r.message_external_id),
            result.rows.map((r: { at: Date }) => r.at),
          ],
        );
      }
      if (type === 'indicator' && result.rows.length) {
        const campaigns = [...new Set(result.rows.map((r: { campaign: string | null }) => r.campaign).filter((c): c is string => !!c))];
        if (campaigns.length)
          await client.query(
            `insert into "campaigns" ("id", "tenant_id", "name") select u."id", $1::uuid, u."name" from unnest($2::uuid[], $3::text[]) as u("id", "name") on conflict ("tenant_id", "name") do nothing`,
            [tenantId, campaigns.map(() => uuidv7()), campaigns],
          );
      }
      if (type === 'alert') alertIds.push(...result.rows.map((r: { id: string }) => r.id));
    }
    for (const step of after) await step();
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  }
  return { stored, alertIds };
}

export const isUniqueViolation = (e: unknown) => (e as { code?: unknown }).code === '23505';

/**
 * Whether a statement failed on what it wrote (so one row may be to blame and the batch is retried row by
 * row): any SQLSTATE except those of the connection or the server — 08 connection, 40 rollback
 * (serialization, deadlock), 53 resources, 57 operator intervention (shutdown, statement timeout), 58 and
 * XX internal. Data (22), integrity (23), limits (54, an index row too large) and a trigger's RAISE (P0)
 * are a row's; a dropped connection has no SQLSTATE at all.
 */
export const isRowError = (e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|40|53|57|58|XX)/.test(code);
};
