/**
 * NDJSON ingestion: one record a line (DESIGN.md, "Ingestion records"), validated, fingerprinted and
 * written in batches, idempotent by (tenant, record id).
 *
 * Pipeline, and why: the body is split into lines here; every `batchSize` lines become a chunk that is
 * parsed, validated and fingerprinted (ingest.rows.ts) — in a piscina worker-thread pool when the caller
 * passes one (`POST /ingest` does), else in this thread — while PostgreSQL writes the chunks before it,
 * one transaction per chunk, in order. Measured on 2 cores (`npm run bench:ingest`): parsing costs
 * ~180 µs a message, as much CPU as PostgreSQL spends storing it, so doing both at once is what brings
 * the API near a bare COPY.
 *
 * Writes: messages go in with COPY (see copyMessages); the other types with
 *   insert into t (…) select … from unnest($2::text[], $3::timestamptz[], …) on conflict (tenant_id, external_id) do nothing
 * (array columns travel as text[] of array literals and are cast per row).
 *
 * Tenant scoping: every row gets the tenant id the caller passes (the token's), never one from the record.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Orm } from '../db/database.js';
import { coerceError } from '../errors.js';
import { RECORD_TYPES } from './ingest.records.js';
import { HUNTING_INDEX } from './email-message.entity.js';
import {
  copyField,
  copyFields,
  MESSAGE_COLUMN_NAMES,
  MESSAGE_COLUMNS,
  parseLines,
  TABLES,
  type IngestError,
  type ParsedBatch,
  type ParseTask,
  type Row,
  type Table,
  type TableType,
} from './ingest.rows.js';

export type { IngestError } from './ingest.rows.js';
export { copyFields, messageRow, MESSAGE_COLUMN_NAMES } from './ingest.rows.js';

export interface IngestReport {
  /** Non-blank lines read. */
  received: number;
  /** Records written now (new ids). */
  stored: number;
  /** Valid records whose id this tenant already had (or that repeated an id earlier in the body). */
  duplicates: number;
  /** Lines rejected (see `errors`). */
  failed: number;
  /** The first `maxErrors` failures, in line order. */
  errors: IngestError[];
  /** True when more lines failed than `errors` lists. */
  errorsTruncated: boolean;
  /** Records stored, by record type. */
  byType: Record<string, number>;
}

export interface IngestOptions {
  /** Lines per transaction. @default 4000 */
  batchSize?: number;
  /** A longer line fails (with its line number) and reading continues with the next. @default 10 MiB */
  maxLineBytes?: number;
  /** Errors listed in the report. @default 1000 */
  maxErrors?: number;
  /** Called after each committed batch with the ids of the alerts it stored (the playbook engine plugs in here). */
  onAlertsStored?: (alertIds: string[]) => Promise<void>;
  /** Where chunks are parsed: a worker-thread pool (ingest.pool.ts). @default this thread */
  parser?: LineParser;
  /** Chunks parsed ahead of the one being written. @default 1, or the pool's thread count + 1 */
  readAhead?: number;
}

/** Parses a chunk of lines into rows: `parseLines` itself, or the same function in a worker thread. */
export type LineParser = ((task: ParseTask) => Promise<ParsedBatch>) & { threads?: number };

/** A line too long to read whole: it is reported, never buffered. */
export class OversizeLine {
  constructor(readonly bytes: number) {}
}

/**
 * Split a byte stream into lines without holding more than one line (up to `maxLineBytes`) in memory.
 * Splitting on the byte 0x0A before decoding is safe: it never occurs inside a UTF-8 sequence.
 */
export async function* splitLines(body: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<string | OversizeLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversize = false;
  const finish = (tail: Buffer): string | OversizeLine => {
    const bytes = partBytes + tail.length;
    let result: string | OversizeLine;
    if (oversize || bytes > maxLineBytes) result = new OversizeLine(bytes);
    else if (parts.length === 0) result = tail.toString('utf8');
    else result = Buffer.concat([...parts, tail]).toString('utf8');
    parts = [];
    partBytes = 0;
    oversize = false;
    return result;
  };
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield finish(buf.subarray(start, nl));
      start = nl + 1;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      partBytes += rest.length;
      if (partBytes > maxLineBytes) {
        oversize = true;
        parts = [];
      } else parts.push(Buffer.from(rest));
    }
  }
  if (partBytes > 0 || oversize) yield finish(Buffer.alloc(0));
}

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
  const cols: unknown[][] = Array.from({ length: width + 2 }, () => new Array(rows.length));
  for (let i = 0; i < rows.length; i++) {
    cols[0][i] = uuidv7();
    cols[1][i] = rows[i].id;
    const values = rows[i].values;
    for (let c = 0; c < width; c++) cols[c + 2][i] = values[c];
  }
  return [tenantId, ...cols];
}

type Batch = Map<TableType, Row[]>;

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

interface Written {
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

const hasBlockList = async (client: PoolClient, tenantId: string) =>
  (await client.query(`select 1 from "block_list_entries" where "tenant_id" = $1::uuid and "lifted_at" is null limit 1`, [tenantId]))
    .rowCount! > 0;

async function writeBatch(client: PoolClient, tenantId: string, batch: Batch, copy = true, blocks = false): Promise<Written> {
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

const isUniqueViolation = (e: unknown) => (e as { code?: unknown }).code === '23505';

/** Errors a single row can cause (SQLSTATE classes 22 data exception, 23 integrity, 54 program limit, e.g. an index row too large). */
const isRowError = (e: unknown) => typeof (e as { code?: unknown }).code === 'string' && /^(22|23|54)/.test((e as { code: string }).code);

/**
 * Ingest NDJSON for one tenant. `lines` is either a byte stream (a request body, a file), split here
 * with a per-line size cap, or an iterable of lines already split. Bad lines are reported and skipped;
 * good lines are stored; the same record id twice stores once.
 */
export async function ingestNdjson(
  orm: Orm,
  tenantId: string,
  lines: AsyncIterable<string> | Iterable<string> | Readable,
  opts: IngestOptions = {},
): Promise<IngestReport> {
  const { batchSize = 4000, maxLineBytes = 10 * 1024 * 1024, maxErrors = 1000, onAlertsStored } = opts;
  const parser: LineParser = opts.parser ?? parseLines;
  const readAhead = opts.readAhead ?? (parser.threads ?? 0) + 1;
  const report: IngestReport = { received: 0, stored: 0, duplicates: 0, failed: 0, errors: [], errorsTruncated: false, byType: {} };
  const fail = (error: IngestError) => {
    report.failed++;
    if (report.errors.length < maxErrors) report.errors.push(error);
    else report.errorsTruncated = true;
  };

  const source: AsyncIterable<string | OversizeLine> | Iterable<string> =
    lines instanceof Readable ? splitLines(lines as AsyncIterable<Buffer>, maxLineBytes) : lines;
  const pool = await (orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  const client = await pool.connect();
  let released = false;
  let blocks = false;

  const account = (w: Written, sent: number) => {
    let total = 0;
    for (const [type, n] of w.stored) {
      total += n;
      report.byType[type] = (report.byType[type] ?? 0) + n;
    }
    report.stored += total;
    report.duplicates += sent - total;
  };

  const flush = async (b: Batch) => {
    const sent = [...b.values()].reduce((n, rows) => n + rows.length, 0);
    let written: Written;
    try {
      written = await writeBatch(client, tenantId, b, true, blocks).catch((e: unknown) => {
        // Another upload stored some of these messages between our check and our COPY (see copyMessages).
        if (isUniqueViolation(e)) return writeBatch(client, tenantId, b, false, blocks);
        throw e;
      });
      account(written, sent);
    } catch (e) {
      if (!isRowError(e)) throw e;
      // One row broke the batch (a value PostgreSQL refuses): write row by row, reporting the ones that fail.
      written = { stored: new Map(), alertIds: [] };
      for (const [type, rows] of b) {
        for (const row of rows) {
          try {
            const w = await writeBatch(client, tenantId, new Map([[type, [row]]]), false, blocks);
            account(w, 1);
            written.alertIds.push(...w.alertIds);
          } catch (rowError) {
            if (!isRowError(rowError)) throw rowError;
            fail({ line: row.line, id: row.id, message: `line ${row.line}: could not be stored: ${coerceError(rowError).message}` });
          }
        }
      }
    }
    if (written.alertIds.length && onAlertsStored) await onAlertsStored(written.alertIds);
  };

  /** A parsed chunk as one batch, written in RECORD_TYPES order (zaps before messages). */
  const toBatch = (parsed: ParsedBatch): Batch => {
    const batch: Batch = new Map();
    for (const t of RECORD_TYPES) if (t !== 'raw_message') batch.set(t, []);
    for (const row of parsed.rows) batch.get(row.type)!.push(row);
    return batch;
  };

  // Chunks are parsed ahead (in parallel when the parser is a pool) and written one at a time, in order.
  let writing: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  const submit = async (chunk: ParseTask['lines']) => {
    const parsed = parser({ lines: chunk, maxLineBytes });
    parsed.catch(() => undefined);
    writing = writing.then(async () => {
      const result = await parsed;
      result.errors.forEach(fail);
      await flush(toBatch(result));
    });
    // Keep an unobserved rejection from crashing the process before the next await picks it up.
    writing.catch(() => undefined);
    pending.push(writing);
    while (pending.length > readAhead) await pending.shift();
  };

  try {
    blocks = await hasBlockList(client, tenantId);
    let chunk: ParseTask['lines'] = [];
    let lineNo = 0;
    for await (const item of source as AsyncIterable<string | OversizeLine>) {
      lineNo++;
      if (item instanceof OversizeLine) {
        chunk.push([lineNo, item.bytes]);
      } else {
        if (item.trim() === '') continue;
        chunk.push([lineNo, item]);
      }
      report.received++;
      if (chunk.length >= batchSize) {
        const full = chunk;
        chunk = [];
        await submit(full);
      }
    }
    if (chunk.length > 0) await submit(chunk);
    await writing;
    // Merge the hunting index's pending list (up to 64 MB, see EmailMessage) now, while the producer
    // waits anyway: the planner prices a long pending list into every GIN scan and falls back to
    // sequential scans of the tenant's mail until autovacuum would have merged it.
    if (report.byType.message) await client.query(`select gin_clean_pending_list($1::regclass)`, [HUNTING_INDEX]);
  } catch (e) {
    await writing.catch(() => undefined);
    client.release(true);
    released = true;
    throw e;
  } finally {
    if (!released) client.release();
  }
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}
