/**
 * A message's links (WORKER-SAFE): the HTML's, with the text each displays, and those written in the
 * text, found by linkify-it (markdown-it's link finder: it knows where a URL ends, so `…/x]https://…`,
 * `[https://…]` and `text<https://…>` give the URLs alone, where a character-class regex glued them),
 * each unwrapped from known link wrappers (domain/unwrap.ts) with the wrapped form kept.
 */
import { createRequire } from 'node:module';
import { LinkifyIt } from 'linkify-it';
import { followableUrl } from '../../domain/url.js';
import { unwrapUrl } from '../../domain/unwrap.js';
import type { HtmlLink } from './html.js';

/** One link of a message: where it leads, what it shows, and the link as written when a wrapper hid the target. */
export interface MessageLink {
  /** The target: the URL after unwrapping (as written when not wrapped). */
  url: string;
  /** The text an HTML link displays (an image link's `alt`); absent for links written in text. */
  text?: string;
  /** The link as the message carried it, when it was a Safe Links / URL Defense / redirector wrapper. */
  wrapped?: string;
}

/** A message's links are capped: hunting keys each one, and a thousand-link message is a list, not a lure. */
const MAX_LINKS = 500;
const MAX_URL = 8192;

// Only http(s) links, and bare `www.` names; other schemes (mailto:, ftp:, protocol-relative) are not
// what a reader clicks in mail, and bare domain names in prose ("Microsoft.com") are not links.
// A bare `www.` name is a link when it ends in a real top-level domain: linkify-it knows only the old
// gTLDs and the two-letter ones by default, so `www.example.online` was missed while the text
// `www.apple.combrsiri` (a URL with its slashes stripped) is rightly no link. The IANA list, as its README advises.
const IANA_TLDS = createRequire(import.meta.url)('tlds') as string[];
const linkify = new LinkifyIt({ fuzzyEmail: false, fuzzyIP: false, fuzzyLink: true, maxLength: MAX_URL }).tlds(IANA_TLDS, true);

const MAY_HOLD_LINK = /https?:|www\./i;

/**
 * http(s) URLs written in text, in order. linkify-it scans only the lines that may hold one (a link
 * never spans lines): scanning whole converted HTML bodies cost 0.2 ms a message, most of the budget.
 */
export function urlsInText(text: string): string[] {
  if (!text || !MAY_HOLD_LINK.test(text)) return [];
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!MAY_HOLD_LINK.test(line)) continue;
    for (const m of linkify.match(line) ?? []) {
      const schema = m.schema.toLowerCase();
      if (schema === 'http:' || schema === 'https:') out.push(m.url);
      else if (schema === '' && /^www\./i.test(m.raw)) out.push(`http://${m.raw}`);
    }
  }
  return out;
}

/**
 * One link: read from a message's body, as a browser follows it (domain/url.ts `followableUrl`: junk and
 * unfilled placeholders out); given by a connector (`asGiven`), kept as it came, any scheme included
 * (ingestion takes `mailto:` and relative links of a `message` record as evidence).
 */
function linkOf(raw: string, text: string | undefined, asGiven = false): MessageLink | undefined {
  if (raw.length > MAX_URL) return undefined;
  const written = asGiven ? raw.trim() : followableUrl(raw);
  if (!written) return undefined;
  const { url, wrapped } = unwrapUrl(written);
  const link: MessageLink = { url };
  if (text && text !== written && text !== url) link.text = text;
  if (wrapped) link.wrapped = wrapped;
  return link;
}

/**
 * The links of a message: HTML links first (they carry display text), then URLs of the text that no
 * HTML link already gave — and that no HTML link displays: in `<a href="https://evil.example">
 * https://bank.example</a>` the bank's URL is shown, not linked, and is kept as that link's text only.
 * One entry per (target, text), in order of appearance.
 */
export function linksOf(htmlLinks: HtmlLink[], texts: string[], asGiven = false): MessageLink[] {
  const out: MessageLink[] = [];
  const seen = new Set<string>();
  const add = (link: MessageLink | undefined) => {
    if (!link || out.length >= MAX_LINKS) return;
    const key = `${link.url}\u0000${link.text ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    seen.add(link.url);
    if (link.wrapped) seen.add(link.wrapped);
    out.push(link);
  };
  const shown = new Set<string>();
  for (const l of htmlLinks) {
    add(linkOf(l.url, l.text, asGiven));
    if (l.text) for (const url of urlsInText(l.text)) shown.add(url);
  }
  for (const text of texts) {
    for (const url of urlsInText(text)) {
      if (seen.has(url) || shown.has(url)) continue;
      add(linkOf(url, undefined));
    }
  }
  return out;
}

/** The distinct targets of some links: the `urls` hunting keys. */
export function targetsOf(links: MessageLink[]): string[] {
  return [...new Set(links.map((l) => l.url))];
}

/** Links of a `message` record that gives URLs without text: each unwrapped, in order. */
export function linksOfUrls(urls: string[]): MessageLink[] {
  return linksOf(
    urls.map((url) => ({ url })),
    [],
    true,
  );
}
