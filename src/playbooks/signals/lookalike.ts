/**
 * Domains that imitate others: the organisation's own (isLookalike, also used by the sender-reputation
 * step) and well-known brands' (brandImitationOf). WORKER-SAFE.
 *
 * Both compare registrable domains (Public Suffix List, domain/host.ts) by their name without the
 * suffix: `contoso-hr.co.uk` → `contoso-hr`, `login-microsoft.web.app` → `login-microsoft` (a private
 * suffix such as web.app makes each customer's site its own registrable domain).
 */
import { parse } from 'tldts';
import { registrableDomainOf, skeletonOf } from '../../domain/host.js';
import { BRANDS, type Brand } from './data/brands.data.js';
import { ABUSED_TLDS } from './data/tlds.data.js';

const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false } as const;

/** The name of a registrable domain without its public suffix (`paypal-login.co.uk` → `paypal-login`). */
export function nameOf(domain: string): string {
  return parse(domain, TLDTS_OPTIONS).domainWithoutSuffix || (domain.split('.', 1)[0] ?? '');
}

/** The usual ASCII homoglyphs a registrar accepts, undone: digits for letters and letter pairs that read as one. */
const foldAscii = (s: string) => s.replace(/0/g, 'o').replace(/1/g, 'l').replace(/rn/g, 'm').replace(/vv/g, 'w');

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment): a swapped
 * pair (`micorsoft`) is the commonest typo a squatter registers, and plain Levenshtein counted it as two.
 * Three rows; `limit` ends early once every cell of a row exceeds it.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Rows have b.length + 1 entries and cur gains one per j, so every index below is in range.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, before[j - 2]! + 1);
    }
    if (Math.min(...cur) > limit) return limit + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * How many edits still make a look-alike of a name this long. Short names have many innocent neighbours
 * at distance one or two (`pot` is two edits from `post`, `port`, `pt`, `pod`…), so names under five
 * letters count only as confusables; the old flat distance of 2 made half of all short names look alike.
 */
const editsAllowed = (length: number) => (length < 5 ? 0 : length < 9 ? 1 : 2);

/**
 * Two different domains that look alike: the same UTS #39 confusables skeleton (a Cyrillic `а` for a
 * Latin `a`, however many letters are swapped), the same name after undoing ASCII homoglyphs
 * (`c0ntoso`, `rnicrosoft`), or a small edit distance between the names (one edit for names of five to
 * eight letters, two from nine).
 */
export function isLookalike(domain: string, of: string): boolean {
  if (domain === of) return false;
  if (skeletonOf(domain) === skeletonOf(of)) return true;
  const label = (d: string) => d.split('.', 1)[0] ?? '';
  const [a, b] = [foldAscii(label(domain)), foldAscii(label(of))];
  if (a === b) return true;
  const allowed = editsAllowed(Math.min(a.length, b.length));
  return allowed > 0 && editDistance(a, b, allowed) <= allowed;
}

/** Registrable domain → the brands that own it (a few share one: Geek Squad is Best Buy's). */
const OWNERS = new Map<string, Brand[]>();
for (const brand of BRANDS) {
  for (const d of brand.domains) {
    const key = registrableDomainOf(d) ?? d;
    OWNERS.set(key, [...(OWNERS.get(key) ?? []), brand]);
  }
}

/** The brands that own a host's registrable domain (`email.paypal.com` → PayPal); none for other hosts. */
export function ownersOf(host: string): readonly Brand[] {
  const registrable = registrableDomainOf(host);
  return (registrable && OWNERS.get(registrable)) || [];
}

/** Whether two hosts belong to one brand (`linkedin.com` and `lnkd.in`). */
export const sameBrand = (a: string, b: string) => ownersOf(a).some((brand) => ownersOf(b).includes(brand));

/**
 * Each brand domain's name, folded, for the confusable comparison; the brand's first (main) domain also
 * for misspellings: secondary names are often words (`office`, `windows`, `kindle`) whose one-letter
 * neighbours are innocent (`offices`, `window`, `kindly`).
 */
const BRAND_NAMES: { brand: Brand; name: string; skeleton: string; main: boolean }[] = [];
for (const brand of BRANDS) {
  const names = [...new Set(brand.domains.map((x) => nameOf(registrableDomainOf(x) ?? x)))];
  names.forEach((d, i) => {
    // Names of two letters or three (`fb`, `ml`, `go`) imitate nothing recognisably.
    if (d.length >= 4) BRAND_NAMES.push({ brand, name: foldAscii(d), skeleton: skeletonOf(d), main: i === 0 });
  });
}

export interface BrandImitation {
  brand: Brand;
  /**
   * `confusable`: the brand's name spelt with look-alike letters, or one letter off; `misspelt`: two letters
   * off, which a long name's innocent neighbours also are (a parody site, `microshaft`); `contains`: the
   * brand's name inside another name.
   */
  how: 'confusable' | 'misspelt' | 'contains';
}

/**
 * Whether a host's registrable domain imitates a brand: its name is a confusable or a near-misspelling
 * of a brand domain's name (`paypa1.com`, `rnicrosoft.com`, `xn--pypal-4ve.com`, `netfliix.com`), or
 * carries a brand token (`paypal-secure-login.com`, `dhl-track.info`, `login-microsoft.web.app`).
 * Never for a domain the brand owns; the brand's exact name under another suffix (`paypal.de`) counts
 * only on an abused TLD, since brands register their name under many country codes.
 */
export function brandImitationOf(host: string): BrandImitation | undefined {
  const registrable = registrableDomainOf(host);
  if (!registrable || OWNERS.has(registrable)) return undefined;
  if (IMITATIONS.has(registrable)) return IMITATIONS.get(registrable);
  // Campaigns and newsletters repeat their domains: the comparison with every brand (0.25 ms) runs once a domain.
  if (IMITATIONS.size >= MAX_REMEMBERED) IMITATIONS.clear();
  const imitation = compareWithBrands(registrable);
  IMITATIONS.set(registrable, imitation);
  return imitation;
}

const MAX_REMEMBERED = 10_000;
const IMITATIONS = new Map<string, BrandImitation | undefined>();

function compareWithBrands(registrable: string): BrandImitation | undefined {
  const name = nameOf(registrable);
  if (!name) return undefined;
  const folded = foldAscii(name);
  const skeleton = skeletonOf(name);
  const tld = registrable.slice(registrable.lastIndexOf('.') + 1);
  for (const b of BRAND_NAMES) {
    // The brand's own name under another suffix (`yahoo.com.au`): most likely the brand's, unless the TLD is one of abuse.
    if (name === b.name) return ABUSED_TLDS.has(tld) ? { brand: b.brand, how: 'confusable' } : undefined;
    if (skeleton === b.skeleton || folded === b.name) return { brand: b.brand, how: 'confusable' };
    // Misspellings only of a main name of six letters or more: shorter ones have innocent neighbours.
    const allowed = b.main && b.name.length >= 6 ? editsAllowed(b.name.length) : 0;
    if (allowed > 0 && !b.brand.ambiguous) {
      const distance = editDistance(folded, b.name, allowed);
      if (distance <= allowed) return { brand: b.brand, how: distance === 1 ? 'confusable' : 'misspelt' };
    }
  }
  const parts = folded.split(/[^a-z]+/).filter(Boolean);
  for (const brand of BRANDS) {
    for (const token of brand.tokens) {
      // A short token only as a whole part (`dhl-track`, not `adhl`); a long one anywhere (`securepaypal`).
      if (parts.includes(token) || (token.length >= 6 && folded.includes(token))) return { brand, how: 'contains' };
    }
  }
  return undefined;
}
