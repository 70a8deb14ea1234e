/**
 * The field-by-field comparison of `npm run eval:parse` (parse.eval.ts): AIR's stored row against the
 * independent reference (reference.py), with the targets of the issue "Real mail, read right".
 */

/** One line of reference.py's output. */
export interface Reference {
  file: string;
  error?: string;
  senderIp: string | null;
  words: number;
  urls: string[];
  auth: { spf: string | null; dkim: string | null; dmarc: string | null } | null;
  attachments: string[];
  sender: string | null;
  upstream: boolean;
}

/** What AIR stored for one message (optional columns are absent until the parser work adds them). */
export interface Stored {
  sender: string;
  senderIp: string | null;
  body: string;
  urls: string[];
  auth: Record<string, string | undefined> | null;
  attachments: { sha256: string }[];
  upstream?: unknown;
  senderSource?: unknown;
  /** The text the message quotes (forwards, replies): visible text too. */
  quoted?: string;
  /** Links with their wrapped form and display text, where AIR stores them. */
  links?: { url: string; wrapped?: string; text?: string }[];
}

export interface FieldResult {
  field: string;
  /** What the issue asks for, as printed. */
  target: string;
  /** Agreement needed, as a fraction (null: a count target, see `met`). */
  goal: number | null;
  agree: number;
  of: number;
  /** n/a: AIR does not store the field yet. */
  na?: boolean;
  note?: string;
  disagreements: { file: string; reference: unknown; air: unknown }[];
}

/** Visible words, counted as reference.py counts them: whitespace-separated tokens with a letter or digit. */
export const wordCount = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}_]/u.test(w)).length;
export const VISIBLE_WORDS = 30;

/** URLs written in text, as reference.py finds them. */
const URL_IN_TEXT = /(?:https?:\/\/|www\.)[^\s<>"'`[\]]+/gi;
const TRAILING = /[.,;:!?)\]}'">*]+$/;
/** Light normalisation, the reference's: lower-case scheme and host, no trailing punctuation. */
export function normaliseUrl(url: string): string | null {
  const m = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(url.trim().replace(TRAILING, ''));
  return m ? `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase()}${m[3]}` : null;
}

/**
 * A URL no browser would follow as written: a separator or markup character inside it, or two URLs run
 * together (`…comhttp://…`). A second `http` after `=`, `/`, `?` or `%` is a redirect target, not junk.
 */
export const isJunkUrl = (url: string) => /[\]\s<>"]/.test(url) || /[^=/?%&]https?:\/\//i.test(url.slice(1));

const authOf = (a: Record<string, string | null | undefined> | null) => ({
  spf: a?.spf ?? null,
  dkim: a?.dkim ?? null,
  dmarc: a?.dmarc ?? null,
});

/** Compare every reference message with what AIR stored (undefined: the line was rejected). */
export function compare(refs: Reference[], air: Map<string, Stored | undefined>, columns: { upstream: boolean }): FieldResult[] {
  const field = (name: string, target: string, goal: number | null): FieldResult => ({
    field: name,
    target,
    goal,
    agree: 0,
    of: 0,
    disagreements: [],
  });
  const senderIp = field('sender IP', '≥ 98 %', 0.98);
  const body = field('body text present', '≥ 99 % where the reference finds visible text', 0.99);
  const urls = field('URLs (as sets)', '≥ 99.5 %', 0.995);
  const junk = field('junk URLs', '0', null);
  const auth = field('authentication', '≥ 99.5 %', 0.995);
  const attachments = field('attachments', '≥ 99.5 %', 0.995);
  const from = field('From', '≥ 99 %', 0.99);
  const upstream = field('upstream verdict read', 'every message that carries one', 1);
  const rejected = field('usable sender rejected', '0', null);
  const tally = (f: FieldResult, ok: boolean, file: string, reference: unknown, value: unknown) => {
    f.of++;
    if (ok) f.agree++;
    else f.disagreements.push({ file, reference, air: value });
  };
  let junkUrls = 0;
  for (const ref of refs) {
    if (ref.error) continue;
    const m = air.get(ref.file);
    const file = ref.file;
    if (!m && !ref.sender) continue; // no sender identity at all: rejecting it is right (and not counted here)
    if (!m) {
      // A rejected line disagrees on every field it had.
      for (const f of [senderIp, urls, auth, attachments, from]) tally(f, false, file, '(any)', 'rejected');
      if (ref.words >= VISIBLE_WORDS) tally(body, false, file, ref.words, 'rejected');
      if (ref.upstream) tally(upstream, false, file, true, 'rejected');
      if (ref.sender) tally(rejected, false, file, ref.sender, 'rejected');
      continue;
    }
    tally(senderIp, (ref.senderIp ?? null) === (m.senderIp ?? null), file, ref.senderIp, m.senderIp);
    if (ref.words >= VISIBLE_WORDS) {
      // The message's own text and what it quotes (a forwarded phish is all quote) are both visible text.
      // Half the reference's count is enough: scripts without spaces between words (CJK) count fewer tokens.
      const words = wordCount(`${m.body}\n${m.quoted ?? ''}`);
      tally(body, words >= Math.min(VISIBLE_WORDS, Math.ceil(ref.words / 2)), file, `${ref.words} words`, `${words} words`);
    }
    // AIR keeps each link's real target in `urls`, its wrapped form (Safe Links, …) and the URLs shown in
    // its text in `links` (a URL written inside a link's text is what the link displays, not a link of its
    // own: clicking it goes to the href): a reference URL agrees when AIR has it in any of these forms, and every target
    // AIR keeps must be one the reference found, or the target of a wrapped link the reference found.
    const known = (u: string | undefined) => (u ? normaliseUrl(/^www\./i.test(u) ? `http://${u}` : u) : null);
    const airUrls = m.urls.map(normaliseUrl).filter((u): u is string => u !== null);
    const airForms = new Set([
      ...airUrls,
      ...(m.links ?? []).flatMap((l) => [known(l.wrapped), ...(l.text?.match(URL_IN_TEXT) ?? []).map(known)]),
    ]);
    const refSet = new Set(ref.urls);
    const unwrappedFromRef = new Set(
      (m.links ?? []).filter((l) => l.wrapped && refSet.has(known(l.wrapped) ?? '')).map((l) => known(l.url)),
    );
    const urlsAgree = ref.urls.every((u) => airForms.has(u)) && airUrls.every((u) => refSet.has(u) || unwrappedFromRef.has(u));
    tally(urls, urlsAgree, file, ref.urls, airUrls);
    for (const u of m.urls) {
      if (!isJunkUrl(u)) continue;
      junkUrls++;
      junk.disagreements.push({ file, reference: '(not a URL)', air: u });
    }
    const a = authOf(m.auth);
    const r = authOf(ref.auth);
    tally(auth, a.spf === r.spf && a.dkim === r.dkim && a.dmarc === r.dmarc, file, r, a);
    const hashes = m.attachments.map((x) => x.sha256).sort();
    tally(attachments, hashes.join() === ref.attachments.join(), file, ref.attachments, hashes);
    tally(from, (ref.sender ?? '') === m.sender, file, ref.sender, m.sender);
    if (ref.upstream && columns.upstream) {
      const read = m.upstream !== null && m.upstream !== undefined && !(Array.isArray(m.upstream) && m.upstream.length === 0);
      tally(upstream, read, file, true, m.upstream);
    }
  }
  junk.agree = junkUrls;
  junk.of = [...air.values()].reduce((n, m) => n + (m?.urls.length ?? 0), 0);
  junk.note = `${junkUrls} junk of ${junk.of} URLs stored`;
  rejected.agree = rejected.disagreements.length;
  rejected.note = `${rejected.agree} rejected lines had a From, Sender or Return-Path`;
  if (!columns.upstream) {
    upstream.na = true;
    upstream.of = refs.filter((r) => r.upstream).length;
    upstream.note = `${upstream.of} messages carry one; AIR has no upstream column yet`;
  }
  return [senderIp, body, urls, junk, auth, attachments, from, upstream, rejected];
}

/** Whether a field meets its target. */
export function met(f: FieldResult): boolean | null {
  if (f.na) return null;
  if (f.goal === null) return f.agree === 0;
  return f.of === 0 || f.agree / f.of >= f.goal;
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)} %`);

/** The table, as printed. */
export function table(fields: FieldResult[]): string {
  const rows = fields.map((f) => [
    f.field,
    f.na ? 'n/a' : f.goal === null ? String(f.agree) : pct(f.agree, f.of),
    f.na ? (f.note ?? '') : f.goal === null ? (f.note ?? '') : `${f.agree} / ${f.of}`,
    f.target,
    met(f) === null ? '' : met(f) ? 'met' : 'NOT MET',
  ]);
  const head = ['field', 'AIR vs reference', 'counts', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
