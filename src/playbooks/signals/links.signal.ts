/**
 * What a message's links give away: text that shows one site while the link goes to another
 * (LINK_TEXT_MISMATCH), services anyone can put a lure on (ABUSED_SERVICE_LINK), top-level domains
 * mostly registered for abuse and raw IP addresses (SUSPICIOUS_TLD). WORKER-SAFE.
 */
import { LinkifyIt } from 'linkify-it';
import { Signal, type Evidence } from '../../domain/evidence.js';
import { asciiHost, registrableDomainOf } from '../../domain/host.js';
import { ABUSED_SERVICES, AbusedServiceKind } from './data/services.data.js';
import { ABUSED_TLDS } from './data/tlds.data.js';
import { ownersOf, sameBrand } from './lookalike.js';
import type { SignalMessage } from './message.types.js';
import { evidence, GRADES } from './weights.js';

/** Links looked at: a lure has a handful; a digest's hundred links add nothing but time. */
const MAX_LINKS = 100;

/** The host of a URL, lower-case ASCII; undefined when it is no http(s) URL. */
export function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? asciiHost(u.hostname) || undefined : undefined;
  } catch {
    return undefined;
  }
}

const isIpHost = (host: string) => /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.includes(':');

/** Link texts read with fuzzy links on: `paypal.com` and `www.paypal.com/signin` are domains shown, `Click here` is not. */
const linkify = new LinkifyIt({ fuzzyEmail: false, fuzzyIP: true, fuzzyLink: true });

/** The host a link's text shows, when the text is (mostly) a URL or a domain name. */
export function shownHost(text: string): string | undefined {
  const t = text.trim();
  if (!t || t.length > 300) return undefined;
  const [match] = linkify.match(t) ?? [];
  // The shown URL must be most of the text: "Visit our site at example.com for details" names a site
  // in passing, a reader does not take it for the link's address.
  if (!match || match.raw.length < t.length * 0.6) return undefined;
  return hostOf(match.url);
}

/** Each host and path prefix of data/services.data.ts, with its kind. */
const SERVICES = Object.entries(ABUSED_SERVICES).flatMap(([kind, entries]) =>
  entries.map((entry) => {
    const slash = entry.indexOf('/');
    return { kind: kind as AbusedServiceKind, host: slash < 0 ? entry : entry.slice(0, slash), path: slash < 0 ? '' : entry.slice(slash) };
  }),
);

function abusedServiceOf(url: string, host: string): { kind: AbusedServiceKind; host: string } | undefined {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const s = SERVICES.find((x) => (host === x.host || host.endsWith(`.${x.host}`)) && path.startsWith(x.path));
  return s ? { kind: s.kind, host: s.host + s.path } : undefined;
}

/** The links' evidence: one piece a signal and site. */
export function linkEvidence(m: SignalMessage): Evidence[] {
  const out: Evidence[] = [];
  const counted = new Set<string>();
  const once = (key: string, e: () => Evidence) => {
    if (counted.has(key)) return;
    counted.add(key);
    out.push(e());
  };
  const sender = registrableDomainOf(m.senderDomain) ?? m.senderDomain;
  for (const link of m.links.slice(0, MAX_LINKS)) {
    const host = hostOf(link.url);
    if (!host) continue;
    const target = registrableDomainOf(host) ?? host;
    const shown = link.text ? shownHost(link.text) : undefined;
    // A shown public suffix alone (`gov.br`) names nobody; a shown IP is compared as it is.
    const shownDomain = shown && (isIpHost(shown) ? shown : registrableDomainOf(shown));
    if (shownDomain && shownDomain !== target && !sameBrand(shownDomain, target)) {
      // Showing a well-known brand's address is the lure itself; other mismatches are also what click tracking does.
      const brand = ownersOf(shownDomain)[0];
      once(`mismatch:${shownDomain}>${target}`, () =>
        evidence(
          Signal.LINK_TEXT_MISMATCH,
          `A link shows ${shown}${brand ? ` (${brand.name})` : ''} but goes to ${host}`,
          brand ? GRADES.LINK_SHOWS_BRAND : undefined,
        ),
      );
    }
    // A sender linking to its own service (a Google Forms invitation from google.com) is that service speaking.
    const service = target === sender || sameBrand(target, sender) ? undefined : abusedServiceOf(link.url, host);
    if (service)
      once(`service:${service.host}`, () => evidence(Signal.ABUSED_SERVICE_LINK, `A link goes to ${host}: ${service.kind}, often abused`));
    if (isIpHost(host))
      once(`tld:${host}`, () => evidence(Signal.SUSPICIOUS_TLD, `A link goes to a bare IP address, ${host}`, GRADES.IP_ADDRESS_LINK));
    else {
      const tld = host.slice(host.lastIndexOf('.') + 1);
      if (ABUSED_TLDS.has(tld))
        once(`tld:${target}`, () =>
          evidence(Signal.SUSPICIOUS_TLD, `A link goes to ${host}, on .${tld}, a TLD mostly registered for abuse`),
        );
    }
  }
  const senderTld = m.senderDomain.slice(m.senderDomain.lastIndexOf('.') + 1);
  if (m.senderDomain.includes('.') && ABUSED_TLDS.has(senderTld))
    once(`tld:${sender}`, () =>
      evidence(Signal.SUSPICIOUS_TLD, `The sender's domain ${m.senderDomain} is on .${senderTld}, a TLD mostly registered for abuse`),
    );
  return out;
}
