/**
 * From NDJSON lines to table rows: JSON, validation (ingest.records.ts), .eml parsing (mailparser) and
 * fingerprints (fingerprint.ts). This is the CPU-bound half of ingestion; it imports nothing of the
 * database so that it can run in a worker thread (ingest.worker.ts) while the main thread writes.
 */
import { ALERT_KINDS, defaultAlertTitle, type AlertKind } from '../domain/alert.js';
import { checkRecord, RecordError, type CheckedRecord, type RecordType } from './ingest.records.js';
import { fingerprintMessage } from './fingerprint.js';
import { parseRawMessage } from './raw-message.js';
import { linksOfUrls, splitQuoted, targetsOf, type MessageLink } from './mail/body.js';

export interface IngestError {
  /** 1-based line number in the body. */
  line: number;
  /** The record's `id`, when the line had one. */
  id?: string;
  message: string;
}

/** Record types with a table of their own (`raw_message` becomes a `message`). */
export type TableType = Exclude<RecordType, 'raw_message'>;

/** One record ready to write: its line, its id, its columns' values, and for messages the same values as COPY text. */
export interface Row {
  line: number;
  id: string;
  values: unknown[];
  /** The values as one line of COPY text without its newline (messages only; see ingest.service.ts). */
  copy?: string;
}

/** A PostgreSQL array literal for a text[] / int[] column. */
function pgTextArray(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  let s = '{';
  for (const [i, item] of items.entries()) {
    if (i) s += ',';
    s += '"' + item.replace(/["\\]/g, '\\$&') + '"';
  }
  return s + '}';
}
const pgIntArray = (items: readonly number[]) => `{${items.join(',')}}`;

export interface Column {
  name: string;
  /** Element type of the unnest parameter (`text` carries array literals for array columns). */
  param: string;
  /** Cast applied in the SELECT (enums, arrays sent as literals). */
  cast?: string;
}
const col = (name: string, param = 'text', cast?: string): Column => ({ name, param, cast });

export interface Table {
  table: string;
  columns: Column[];
  row(r: CheckedRecord): unknown[];
}

export const MESSAGE_COLUMNS = [
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
  col('sender_source', 'text', 'sender_source'),
  col('upstream', 'jsonb'),
  col('quoted'),
  col('links', 'jsonb'),
  col('sender_name'),
  col('reply_to'),
];

/**
 * The message row, fingerprints included. Shared by `message` and `raw_message` (after parsing), and the
 * benchmark's COPY. A parsed `raw_message` brings its own/quoted split and its links; for a `message`
 * record they are derived: its body split by the quote rules (mail/quotes.ts), its URLs unwrapped into
 * links without display text.
 */
export function messageRow(m: {
  recipient: string;
  sender: string;
  senderIp?: string;
  returnPath?: string;
  senderName?: string;
  replyTo?: string;
  subject: string;
  body: string;
  /** Set by the .eml parser; absent on a `message` record, whose body is then split here. */
  quoted?: string;
  urls?: string[];
  links?: MessageLink[];
  attachments?: { name: string; sha256: string; size?: number }[];
  receivedAt: string;
  location: string;
  verdict?: string;
  auth?: object;
  direction?: string;
  internetMessageId?: string;
  senderSource?: string;
  upstream?: readonly { raw?: Record<string, string> }[];
}): unknown[] {
  const { own: body, quoted } = m.quoted === undefined ? splitQuoted(m.body) : { own: m.body, quoted: m.quoted };
  const links = m.links ?? linksOfUrls(m.urls ?? []);
  const urls = m.links ? (m.urls ?? targetsOf(links)) : targetsOf(links);
  const attachments = m.attachments ?? [];
  const fp = fingerprintMessage({ sender: m.sender, subject: m.subject, body, quoted, urls, attachments });
  return [
    m.recipient,
    m.sender,
    m.senderIp ?? null,
    m.returnPath ?? null,
    m.subject,
    body,
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
    m.senderSource ?? null,
    JSON.stringify(m.upstream?.map((u) => (u.raw ? u : { ...u, raw: {} })) ?? []),
    quoted,
    JSON.stringify(links),
    m.senderName ?? null,
    m.replyTo ?? null,
  ];
}
export const MESSAGE_COLUMN_NAMES = ['id', 'tenant_id', 'external_id', ...MESSAGE_COLUMNS.map((c) => c.name)];

/** An alert's title when the record gives none: its kind's, naming what it is about. */
const alertTitle = (r: CheckedRecord) =>
  defaultAlertTitle(r.kind as AlertKind, (r.user ?? r.url ?? r.sha256 ?? r.messageId) as string | undefined);

const v = (r: CheckedRecord, k: string) => r[k] ?? null;

export const TABLES: Record<TableType, Table> = {
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
      r.severity ?? ALERT_KINDS[r.kind as AlertKind].severity,
      alertTitle(r),
      r.at,
      v(r, 'messageId'),
      v(r, 'url'),
      v(r, 'user'),
      v(r, 'sha256'),
    ],
  },
};

/** One value in COPY's text format: `\N` for null, backslash escapes for the separators. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Values as one line of COPY text (no newline). Shared with the benchmark's bare COPY so both send the same bytes. */
export const copyFields = (values: readonly unknown[]) => values.map(copyField).join('\t');

/** A chunk of lines for `parseLines`: [line number, text], or [line number, byte length] for a line too long to read. */
export interface ParseTask {
  lines: Array<[number, string | number]>;
  maxLineBytes: number;
}

export interface ParsedBatch {
  rows: Array<Row & { type: TableType }>;
  errors: IngestError[];
}

/** Parse, validate and fingerprint a chunk of lines; a bad line becomes an error naming its line and reason. */
export async function parseLines({ lines, maxLineBytes }: ParseTask): Promise<ParsedBatch> {
  const rows: ParsedBatch['rows'] = [];
  const errors: IngestError[] = [];
  const fail = (line: number, message: string, id?: string) =>
    errors.push({ line, ...(id !== undefined ? { id } : {}), message: `line ${line}: ${message}` });
  const message = (line: number, id: string, values: unknown[]) =>
    rows.push({ type: 'message', line, id, values, copy: copyFields(values) });
  for (const [line, text] of lines) {
    if (typeof text === 'number') {
      fail(line, `line is ${text} bytes, more than the ${maxLineBytes} a line may have`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      fail(line, `not JSON (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    const rawId = (value as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' ? rawId : undefined;
    let record: CheckedRecord;
    try {
      record = checkRecord(value);
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      fail(line, e.message, id);
      continue;
    }
    if (record.type === 'raw_message') {
      // The bytes go to the parser undecoded: charsets are per MIME part, only the parser can decode them.
      const field = record.emlBase64 !== undefined ? 'emlBase64' : 'eml';
      try {
        const eml = field === 'emlBase64' ? Buffer.from(record.emlBase64 as string, 'base64') : (record.eml as string);
        const parsed = await parseRawMessage(eml);
        if (!parsed.sender) throw new RecordError(`raw_message.${field} names no sender address in From, Sender or Return-Path`);
        const values = messageRow({
          ...parsed,
          recipient: record.recipient as string,
          receivedAt: record.receivedAt as string,
          location: (record.location as string) ?? 'INBOX',
        });
        message(line, record.id, values);
      } catch (e) {
        fail(
          line,
          e instanceof RecordError ? e.message : `raw_message.${field} could not be parsed (${e instanceof Error ? e.message : String(e)})`,
          record.id,
        );
      }
    } else if (record.type === 'message') {
      message(line, record.id, TABLES.message.row(record));
    } else {
      rows.push({ type: record.type, line, id: record.id, values: TABLES[record.type].row(record) });
    }
  }
  return { rows, errors };
}
