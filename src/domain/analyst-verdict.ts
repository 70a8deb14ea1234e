/**
 * An analyst's verdict on a message, sender, URL, domain, file or IP: tenant intelligence that later
 * investigations read beside threat-intelligence indicators (playbooks/ports.ts `IntelPort`). The
 * closed sets and the one rule that turns what an analyst typed into the value investigations compare:
 * here, WORKER-SAFE, so the API that stores a verdict and the steps that read it agree.
 */
import net from 'node:net';
import { asciiHost, registrableDomainOf } from './host.js';
import { IndicatorKind, Verdict } from './telemetry.js';
import { normaliseUrl } from './url.js';

/** What an analyst can judge: an indicator kind, or one message (by the id it was ingested with). */
export enum AnalystVerdictKind {
  /** One message, by its ingested `id`. */
  MESSAGE = 'MESSAGE',
  /** A sender address. */
  SENDER = 'SENDER',
  /** A URL (stored normalised, as hunting compares URLs). */
  URL = 'URL',
  /** A host name; it covers its subdomains, as a domain indicator does. */
  DOMAIN = 'DOMAIN',
  /** An attachment's SHA-256. */
  FILE = 'FILE',
  /** A sender IP address. */
  IP = 'IP',
}

/** The verdicts an analyst gives: UNKNOWN is what no verdict means, never one given. */
export const ANALYST_VERDICTS: readonly Verdict[] = [Verdict.MALICIOUS, Verdict.SUSPICIOUS, Verdict.CLEAN];

/** `source` of the IndicatorFacts an analyst verdict stands behind, beside a feed's name. */
export const ANALYST_SOURCE = 'analyst';

/** The analyst verdict kind that judges values of an indicator kind (the kinds share names). */
export const analystKindOf = (kind: IndicatorKind): AnalystVerdictKind => AnalystVerdictKind[kind];

export const MAX_VALUE_LENGTH = 2048;
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The value as investigations compare it, or why it cannot be one (a sentence naming what arrived).
 * - SENDER: trimmed, lower-cased (ingestion lower-cases every address).
 * - URL: `normaliseUrl` (unwrapped, tracking parameters dropped): the key messages carry in `url_keys`,
 *   so a verdict on a Safe Links copy and on the bare link are one verdict.
 * - DOMAIN: the host itself in ASCII form, without `www.`. Not widened to its registrable domain: an
 *   analyst who flags `phish.sharepoint.example` must not flag every tenant of that service; a host
 *   covers its own subdomains when looked up (host.ts `hostCandidates`). A public suffix or an IP is refused.
 * - FILE: a SHA-256, lower-cased. IP: an IPv4 or IPv6 address, lower-cased.
 * - MESSAGE: the ingested id as given (ids are case-sensitive); the service checks it exists.
 */
export function analystValueOf(kind: AnalystVerdictKind, raw: string): { value: string } | { error: string } {
  const given = raw.trim();
  const shown = `'${given.slice(0, 100)}${given.length > 100 ? '…' : ''}'`;
  if (!given) return { error: 'value is empty' };
  if (given.length > MAX_VALUE_LENGTH) return { error: `value is ${given.length} characters; at most ${MAX_VALUE_LENGTH} are kept` };
  switch (kind) {
    case AnalystVerdictKind.MESSAGE:
      return { value: given };
    case AnalystVerdictKind.SENDER: {
      const address = given.toLowerCase();
      return ADDRESS.test(address) ? { value: address } : { error: `a SENDER value must be an email address, but got ${shown}` };
    }
    case AnalystVerdictKind.URL: {
      if (!/^https?:\/\//i.test(given)) return { error: `a URL value must be an http(s) URL, but got ${shown}` };
      const value = normaliseUrl(given);
      return /^https?:\/\/[^/?#]+/.test(value) ? { value } : { error: `a URL value must be an http(s) URL, but got ${shown}` };
    }
    case AnalystVerdictKind.DOMAIN: {
      const host = asciiHost(given).replace(/^www\./, '');
      if (!host || net.isIP(host) || !/^[a-z0-9.-]+$/.test(host) || !registrableDomainOf(host))
        return { error: `a DOMAIN value must be a host name under a public suffix (e.g. bad.example), but got ${shown}` };
      return { value: host };
    }
    case AnalystVerdictKind.FILE:
      return /^[0-9a-f]{64}$/i.test(given)
        ? { value: given.toLowerCase() }
        : { error: `a FILE value must be a SHA-256 hex digest (64 hex digits), but got ${shown}` };
    case AnalystVerdictKind.IP:
      return net.isIP(given) ? { value: given.toLowerCase() } : { error: `an IP value must be an IPv4 or IPv6 address, but got ${shown}` };
  }
}
