/**
 * Fingerprints computed once per message at ingestion, so that every hunting query ("similar content",
 * "same URL", "same domain", "same attachment", "same sender IP and subject") is an index lookup on
 * `email_messages`, never a scan of a tenant's mail.
 *
 * ## Similar content: MinHash over word 3-shingles, LSH by banding
 *
 * Text = subject + the message's own body (what it quotes left out, mail/quotes.ts: a hijacked reply
 * quoting an announcement must not look like the announcement; the quoted text stands in only when the
 * message says nothing of its own, as a bare forward), lower-cased, URLs and e-mail addresses replaced by placeholders (tracking links
 * and recipient addresses differ per copy of one campaign), digit runs collapsed, split into words.
 * Shingles are overlapping word 3-grams. A message's signature is the minimum of each of {@link SLOTS} = 40
 * independent 32-bit hash functions over its shingles; two signatures agree in one slot with
 * probability = Jaccard(shingles). {@link estimateSimilarity} is the fraction of equal slots
 * (standard error √(J(1−J)/40) ≤ 0.08, enough to tell a template variant at 0.5–0.9 from mail
 * below 0.2; 64 slots would cost 60% more hashing for a 0.06 error).
 *
 * LSH: the BANDS × ROWS slots are cut into BANDS bands of ROWS slots; each band hashes to one key
 * (`b07:5f2a9c1e`). Two messages are candidates when they share ≥ 1 band key:
 *   P(candidate | J) = 1 − (1 − J^ROWS)^BANDS
 * With BANDS = 20, ROWS = 2 (the S-curve's knee is at (1/20)^(1/2) ≈ 0.22):
 *   J = 0.9 → 1.0000   J = 0.7 → 1.0000   J = 0.5 → 0.9968   J = 0.4 → 0.9697
 *   J = 0.3 → 0.8660   J = 0.2 → 0.5580   J = 0.1 → 0.1821   J = 0.05 → 0.0488   J = 0.02 → 0.0080
 * The requirement is P > 0.99 for template variants (J ≈ 0.5–0.9 — a different greeting, name or
 * tracking link changes a few shingles out of dozens). ROWS = 3 would need 36 bands (108 slots) for the
 * same 0.99 at J = 0.5: a sharper curve (knee 0.30), but 36 GIN keys per message instead of 20, and GIN
 * maintenance is what limits ingestion (see the migration). Unrelated mail shares almost no word
 * 3-shingles (J < 0.02 → < 1% candidates), and every candidate is re-checked with
 * {@link estimateSimilarity} against a threshold, so a false candidate costs one row read, never a
 * false cluster member.
 *
 * Hashing: FNV-1a per word, a multiplicative combine per shingle, and murmur3's 32-bit finaliser
 * (`fmix32`) per shingle, then one multiply-add per slot as the slot's permutation: ~40 µs for a
 * 150-word message on this project's (shared, slow) 2-core machines, where a bare dependent-multiply
 * loop runs at ~11 ns an iteration; the test prints the figure.
 */

import { registrableDomainOf } from '../domain/host.js';
import { domainOf, normaliseUrl } from '../domain/url.js';

// Hunting compares URLs and domains the way ingestion keys them: one rule, in domain/url.ts.
export { domainOf, normaliseUrl };

/** MinHash slots per message: exactly the BANDS × ROWS the bands need (each slot costs a multiply per shingle). */
export const SLOTS = 40;
/** LSH bands; each band hashes {@link ROWS} consecutive slots into one key. */
export const BANDS = 20;
export const ROWS = 2;
const SHINGLE = 3;

export interface MessageFingerprint {
  /** LSH band keys of the MinHash signature of normalised subject+body shingles; two messages sharing ≥1 band are candidates. Strings like 'b03:5f2a9c1e'. */
  lshBands: string[];
  /** The MinHash signature itself ({@link SLOTS} slots as signed 32-bit integers, so it fits `int[]`). Empty for a message without words. */
  minhash: number[];
  /** Normalised URLs: lower-cased scheme/host, tracking query parameters removed (utm_*, and per-recipient ids: any query value that looks like an id/hash/email), fragment removed. */
  urlKeys: string[];
  /**
   * The URLs' hosts (lower-case, ASCII, without 'www.') and their registrable domains by the Public
   * Suffix List (domain/host.ts), so "same domain" finds `x1.bad.example` and `x2.bad.example` alike;
   * the sender domain is separate.
   */
  domains: string[];
  attachmentHashes: string[];
  senderDomain: string;
  /** Normalised subject: lower-case, RE:/FW: prefixes, digits and whitespace runs collapsed. */
  subjectKey: string;
}

/** murmur3's 32-bit finaliser: a fast bijective mixer (the generator's stable draws use it too). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Deterministic per-slot seeds (a fixed sequence, so fingerprints are stable across processes and releases). */
const SEEDS = new Uint32Array(SLOTS);
for (let i = 0, s = 0x9e3779b9; i < SLOTS; i++) {
  s = fmix32((s + 0x9e3779b9) >>> 0);
  SEEDS[i] = s;
}

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"'()]+/gi;
const EMAIL_IN_TEXT = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a hashes of the words of `text`: lower-cased, URLs and addresses replaced by placeholders,
 * each digit run read as one `0`. One pass over the characters without building substrings
 * (three regex passes and `match` cost ~25 µs for 150 words; this ~3 µs).
 */
function wordHashes(text: string): number[] {
  let s = text.toLowerCase();
  if (s.includes('://') || s.includes('www.')) s = s.replace(URL_IN_TEXT, ' xurl ');
  if (s.includes('@')) s = s.replace(EMAIL_IN_TEXT, ' xemail ');
  const out: number[] = [];
  let h = FNV_OFFSET;
  let inWord = false;
  let lastDigit = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let isWord: boolean;
    let isDigit = false;
    if (c < 128) {
      isDigit = c >= 48 && c <= 57;
      isWord = isDigit || (c >= 97 && c <= 122);
    } else {
      // Astral letters arrive as surrogate halves: count them as word characters.
      isWord = (c >= 0xd800 && c <= 0xdfff) || WORD_CHAR.test(s.charAt(i));
    }
    if (isWord) {
      if (isDigit) {
        if (lastDigit) continue;
        lastDigit = true;
        h = Math.imul(h ^ 48, FNV_PRIME);
      } else {
        lastDigit = false;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      inWord = true;
    } else if (inWord) {
      out.push(h >>> 0);
      h = FNV_OFFSET;
      inWord = false;
      lastDigit = false;
    }
  }
  if (inWord) out.push(h >>> 0);
  return out;
}

/**
 * Slot permutations: slot s maps a shingle hash x (already well mixed) to (A[s]·x + B[s]) mod 2³², with
 * A[s] odd, so each slot is a bijection of the 32-bit space. One multiply and one add per shingle and
 * slot; a full murmur finaliser per slot cost 5× as much for no measurable gain in the estimate (see the
 * fingerprint tests: variants vs. unrelated mail).
 */
const MUL = Int32Array.from(SEEDS, (seed) => seed | 1);
const ADD = Int32Array.from(SEEDS, (seed) => fmix32(seed ^ 0x5bd1e995));

/**
 * The MinHash signature of the word shingles of `text`; undefined when it has no words. Slot values are
 * kept as int32 with the sign bit flipped (`u ^ 0x80000000`), whose signed order is the unsigned order
 * of `u`: V8 then keeps every value a small integer instead of boxing those ≥ 2³¹ as doubles (2× faster).
 */
function minhashOf(text: string): Int32Array | undefined {
  const wh = wordHashes(text);
  if (wh.length === 0) return undefined;
  const sig = new Int32Array(SLOTS).fill(0x7fffffff);
  const shingles = Math.max(1, wh.length - SHINGLE + 1);
  // The hot loop: every index is below its array's length by the loop bounds (wh is non-empty and
  // shingles ≤ wh.length; MUL, ADD and sig have SLOTS entries), so the assertions cost nothing.
  for (let i = 0; i < shingles; i++) {
    let h = wh[i]!;
    for (let k = 1; k < SHINGLE && i + k < wh.length; k++) h = Math.imul(h ^ wh[i + k]!, 0x9e3779b1);
    h = fmix32(h >>> 0) | 0;
    for (let s = 0; s < SLOTS; s++) {
      const v = ((Math.imul(h, MUL[s]!) + ADD[s]!) ^ 0x80000000) | 0;
      if (v < sig[s]!) sig[s] = v;
    }
  }
  return sig;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function bandsOf(sig: Int32Array): string[] {
  const out = new Array<string>(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = b + 1;
    // sig has SLOTS = BANDS × ROWS slots, so b * ROWS + r is always in range.
    for (let r = 0; r < ROWS; r++) h = fmix32((Math.imul(h, 0x01000193) ^ sig[b * ROWS + r]!) >>> 0);
    out[b] = `b${b < 10 ? '0' : ''}${b}:${hex8(h)}`;
  }
  return out;
}

/** Fraction of equal MinHash slots: an estimate of the Jaccard similarity of two messages' shingles. */
export function estimateSimilarity(a: number[], b: number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

const REPLY_PREFIX = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rif|enc)\s*(?:\[\d+\])?\s*:\s*)+/i;

/** Subject as the "same sender IP and subject" query compares it. */
export function subjectKeyOf(subject: string): string {
  return subject.toLowerCase().replace(REPLY_PREFIX, '').replace(/\d+/g, '0').replace(/\s+/g, ' ').trim();
}

export function fingerprintMessage(m: {
  sender: string;
  subject: string;
  /** The message's own text. */
  body: string;
  /** The text it quotes: fingerprinted only when the body has no words. */
  quoted?: string;
  urls: string[];
  attachments: { sha256: string }[];
}): MessageFingerprint {
  const text = !m.quoted || /[\p{L}\p{N}]/u.test(m.body) ? m.body : m.quoted;
  const sig = minhashOf(`${m.subject}\n${text}`);
  const urlKeys = new Set<string>();
  const domains = new Set<string>();
  for (const url of m.urls) {
    urlKeys.add(normaliseUrl(url));
    const d = domainOf(url);
    if (!d) continue;
    domains.add(d);
    const registrable = registrableDomainOf(d);
    if (registrable) domains.add(registrable);
  }
  const attachmentHashes = new Set<string>();
  for (const a of m.attachments) attachmentHashes.add(a.sha256.toLowerCase());
  return {
    lshBands: sig ? bandsOf(sig) : [],
    minhash: sig ? Array.from(sig) : [],
    urlKeys: [...urlKeys],
    domains: [...domains],
    attachmentHashes: [...attachmentHashes],
    senderDomain: domainOf(m.sender),
    subjectKey: subjectKeyOf(m.subject),
  };
}
