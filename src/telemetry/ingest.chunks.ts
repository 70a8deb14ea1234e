/**
 * How an upload is cut up on the main thread, before any line is parsed: chunks (one transaction each)
 * bounded by lines and bytes, the cheap look at each line's `type` and `id` that lets stored messages
 * be skipped unparsed, and the parse tasks a chunk is spread over so that every parser thread works.
 * Imports nothing of the database: ingest.service.ts asks PostgreSQL, this decides what to ask.
 */
import type { ParseTask } from './ingest.rows.js';

export type Line = ParseTask['lines'][number];

/** Characters of a line as it is held (a line read too long to hold counts nothing: only its length is kept). */
export const lineSize = ([, text]: Line) => (typeof text === 'string' ? text.length : 0);

/**
 * Where a JSON string that starts at `quote` ends (the index of its closing quote), or -1. Strings are
 * skipped with indexOf, not character by character: a raw_message line is mostly one long string (a
 * 1 MB emlBase64 has no quote inside, so this is one native scan).
 */
function stringEnd(line: string, quote: number): number {
  let at = quote;
  for (;;) {
    at = line.indexOf('"', at + 1);
    if (at === -1) return -1;
    let backslashes = 0;
    while (line.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * The top-level `type` and `id` of a JSON object line, when both are plain strings, without parsing
 * the rest (JSON.parse of a 1 MB raw_message line costs about as much as a hundredth of its .eml
 * parse, but builds the whole string on the main thread). Like JSON.parse, a repeated key's last value
 * wins. Returns undefined for anything it does not understand; such a line is simply parsed as usual.
 */
export function peekRecord(line: string): { type: string; id: string } | undefined {
  let i = line.indexOf('{');
  if (i === -1 || line.slice(0, i).trim() !== '') return undefined;
  let depth = 0;
  let key: string | undefined;
  let expectKey = false;
  let type: string | undefined;
  let id: string | undefined;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(line, i);
      if (end === -1) return undefined;
      if (depth === 1) {
        if (expectKey) {
          key = end - i < 8 ? line.slice(i + 1, end) : undefined;
          expectKey = false;
        } else if (key === 'type' || key === 'id') {
          const raw = line.slice(i, end + 1);
          let value: unknown;
          try {
            value = raw.includes('\\') ? JSON.parse(raw) : raw.slice(1, -1);
          } catch {
            return undefined;
          }
          if (key === 'type') type = value as string;
          else id = value as string;
          key = undefined;
        }
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth === 1) expectKey = true;
      else if (depth === 2) key = undefined;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 0) return line.slice(i + 1).trim() === '' && type !== undefined && id !== undefined ? { type, id } : undefined;
    } else if (c === 44 /* , */ && depth === 1) {
      expectKey = true;
      key = undefined;
    } else if (c !== 58 /* : */ && depth === 1 && key !== undefined && c > 32) {
      key = undefined; // a number, true, false or null: not a string value
    }
  }
  return undefined;
}

/** Record types stored in `email_messages`, whose ids are checked before parsing. */
const MESSAGE_TYPES = new Set(['message', 'raw_message']);

/** The message ids a chunk's lines carry (line index → id), for one indexed query per chunk. */
export function messageIds(lines: readonly Line[]): Map<number, string> {
  const ids = new Map<number, string>();
  lines.forEach(([, text], index) => {
    if (typeof text !== 'string') return;
    const peek = peekRecord(text);
    if (peek && MESSAGE_TYPES.has(peek.type)) ids.set(index, peek.id);
  });
  return ids;
}

/**
 * A chunk's lines as parse tasks of at most `taskLines` lines and about `taskChars` characters, so the
 * pool's threads share one chunk: measured on the phishing corpus (1,580 messages, 44 KB each, 4.4 ms
 * of mailparser each), a whole upload fitted in one 4,000-line chunk and ran on one thread.
 */
export function parseTasks(lines: readonly Line[], taskLines: number, taskChars: number): Line[][] {
  const tasks: Line[][] = [];
  let task: Line[] = [];
  let chars = 0;
  for (const line of lines) {
    if (task.length > 0 && (task.length >= taskLines || chars + lineSize(line) > taskChars)) {
      tasks.push(task);
      task = [];
      chars = 0;
    }
    task.push(line);
    chars += lineSize(line);
  }
  if (task.length > 0) tasks.push(task);
  return tasks;
}
