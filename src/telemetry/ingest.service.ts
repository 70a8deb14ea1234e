/**
 * NDJSON ingestion: one record a line (DESIGN.md, "Ingestion records"), validated, fingerprinted and
 * written in batches, idempotent by (tenant, record id).
 *
 * Write path, and why: records accumulate per type and are flushed every `batchSize` lines in ONE
 * transaction, one statement per type:
 *   insert into t (…) select … from unnest($2::text[], $3::timestamptz[], …) on conflict (tenant_id, external_id) do nothing
 * Array columns travel as text[] of array literals and are cast per row. Compared with COPY into a
 * temporary table followed by INSERT … SELECT … ON CONFLICT, this writes each row once instead of twice
 * and needs no temp table per batch; idempotency comes from the same unique index either way. While
 * PostgreSQL writes batch N, this process parses, validates and fingerprints batch N+1 (one flush in
 * flight): on 2 cores that keeps both busy. Figures: `npm run bench:ingest`.
 *
 * Tenant scoping: every row gets the tenant id the caller passes (the token's), never one from the record.
 */
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { Orm } from '../db/database.js';
import { coerceError } from '../errors.js';
import { checkRecord, RECORD_TYPES, RecordError, type CheckedRecord, type RecordType } from './ingest.records.js';
import { fingerprintMessage } from './fingerprint.js';
import { parseRawMessage } from './raw-message.js';
import { HUNTING_INDEX } from './email-message.entity.js';

export interface IngestError {
  /** 1-based line number in the body. */
  line: number;
  /** The record's `id`, when the line had one. */
  id?: string;
  message: string;
}

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
}

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

// ---------------------------------------------------------------------------------------------
// Rows: each type maps a checked record to the values of its table's columns.

type Row = { line: number; id: string; values: unknown[] };

/** A PostgreSQL array literal for a text[] / int[] column. */
function pgTextArray(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  let s = '{';
  for (let i = 0; i < items.length; i++) {
    if (i) s += ',';
    s += '"' + items[i].replace(/["\\]/g, '\\$&') + '"';
  }
  return s + '}';
}
const pgIntArray = (items: readonly number[]) => `{${items.join(',')}}`;

interface Column {
  name: string;
  /** Element type of the unnest parameter (`text` carries array literals for array columns). */
  param: string;
  /** Cast applied in the SELECT (enums, arrays sent as literals). */
  cast?: string;
}
const col = (name: string, param = 'text', cast?: string): Column => ({ name, param, cast });

interface Table {
  table: string;
  columns: Column[];
  row(r: CheckedRecord): unknown[];
}

const MESSAGE_COLUMNS = [
  col('recipient'),
  col('sender'),
  col('sender_ip', 'inet'),
  col('return_path'),
  col('subject'),
  col('body'),
  col('urls', 'text', 'text[]'),
  col('attachments', 'jsonb'),
  col('received_at', 'timestamptz'),
  col('location', 'text', 'delivery_location'),
  col('verdict', 'text', 'detection_verdict'),
  col('auth', 'jsonb'),
  col('direction', 'text', 'mail_direction'),
  col('internet_message_id'),
  col('lsh_bands', 'text', 'text[]'),
  col('minhash', 'text', 'int[]'),
  col('url_keys', 'text', 'text[]'),
  col('domains', 'text', 'text[]'),
  col('attachment_hashes', 'text', 'text[]'),
  col('sender_domain'),
  col('subject_key'),
];

/** The message row, fingerprints included. Shared by `message` and `raw_message` (after parsing), and the benchmark's COPY. */
export function messageRow(m: {
  recipient: string;
  sender: string;
  senderIp?: string;
  returnPath?: string;
  subject: string;
  body: string;
  urls?: string[];
  attachments?: { name: string; sha256: string; size?: number }[];
  receivedAt: string;
  location: string;
  verdict?: string;
  auth?: object;
  direction?: string;
  internetMessageId?: string;
}): unknown[] {
  const urls = m.urls ?? [];
  const attachments = m.attachments ?? [];
  const fp = fingerprintMessage({ sender: m.sender, subject: m.subject, body: m.body, urls, attachments });
  return [
    m.recipient,
    m.sender,
    m.senderIp ?? null,
    m.returnPath ?? null,
    m.subject,
    m.body,
    pgTextArray(urls),
    JSON.stringify(attachments),
    m.receivedAt,
    m.location,
    m.verdict ?? null,
    m.auth ? JSON.stringify(m.auth) : null,
    m.direction ?? 'INBOUND',
    m.internetMessageId ?? null,
    pgTextArray(fp.lshBands),
    pgIntArray(fp.minhash),
    pgTextArray(fp.urlKeys),
    pgTextArray(fp.domains),
    pgTextArray(fp.attachmentHashes),
    fp.senderDomain,
    fp.subjectKey,
  ];
}
export const MESSAGE_COLUMN_NAMES = ['id', 'tenant_id', 'external_id', ...MESSAGE_COLUMNS.map((c) => c.name)];

const ALERT_TITLES: Record<string, string> = {
  USER_REPORTED: 'Email reported by user as malware or phish',
  URL_VERDICT_CHANGE: 'A clicked URL was later found malicious',
  MALWARE_ZAPPED: 'Email messages containing malware removed after delivery',
  PHISH_ZAPPED: 'Email messages containing phish URLs removed after delivery',
  USER_COMPROMISED: 'Suspected compromised user',
  RISKY_SIGN_IN: 'Risky sign-in',
  SUSPICIOUS_INBOX_RULE: 'Suspicious inbox forwarding or deletion rule',
  SUSPICIOUS_SENDING: 'Suspicious email sending pattern',
  MASS_DOWNLOAD: 'Mass download of files',
  MANUAL: 'Manual investigation requested',
};
const ALERT_SEVERITY: Record<string, string> = {
  USER_REPORTED: 'MEDIUM',
  URL_VERDICT_CHANGE: 'HIGH',
  MALWARE_ZAPPED: 'HIGH',
  PHISH_ZAPPED: 'HIGH',
  USER_COMPROMISED: 'HIGH',
  RISKY_SIGN_IN: 'MEDIUM',
  SUSPICIOUS_INBOX_RULE: 'MEDIUM',
  SUSPICIOUS_SENDING: 'MEDIUM',
  MASS_DOWNLOAD: 'MEDIUM',
  MANUAL: 'INFORMATIONAL',
};
function alertTitle(r: CheckedRecord): string {
  const about = (r.user ?? r.url ?? r.sha256 ?? r.messageId) as string | undefined;
  return about ? `${ALERT_TITLES[r.kind as string]}: ${about}` : ALERT_TITLES[r.kind as string];
}

const v = (r: CheckedRecord, k: string) => r[k] ?? null;

const TABLES: Record<Exclude<RecordType, 'raw_message'>, Table> = {
  mailbox: {
    table: 'mailboxes',
    columns: [col('address'), col('display_name'), col('department')],
    row: (r) => [r.address, v(r, 'displayName'), v(r, 'department')],
  },
  zap: {
    table: 'zap_events',
    columns: [col('message_external_id'), col('at', 'timestamptz'), col('reason', 'text', 'zap_reason')],
    row: (r) => [r.messageId, r.at, r.reason],
  },
  message: {
    table: 'email_messages',
    columns: MESSAGE_COLUMNS,
    row: (r) => messageRow(r as unknown as Parameters<typeof messageRow>[0]),
  },
  url_click: {
    table: 'url_clicks',
    columns: [col('url'), col('user'), col('at', 'timestamptz'), col('action', 'text', 'click_action'), col('message_external_id')],
    row: (r) => [r.url, r.user, r.at, r.action, v(r, 'messageId')],
  },
  sign_in: {
    table: 'sign_ins',
    columns: [
      col('user'),
      col('ip', 'inet'),
      col('country'),
      col('at', 'timestamptz'),
      col('risk', 'text', 'sign_in_risk'),
      col('result', 'text', 'sign_in_result'),
    ],
    row: (r) => [r.user, r.ip, v(r, 'country'), r.at, r.risk ?? 'NONE', r.result],
  },
  inbox_rule: {
    table: 'inbox_rules',
    columns: [
      col('mailbox'),
      col('name'),
      col('forward_to'),
      col('delete_messages', 'bool'),
      col('move_to_folder'),
      col('created_at', 'timestamptz'),
      col('created_from_ip', 'inet'),
    ],
    row: (r) => [r.mailbox, r.name, v(r, 'forwardTo'), r.deleteMessages ?? false, v(r, 'moveToFolder'), r.createdAt, v(r, 'createdFromIp')],
  },
  device: {
    table: 'devices',
    columns: [col('name'), col('user'), col('os')],
    row: (r) => [r.name, v(r, 'user'), v(r, 'os')],
  },
  device_file: {
    table: 'device_files',
    columns: [col('device_external_id'), col('sha256'), col('path'), col('seen_at', 'timestamptz')],
    row: (r) => [r.device, r.sha256, v(r, 'path'), r.seenAt],
  },
  indicator: {
    table: 'indicators',
    columns: [col('kind', 'text', 'indicator_kind'), col('value'), col('verdict', 'text', 'verdict'), col('campaign'), col('source')],
    row: (r) => [r.kind, r.value, r.verdict, v(r, 'campaign'), v(r, 'source')],
  },
  alert: {
    table: 'alerts',
    columns: [
      col('kind', 'text', 'alert_kind'),
      col('severity', 'text', 'severity'),
      col('title'),
      col('at', 'timestamptz'),
      col('message_external_id'),
      col('url'),
      col('user'),
      col('sha256'),
    ],
    row: (r) => [
      r.kind,
      r.severity ?? ALERT_SEVERITY[r.kind as string],
      alertTitle(r),
      r.at,
      v(r, 'messageId'),
      v(r, 'url'),
      v(r, 'user'),
      v(r, 'sha256'),
    ],
  },
};

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
) as Record<keyof typeof TABLES, string>;

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

type Batch = Map<keyof typeof TABLES, Row[]>;

interface Written {
  stored: Map<string, number>;
  alertIds: string[];
}

async function writeBatch(client: PoolClient, tenantId: string, batch: Batch): Promise<Written> {
  const stored = new Map<string, number>();
  const alertIds: string[] = [];
  await client.query('begin');
  try {
    for (const [type, rows] of batch) {
      if (rows.length === 0) continue;
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
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  }
  return { stored, alertIds };
}

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
  const report: IngestReport = { received: 0, stored: 0, duplicates: 0, failed: 0, errors: [], errorsTruncated: false, byType: {} };
  const fail = (line: number, message: string, id?: string) => {
    report.failed++;
    if (report.errors.length < maxErrors)
      report.errors.push({ line, ...(id !== undefined ? { id } : {}), message: `line ${line}: ${message}` });
    else report.errorsTruncated = true;
  };

  const source: AsyncIterable<string | OversizeLine> | Iterable<string> =
    lines instanceof Readable ? splitLines(lines as AsyncIterable<Buffer>, maxLineBytes) : lines;
  const pool = await (orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  const client = await pool.connect();
  let released = false;

  let batch: Batch = new Map();
  let batchLines = 0;
  let inFlight: Promise<void> | undefined;

  const account = (w: Written, sent: number) => {
    let total = 0;
    for (const [type, n] of w.stored) {
      total += n;
      const name = type === 'message' ? 'message' : type;
      report.byType[name] = (report.byType[name] ?? 0) + n;
    }
    report.stored += total;
    report.duplicates += sent - total;
  };

  const flush = async (b: Batch) => {
    const sent = [...b.values()].reduce((n, rows) => n + rows.length, 0);
    let written: Written;
    try {
      written = await writeBatch(client, tenantId, b);
      account(written, sent);
    } catch (e) {
      if (!isRowError(e)) throw e;
      // One row broke the batch (a value PostgreSQL refuses): write row by row, reporting the ones that fail.
      written = { stored: new Map(), alertIds: [] };
      for (const [type, rows] of b) {
        for (const row of rows) {
          try {
            const w = await writeBatch(client, tenantId, new Map([[type, [row]]]));
            account(w, 1);
            written.alertIds.push(...w.alertIds);
          } catch (rowError) {
            if (!isRowError(rowError)) throw rowError;
            fail(row.line, `could not be stored: ${coerceError(rowError).message}`, row.id);
          }
        }
      }
    }
    if (written.alertIds.length && onAlertsStored) await onAlertsStored(written.alertIds);
  };

  const add = (type: keyof typeof TABLES, row: Row) => {
    let rows = batch.get(type);
    if (!rows) {
      rows = [];
      batch.set(type, rows);
    }
    rows.push(row);
    batchLines++;
  };

  try {
    // Fix the write order once: a batch is written in RECORD_TYPES order (zaps before messages).
    const resetBatch = () => {
      batch = new Map();
      for (const t of RECORD_TYPES) if (t !== 'raw_message') batch.set(t, []);
      batchLines = 0;
    };
    resetBatch();
    let lineNo = 0;
    for await (const item of source as AsyncIterable<string | OversizeLine>) {
      lineNo++;
      if (item instanceof OversizeLine) {
        report.received++;
        fail(lineNo, `line is ${item.bytes} bytes, more than the ${maxLineBytes} a line may have`);
        continue;
      }
      const line = item.trim();
      if (line === '') continue;
      report.received++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        fail(lineNo, `not JSON (${coerceError(e).message})`);
        continue;
      }
      const rawId = (value as { id?: unknown } | null)?.id;
      const id = typeof rawId === 'string' ? rawId : undefined;
      let record: CheckedRecord;
      try {
        record = checkRecord(value);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        fail(lineNo, e.message, id);
        continue;
      }
      if (record.type === 'raw_message') {
        try {
          const parsed = await parseRawMessage(record.eml as string);
          if (!parsed.sender) throw new RecordError('raw_message.eml has no From or Sender address');
          const values = messageRow({
            ...parsed,
            recipient: record.recipient as string,
            receivedAt: record.receivedAt as string,
            location: (record.location as string) ?? 'INBOX',
          });
          add('message', { line: lineNo, id: record.id, values });
        } catch (e) {
          fail(lineNo, e instanceof RecordError ? e.message : `raw_message.eml could not be parsed (${coerceError(e).message})`, record.id);
        }
      } else {
        add(record.type, { line: lineNo, id: record.id, values: TABLES[record.type].row(record) });
      }
      if (batchLines >= batchSize) {
        const full = batch;
        resetBatch();
        await inFlight;
        inFlight = flush(full);
        // Keep an unobserved rejection from crashing the process before the next await picks it up.
        inFlight.catch(() => undefined);
      }
    }
    await inFlight;
    inFlight = undefined;
    if (batchLines > 0) await flush(batch);
    // Merge the hunting index's pending list (up to 64 MB, see EmailMessage) now, while the producer
    // waits anyway: the planner prices a long pending list into every GIN scan and falls back to
    // sequential scans of the tenant's mail until autovacuum would have merged it.
    if (report.byType.message) await client.query(`select gin_clean_pending_list($1::regclass)`, [HUNTING_INDEX]);
  } catch (e) {
    await inFlight?.catch(() => undefined);
    client.release(true);
    released = true;
    throw e;
  } finally {
    if (!released) client.release();
  }
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}
