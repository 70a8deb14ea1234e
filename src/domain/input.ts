/**
 * The checks every value crossing a trust boundary passes: an NDJSON line of `/ingest`
 * (telemetry/ingest.records.ts), a GraphQL mutation's input (intake, comments), a date variable, a
 * cursor, an export's query string. One module, so that a value refused by one door is refused by the
 * others with the same words: `user must be an email address, but got "alice"`.
 *
 * WORKER-SAFE: plain TypeScript, imported by ingest worker threads and by GraphQL services alike.
 * A check returns the normalised value or throws InputError, which names the field; each caller turns
 * it into its own error (a line error, a BAD_USER_INPUT).
 */
import net from 'node:net';

/** A value refused at a trust boundary; `field` is its path as the client wrote it (`message.receivedAt`, `input.user`). */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Longest values, in characters. Every value that lands in a B-tree or GIN key (ids, addresses, URLs of
 * clicks and alerts, indicator values, investigation subjects) stays well under PostgreSQL's 2,704-byte
 * index-row limit even when every character takes 2 bytes: a 900 KB user once ended an investigation
 * FAILED with "index row requires 10344 bytes" instead of being refused at the door.
 */
export const MAX_LENGTH = {
  id: 256,
  key: 1024,
  /** URLs inside a message (not indexed one by one; their keys are). */
  url: 8192,
  /** A title or a one-line label a person reads. */
  title: 1024,
  comment: 2000,
} as const;

/** The most UTF-8 bytes a one-line value may take, so that it fits a B-tree index row beside its tenant id and kind. */
export const MAX_INDEX_BYTES = 2000;

export type Check<T = unknown> = (value: unknown, field: string) => T;

/** What arrived, short enough to quote in a message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** What arrived, as words rather than a quoted value ("900000 characters", "U+0000 at character 2"). */
export class Shown {
  constructor(readonly text: string) {}
}

export const refuse = (field: string, expected: string, value: unknown): never => {
  throw new InputError(`${field} must be ${expected}, but got ${value instanceof Shown ? value.text : describe(value)}`, field);
};

/** NUL cannot be stored in a PostgreSQL text or jsonb value at all; it is refused everywhere. */
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
/** C0 controls and DEL: no place in an id, an address, a URL or a title (tab and line breaks included). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** In free text (a body, a comment) tab, line feed and carriage return are text; the other controls are not. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function position(s: string, pattern: RegExp): Shown {
  const at = s.search(pattern);
  const code = s.charCodeAt(at).toString(16).padStart(4, '0');
  return new Shown(`U+${code.toUpperCase()} at character ${at + 1}`);
}

/** A one-line string of at most `max` characters (after `transform`), without control characters. */
export function line(max: number, transform: (s: string) => string = (s) => s): Check<string> {
  return (v, field) => {
    if (typeof v !== 'string') return refuse(field, 'a string', v);
    const s = transform(v);
    if (s.length === 0) return refuse(field, 'a non-empty string', v);
    if (s.length > max) return refuse(field, `at most ${max} characters long`, new Shown(`${s.length} characters`));
    // 1,024 characters of emoji are 4,096 bytes: past a B-tree row's 2,704 even when the characters are few enough.
    if (max <= MAX_LENGTH.key && s.length > MAX_INDEX_BYTES / 4 && Buffer.byteLength(s) > MAX_INDEX_BYTES) {
      return refuse(field, `at most ${MAX_INDEX_BYTES} bytes of UTF-8`, new Shown(`${Buffer.byteLength(s)} bytes`));
    }
    if (CONTROL.test(s)) return refuse(field, 'free of control characters', position(s, CONTROL));
    return s;
  };
}

/**
 * Free text as received (a subject, a body, a display name): any length the line cap allows, line breaks
 * and tabs kept; only NUL is refused, because PostgreSQL cannot store it. Mail is what attackers write,
 * so other controls that real mail carries stay: refusing them would drop evidence.
 */
export const text: Check<string> = (v, field) => {
  if (typeof v !== 'string') return refuse(field, 'a string', v);
  if (NUL.test(v)) return refuse(field, 'free of NUL characters', position(v, NUL));
  return v;
};

/** A person's text (a comment, a title typed in a console): bounded, line breaks allowed, no other controls. */
export function prose(max: number): Check<string> {
  return (v, field) => {
    if (typeof v !== 'string') return refuse(field, 'a string', v);
    if (v.length > max) return refuse(field, `at most ${max} characters long`, new Shown(`${v.length} characters`));
    if (CONTROL_IN_TEXT.test(v)) return refuse(field, 'free of control characters', position(v, CONTROL_IN_TEXT));
    return v;
  };
}

export const id = line(MAX_LENGTH.id);

/** Every id this server issues is a UUID (v7); anything else names nothing. */
export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
export const key = line(MAX_LENGTH.key, (s) => s.trim());

/** `local@domain`: one @, something on each side, no spaces. Deliberately loose (RFC 5322 allows much); lower-cased, as everywhere. */
const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const lowerLine = line(MAX_LENGTH.key, (s) => s.trim().toLowerCase());
export const address: Check<string> = (v, field) => {
  const s = lowerLine(v, field);
  return ADDRESS.test(s) ? s : refuse(field, 'an email address (name@domain)', v);
};

/** Any URL as it appeared in a message (mailto:, tel: and relative links included): those are evidence. */
export const url = line(MAX_LENGTH.url, (s) => s.trim());

/**
 * A URL someone clicked or an alert names: absolute http(s) with a host. `javascript:`, `data:` and
 * the like are refused: they cannot have been clicked through Safe Links, and a console would render them.
 */
export const webUrl: Check<string> = (v, field) => {
  const s = line(MAX_LENGTH.key, (x) => x.trim())(v, field);
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    return refuse(field, 'an absolute http(s) URL', v);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    return refuse(field, 'an absolute http(s) URL', v);
  }
  return s;
};

export const ip: Check<string> = (v, field) =>
  typeof v === 'string' && net.isIP(v.trim()) ? v.trim() : refuse(field, 'an IPv4 or IPv6 address', v);

export const sha256: Check<string> = (v, field) =>
  typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v) ? v.toLowerCase() : refuse(field, 'a SHA-256 hex digest (64 hex digits)', v);

/** The instants PostgreSQL and every client can hold: years 0001 to 9999 (there is no year 0 in PostgreSQL). */
export const EARLIEST = new Date('0001-01-01T00:00:00Z').getTime();
export const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|([+-])(\d{2}):?(\d{2})))?$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (year: number, month: number) => [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

/**
 * Strict ISO 8601: every part in range (`2026-02-30` is refused; JavaScript's parser would store it as
 * 2 March), a zone on every time (a bare local time would mean the server's zone), years 0001–9999 in
 * UTC. `dateOnly` also takes a calendar date, as UTC midnight. Returns the instant, or undefined.
 */
export function parseInstant(s: string, opts: { dateOnly?: boolean } = {}): Date | undefined {
  const m = INSTANT.exec(s);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone, sign, oh, om] = m;
  if (hs === undefined && !opts.dateOnly) return undefined;
  const [y, mo, d] = [Number(ys), Number(mos), Number(ds)];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  const [h, mi, sec] = [Number(hs ?? 0), Number(mis ?? 0), Number(ss ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  if (zone !== undefined && sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) return undefined;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi - offset, sec, ms);
  const t = utc.getTime();
  return t >= EARLIEST && t <= LATEST ? utc : undefined;
}

/** A time with its zone, normalised to ISO UTC. */
export const time: Check<string> = (v, field) => {
  const t = typeof v === 'string' ? parseInstant(v.trim()) : undefined;
  return t ? t.toISOString() : refuse(field, 'an ISO 8601 time with a zone, years 0001–9999 (2026-01-31T09:30:00Z)', v);
};

/** A Date that PostgreSQL and ISO 8601 can both hold (a GraphQL Date variable, a cursor's key). */
export const isStorableDate = (d: Date) => !Number.isNaN(d.getTime()) && d.getTime() >= EARLIEST && d.getTime() <= LATEST;
