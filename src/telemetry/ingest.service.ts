/**
 * NDJSON ingestion: one record a line (DESIGN.md, "Ingestion records"), validated, fingerprinted and
 * written in batches, idempotent by (tenant, record id).
 *
 * Pipeline, and why: the body is split into lines here; every `batchSize` lines, or fewer holding
 * `batchChars` characters, become a chunk (one transaction). The chunk's message ids are looked up in
 * one indexed query first and lines already stored are counted as duplicates unparsed (a re-upload
 * used to parse every .eml only to find it stored). The rest is parsed, validated and fingerprinted
 * (ingest.rows.ts) as parse tasks spread over a piscina worker-thread pool when the caller passes one
 * (`POST /ingest` does), else in this thread — while PostgreSQL writes the chunks before it, in order.
 * Measured on 2 cores: parsing synthetic records costs ~180 µs a message, as much CPU as PostgreSQL
 * spends storing it (`npm run bench:ingest`), and real .eml ~4.4 ms (`npm run eval:parse`), which is
 * why one chunk must keep every thread busy. Memory is bounded by the chunks in flight (`readAhead`
 * + 1) times `batchChars`: 1,000 large messages (622 MB) in one 4,000-line chunk peaked at 3.5 GB.
 * The writes are ingest.writer.ts's.
 */
import { Readable } from 'node:stream';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { Orm } from '../db/database.js';
import type { PoolClient } from 'pg';
import { coerceError, isDatabaseError, newErrorId, publicReason } from '../errors.js';
import type { Logger } from '../logger.js';
import { RECORD_TYPES } from './ingest.records.js';
import { HUNTING_INDEX } from './email-message.entity.js';
import { hasBlockList, isRowError, isUniqueViolation, writeBatch, type Batch, type Written } from './ingest.writer.js';
import { parseLines, type IngestError, type ParsedBatch, type ParseTask } from './ingest.rows.js';
import { lineSize, messageIds, parseTasks, peekRecord, type Line } from './ingest.chunks.js';

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
  /** A chunk closes at this many characters of lines, whatever its line count. @default 8 MiB */
  batchChars?: number;
  /** A chunk is parsed as tasks of at most this many lines and about `taskChars` characters. @default 500 */
  taskLines?: number;
  /** @default 1 MiB */
  taskChars?: number;
  /** A longer line fails (with its line number) and reading continues with the next. @default 10 MiB */
  maxLineBytes?: number;
  /** Errors listed in the report. @default 1000 */
  maxErrors?: number;
  /** Where a database error's detail is logged, under the error id the report quotes. */
  log?: Logger;
  /** Called after each committed batch with the ids of the alerts it stored (the playbook engine plugs in here). */
  onAlertsStored?: (alertIds: string[]) => Promise<void>;
  /** Where chunks are parsed: a worker-thread pool (ingest.pool.ts). @default this thread */
  parser?: LineParser;
  /** Chunks parsed ahead of the one being written. @default 1, or the pool's thread count + 1 */
  readAhead?: number;
  /** Bytes of a byte stream as they are read (the metrics' `air_ingest_bytes_total`). */
  onRead?: (bytes: number) => void;
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

/** The same chunks, each one's size told to `onRead` as it passes. */
async function* counted(body: AsyncIterable<Buffer>, onRead: ((bytes: number) => void) | undefined): AsyncGenerator<Buffer> {
  if (!onRead) return yield* body;
  for await (const chunk of body) {
    onRead(chunk.length);
    yield chunk;
  }
}

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
  const { batchSize = 4000, batchChars = 8 * 2 ** 20, taskLines = 500, taskChars = 2 ** 20 } = opts;
  const { maxLineBytes = 10 * 1024 * 1024, maxErrors = 1000, onAlertsStored, log } = opts;
  const parser: LineParser = opts.parser ?? parseLines;
  const readAhead = opts.readAhead ?? (parser.threads ?? 0) + 1;
  const report: IngestReport = { received: 0, stored: 0, duplicates: 0, failed: 0, errors: [], errorsTruncated: false, byType: {} };
  const fail = (error: IngestError) => {
    report.failed++;
    if (report.errors.length < maxErrors) report.errors.push(error);
    else report.errorsTruncated = true;
  };

  const source: AsyncIterable<string | OversizeLine> | Iterable<string> =
    lines instanceof Readable ? splitLines(counted(lines as AsyncIterable<Buffer>, opts.onRead), maxLineBytes) : lines;
  const pool = await (orm.em.getConnection() as unknown as PostgreSqlConnection).getNativeClient();
  // One connection for the upload's writes, replaced after a batch fails for a reason that is not its rows
  // (the connection may be what broke): the next batch takes a fresh one.
  let client: PoolClient | undefined = await pool.connect();
  const connection = async () => (client ??= await pool.connect());
  const discard = () => {
    client?.release(true);
    client = undefined;
  };
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

  /**
   * A database error is reported, never rethrown: what was stored stays reported as stored and the
   * upload goes on. Its detail (table, index, SQL) is logged under an error id; the client reads plain
   * words and that id (errors.ts, publicReason).
   */
  const databaseFailure = (e: unknown, what: Record<string, unknown>) => {
    const errorId = newErrorId();
    log?.error({ err: coerceError(e), errorId, ...what }, 'ingest: a database error refused a write');
    // Whatever failed here is ours, not the line's: a dropped connection gets plain words too.
    return isDatabaseError(e) ? publicReason(e, errorId) : `the database connection failed; error id ${errorId}`;
  };

  const flush = async (b: Batch) => {
    const rows = [...b.values()].flat();
    if (rows.length === 0) return;
    let written: Written;
    try {
      const c = await connection();
      written = await writeBatch(c, tenantId, b, true, blocks).catch((e: unknown) => {
        // Another upload stored some of these messages between our check and our COPY (see copyMessages).
        if (isUniqueViolation(e)) return writeBatch(c, tenantId, b, false, blocks);
        throw e;
      });
      account(written, rows.length);
    } catch (e) {
      if (!isRowError(e)) {
        // The connection, the server or something we cannot pin on a row: the whole batch (one
        // transaction, rolled back) is reported line by line, and the next batch starts afresh.
        discard();
        const reason = databaseFailure(e, { lines: [rows[0]!.line, rows.at(-1)!.line] });
        for (const row of rows) fail({ line: row.line, id: row.id, message: `line ${row.line}: not stored: ${reason}; send it again` });
        return;
      }
      // One row broke the batch (a value PostgreSQL refuses): write row by row, reporting the ones that fail.
      written = { stored: new Map(), alertIds: [] };
      for (const [type, typeRows] of b) {
        for (const row of typeRows) {
          try {
            const w = await writeBatch(await connection(), tenantId, new Map([[type, [row]]]), false, blocks);
            account(w, 1);
            written.alertIds.push(...w.alertIds);
          } catch (rowError) {
            if (!isRowError(rowError)) discard();
            const reason = databaseFailure(rowError, { line: row.line, id: row.id });
            fail({ line: row.line, id: row.id, message: `line ${row.line}: could not be stored: ${reason}` });
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

  /** Message ids of the chunk this tenant already stored: one query on the unique index, on its own connection. */
  const storedIds = async (ids: string[]): Promise<Set<string>> => {
    if (ids.length === 0) return new Set();
    // Only a shortcut: when the question fails the lines are parsed, and the writes skip what is stored.
    const answer = await pool
      .query<{ id: string }>(
        `select "external_id" as id from "email_messages" where "tenant_id" = $1::uuid and "external_id" = any($2::text[])`,
        [tenantId, [...new Set(ids)]],
      )
      .catch(() => ({ rows: [] as { id: string }[] }));
    return new Set(answer.rows.map((r) => r.id));
  };

  /**
   * One parse task. A parser thread has a bounded heap (ingest.pool.ts): a task that exhausts it is
   * retried line by line, and a line that alone exhausts it fails alone, instead of the whole upload.
   */
  const run = async (lines: Line[]): Promise<ParsedBatch> => {
    try {
      return await parser({ lines, maxLineBytes });
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw e;
      if (lines.length > 1) return join(await Promise.all(lines.map((line) => run([line]))));
      const [line, text] = lines[0]!;
      const id = typeof text === 'string' ? peekRecord(text)?.id : undefined;
      const message = `line ${line}: needs more memory to parse than a parser thread has`;
      return { rows: [], errors: [{ line, ...(id !== undefined ? { id } : {}), message }] };
    }
  };
  const join = (results: ParsedBatch[]): ParsedBatch => ({
    rows: results.flatMap((r) => r.rows),
    errors: results.flatMap((r) => r.errors),
  });
  /** Parse a chunk as tasks spread over the pool, joined back in line order. */
  const parse = async (chunk: Line[]): Promise<ParsedBatch> => join(await Promise.all(parseTasks(chunk, taskLines, taskChars).map(run)));

  // Chunks are parsed ahead (in parallel when the parser is a pool) and written one at a time, in order.
  let writing: Promise<void> = Promise.resolve();
  const pending: Promise<void>[] = [];
  const submit = async (lines: Line[]) => {
    // Messages already stored are duplicates whatever the rest of their line says: skip them unparsed.
    const ids = messageIds(lines);
    const stored = await storedIds([...ids.values()]);
    const chunk = stored.size ? lines.filter((_, i) => !stored.has(ids.get(i)!)) : lines;
    report.duplicates += lines.length - chunk.length;
    const parsed = parse(chunk);
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
    let chunk: Line[] = [];
    let chars = 0;
    let lineNo = 0;
    for await (const item of source as AsyncIterable<string | OversizeLine>) {
      lineNo++;
      if (typeof item === 'string' && item.trim() === '') continue;
      const line: Line = [lineNo, item instanceof OversizeLine ? item.bytes : item];
      chunk.push(line);
      chars += lineSize(line);
      report.received++;
      if (chunk.length >= batchSize || chars >= batchChars) {
        const full = chunk;
        chunk = [];
        chars = 0;
        await submit(full);
      }
    }
    if (chunk.length > 0) await submit(chunk);
    await writing;
    // Merge the hunting index's pending list (up to 64 MB, see EmailMessage) now, while the producer
    // waits anyway: the planner prices a long pending list into every GIN scan and falls back to
    // sequential scans of the tenant's mail until autovacuum would have merged it. Housekeeping only:
    // a failure here takes nothing from what the report says was stored.
    if (report.byType.message) {
      try {
        await (await connection()).query(`select gin_clean_pending_list($1::regclass)`, [HUNTING_INDEX]);
      } catch (e) {
        discard();
        log?.warn({ err: coerceError(e) }, 'ingest: merging the hunting index pending list failed');
      }
    }
  } catch (e) {
    await writing.catch(() => undefined);
    discard();
    throw e;
  } finally {
    client?.release();
  }
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}
