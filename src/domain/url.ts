/**
 * How hunting compares URLs and domains. Ingestion keys every message by these (fingerprint.ts) and
 * playbook steps look messages up by them, so both sides must apply the same rule: it lives here,
 * WORKER-SAFE, for ingest worker threads and playbook steps alike. Host rules (registrable domain,
 * IDN, skeleton) are in host.ts, wrapped links in unwrap.ts.
 */
import { unwrapUrl } from './unwrap.js';

/** Query parameters that only ever track. */
const TRACKING_PARAM =
  /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_eid|mc_cid|_hsenc|_hsmi|mkt_tok|yclid|igshid|oly_enc_id|oly_anon_id|vero_id|trk|ref_?id)$/i;
/** Values that identify a recipient or a send rather than a page: e-mail addresses, UUIDs, hex/base64 tokens, long numbers. */
function looksLikeId(value: string): boolean {
  if (value.length < 6) return false;
  if (/@/.test(value)) return true;
  if (/^\d{6,}$/.test(value)) return true;
  if (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value)) return true;
  if (/^[0-9a-f]{8,}$/i.test(value)) return true;
  // Base64/base64url tokens: long, and mixing letters with digits.
  return value.length >= 12 && /^[A-Za-z0-9_\-+/=.%]+$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * Unfilled template placeholders: a kit or a mass mailer that failed to substitute its variables sends
 * `{{url}}`, `{email}`, `[LINK]`, `[[unsubscribe]]`, `%URL%`, `*|UNSUB|*` or `##LINK##` as written. Bracket
 * names never hold a colon (an IPv6 literal host does) and never follow a word (`?filter[status]=x` is a
 * PHP-style parameter); `%NAME%` starts with something other than two hex digits (a percent-escape does).
 */
const PLACEHOLDER =
  /\{\{?[\w.-]{1,40}\}\}?|(?<![\w\]])\[\[?[\w.-]{1,40}\]\]?|%(?![0-9a-f]{2})[a-z_][\w]{1,39}%|\*\|[\w:-]{1,40}\|\*|##[\w-]{1,40}##/i;

/**
 * A link as a browser follows it, or undefined when it is no link at all. Browsers drop tabs and line
 * breaks anywhere in a URL (quoted-printable soft breaks leave some inside `href`s) and percent-encode
 * the spaces and control characters left in its path and query (`&#16;` in an `href` is `%10`); a host
 * they cannot parse (a space in it, a line break gluing two words) is nowhere to go. An unfilled template placeholder (see {@link PLACEHOLDER}) is no part of
 * an address: in the host (or before it) the link leads nowhere and is dropped; after the host, the URL
 * is kept up to it, which is what the sender really filled in (`https://site.example/page.html#[sunsb]`
 * is the page; `http://host.example/[optout]` is that host's link, and the host is the evidence).
 */
export function followableUrl(raw: string): string | undefined {
  let url = raw.replace(/[\t\r\n]/g, '').trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return undefined;
  const authorityEnd = url.slice(scheme[0].length).search(/[/?#]/);
  const hostEnd = authorityEnd < 0 ? url.length : scheme[0].length + authorityEnd;
  const placeholder = PLACEHOLDER.exec(url);
  if (placeholder) {
    if (placeholder.index < hostEnd) return undefined;
    url = url.slice(0, placeholder.index).replace(/[?&#]+$/, '');
  }
  // No host (`http:///path`: WHATWG would take the path's first segment as one) or a space in it.
  if (hostEnd === scheme[0].length || /\s/.test(url.slice(0, hostEnd))) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what is being encoded
  url = url.replace(/[\u0000-\u0020\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  try {
    new URL(url);
  } catch {
    return undefined;
  }
  return url;
}

function parseLooseUrl(raw: string): URL | undefined {
  const s = raw.trim();
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `http://${s}`);
  } catch {
    return undefined;
  }
}

/**
 * A URL as hunting compares it: unwrapped from known link wrappers and redirectors (unwrap.ts: a Safe
 * Links copy and the bare link are one URL), scheme and host lower-cased (WHATWG parsing also drops default ports
 * and resolves dot segments), fragment removed, tracking parameters and per-recipient id values removed,
 * the remaining parameters sorted. The path keeps its case: paths are case-sensitive. Unparseable input
 * is returned trimmed and lower-cased.
 */
export function normaliseUrl(url: string): string {
  const u = parseLooseUrl(unwrapUrl(url.trim()).url);
  if (!u || !u.host) return url.trim().toLowerCase();
  const kept = [...u.searchParams].filter(([k, v]) => !TRACKING_PARAM.test(k) && !looksLikeId(v) && !looksLikeId(k));
  kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = kept.length ? '?' + new URLSearchParams(kept).toString() : '';
  const host = u.host.replace(/\.$/, '');
  return `${u.protocol}//${host}${u.pathname}${query}`;
}

/**
 * The lower-case host of a URL (ASCII form, as WHATWG parsing gives it), or the domain of an address,
 * without a leading `www.`, a port or a trailing dot. The host, not the registrable domain
 * (host.ts `registrableDomainOf`): mailbox domains and sender domains are compared exactly.
 */
export function domainOf(urlOrAddress: string): string {
  const s = urlOrAddress.trim();
  if (!s) return '';
  if (!s.includes('://')) {
    const at = s.lastIndexOf('@');
    if (at >= 0)
      return s
        .slice(at + 1)
        .replace(/[>\s].*$/, '')
        .toLowerCase()
        .replace(/\.$/, '');
  }
  const u = parseLooseUrl(s);
  const host = u ? u.hostname : s.toLowerCase();
  return host.replace(/^www\./, '').replace(/\.$/, '');
}
