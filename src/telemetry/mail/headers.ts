/**
 * What a message's headers say about where it came from and how it was received: the sender identity,
 * the IP the receiving organisation saw, the receiver's authentication results. Pure functions over
 * header values: they run in /ingest's worker threads (WORKER-SAFE).
 */
import net from 'node:net';
import type { AddressObject, HeaderValue } from 'mailparser';

/** SPF, DKIM and DMARC results as the receiver wrote them (`pass`, `fail`, `softfail`, `none`, …). */
export interface AuthResults {
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

export function firstAddress(value: HeaderValue | AddressObject | AddressObject[] | undefined): string | undefined {
  if (!value) return undefined;
  if (typeof value === 'string') return value.replace(/^[\s<]+|[\s>]+$/g, '') || undefined;
  const objects = Array.isArray(value) ? value : [value];
  for (const o of objects) {
    if (o && typeof o === 'object' && 'value' in o && Array.isArray(o.value)) {
      for (const a of o.value) {
        if (a.address) return a.address;
        const inGroup = a.group?.find((g) => g.address);
        if (inGroup?.address) return inGroup.address;
      }
    }
  }
  return undefined;
}

export function headerStrings(value: HeaderValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : typeof v.value === 'string' ? v.value : ''));
  if (value instanceof Date) return [value.toISOString()];
  return ['value' in value && typeof value.value === 'string' ? value.value : ''];
}

/** Loopback, private, link-local, CGNAT and documentation-free internal ranges: hops inside an organisation. */
export function isInternalIp(ip: string): boolean {
  if (net.isIPv4(ip)) {
    // net.isIPv4 has just checked that there are four dotted parts.
    const [a, b] = ip.split('.').map(Number) as [number, number, number, number];
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a === 0
    );
  }
  const v6 = ip.toLowerCase();
  return v6 === '::1' || v6.startsWith('fe80:') || v6.startsWith('fc') || v6.startsWith('fd') || v6 === '::';
}

const RECEIVED_FROM_IP = /\[(?:IPv6:)?([0-9a-fA-F:.]+)\]/g;

/**
 * The sender IP: walking `Received` headers from the top (the newest hop, added by our own edge),
 * the first `from … [a.b.c.d]` whose address is not internal is the host that handed the message to
 * the organisation — the last external hop. Falls back to the last IP seen when every hop is internal.
 */
export function senderIpOf(received: string[]): string | undefined {
  let fallback: string | undefined;
  for (const header of received) {
    const [fromPart = ''] = header.split(/\bby\b/i);
    for (const m of fromPart.matchAll(RECEIVED_FROM_IP)) {
      const ip = m[1];
      if (ip === undefined || !net.isIP(ip)) continue;
      if (!isInternalIp(ip)) return ip;
      fallback ??= ip;
    }
  }
  return fallback;
}

/** `spf=pass`, `dkim=fail`, `dmarc=bestguesspass` from the topmost `Authentication-Results` (our own receiver's). */
export function authResultsOf(headers: string[]): AuthResults | undefined {
  const first = headers[0];
  if (!first) return undefined;
  const pick = (method: string) => new RegExp(`\\b${method}\\s*=\\s*([a-z]+)`, 'i').exec(first)?.[1]?.toLowerCase();
  const auth = { spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc') };
  return auth.spf || auth.dkim || auth.dmarc ? auth : undefined;
}
