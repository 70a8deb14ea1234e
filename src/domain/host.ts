/**
 * Host names as hunting and look-alike checks compare them: the registrable domain by the Public Suffix
 * List, IDN forms, the UTS #39 confusables skeleton, and the walk from a host up to its registrable
 * domain that indicator matching uses. WORKER-SAFE (node builtins and two small libraries).
 *
 * - `tldts` carries the Public Suffix List (ICANN and private sections) compiled into a trie; private
 *   suffixes count (`x.blogspot.com`, `y.web.app` are registrable domains of their own), so one
 *   customer of a hosting service never stands for all of them.
 * - `unhomoglyph` (the markdown-it/linkify-it maintainers) is the confusables mapping of Unicode's
 *   `confusables.txt` (UTS #39 data, version 13.0.0 in unhomoglyph 1.0.6); {@link skeletonOf} wraps it
 *   in the NFD steps of UTS #39's skeleton algorithm.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { getDomain } from 'tldts';
import unhomoglyph from 'unhomoglyph';

const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false } as const;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** A host lower-cased, in ASCII (punycode) form, without a trailing dot or IPv6 brackets; '' when it isn't a host name. */
export function asciiHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (!h) return '';
  if (h.startsWith('[') || h.includes(':')) return h.replace(/^\[|\]$/g, '');
  // Pure ASCII names are already in the form domainToASCII would return (it costs ~1 µs a call).
  if (/^[a-z0-9.-]+$/.test(h)) return h;
  return domainToASCII(h) || h;
}

/** The Unicode form of a host (`xn--bcher-kva.example` → `bücher.example`); the host itself when it has no IDN label. */
export function unicodeHost(host: string): string {
  const h = asciiHost(host);
  return h.includes('xn--') ? domainToUnicode(h) || h : h;
}

const isIp = (h: string) => IPV4.test(h) || h.includes(':');

/**
 * The registrable domain ("eTLD+1") of a host by the Public Suffix List, in ASCII form:
 * `a.b.example.co.uk` → `example.co.uk`. Undefined for IP addresses and for a public suffix itself.
 */
export function registrableDomainOf(host: string): string | undefined {
  const h = asciiHost(host);
  if (!h || isIp(h)) return undefined;
  return getDomain(h, TLDTS_OPTIONS) ?? undefined;
}

/**
 * The names an indicator on a host may be listed under, most specific first: the host and each parent
 * up to its registrable domain (`x1.mail.bad.example` → itself, `mail.bad.example`, `bad.example`), so
 * an indicator on a domain covers its subdomains, while a public suffix (`co.uk`, `web.app`) is never a
 * candidate. Unicode forms are added for IDN hosts, since indicators may be listed in either form.
 */
export function hostCandidates(host: string): string[] {
  const h = asciiHost(host).replace(/^www\./, '');
  if (!h) return [];
  const out = [h];
  const registrable = registrableDomainOf(h);
  if (registrable && registrable !== h && h.endsWith(`.${registrable}`)) {
    for (let dot = h.indexOf('.'); dot >= 0 && h.length - dot - 1 >= registrable.length; dot = h.indexOf('.', dot + 1)) {
      out.push(h.slice(dot + 1));
    }
  }
  if (h.includes('xn--')) for (const c of [...out]) out.push(unicodeHost(c));
  return [...new Set(out)];
}

/**
 * The UTS #39 skeleton of a host: NFD, every character replaced by its prototype in Unicode's
 * confusables mapping, NFD again; computed on the lower-cased Unicode form and lower-cased at the end
 * (host names are case-insensitive; `0` maps to `O`). Two hosts that look alike have the same skeleton:
 * `pаypal.example` with a Cyrillic `а` and `paypal.example`; so do `rn` and `m`.
 */
export function skeletonOf(host: string): string {
  const u = unicodeHost(host) || host.trim().toLowerCase();
  return unhomoglyph(u.normalize('NFD')).normalize('NFD').toLowerCase();
}

/** The values a DOMAIN indicator look-up searches for these hosts: each as given, and its {@link hostCandidates}. */
export function domainIndicatorKeys(hosts: string[]): string[] {
  return [...new Set(hosts.flatMap((h) => [h, ...hostCandidates(h)]))];
}
