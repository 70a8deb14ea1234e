import { createHash } from 'node:crypto';
import net from 'node:net';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';

/** What a whole RFC 5322 message yields for the `email_messages` row (the `raw_message` record; `reportMessage(raw)`). */
export interface ParsedRawMessage {
  sender: string;
  returnPath?: string;
  senderIp?: string;
  subject: string;
  body: string;
  urls: string[];
  attachments: { name: string; sha256: string; size: number }[];
  auth?: { spf?: string; dkim?: string; dmarc?: string };
  internetMessageId?: string;
}

function firstAddress(value: HeaderValue | AddressObject | AddressObject[] | undefined): string | undefined {
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

function headerStrings(value: HeaderValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : typeof v.value === 'string' ? v.value : ''));
  if (value instanceof Date) return [value.toISOString()];
  return ['value' in value && typeof value.value === 'string' ? value.value : ''];
}

/** Loopback, private, link-local, CGNAT and documentation-free internal ranges: hops inside an organisation. */
function isInternalIp(ip: string): boolean {
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
export function authResultsOf(headers: string[]): ParsedRawMessage['auth'] {
  const first = headers[0];
  if (!first) return undefined;
  const pick = (method: string) => new RegExp(`\\b${method}\\s*=\\s*([a-z]+)`, 'i').exec(first)?.[1]?.toLowerCase();
  const auth = { spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc') };
  return auth.spf || auth.dkim || auth.dmarc ? auth : undefined;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/gi, '&')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'");
}

/** Every http(s) URL of the message: the text body's, and the HTML's hrefs (which may differ from the visible text). */
export function urlsOf(text: string, html: string | undefined): string[] {
  const urls = new Set<string>();
  for (const m of text.matchAll(URL_IN_TEXT)) urls.add(m[0].replace(/[.,;:!?)\]]+$/, ''));
  if (html) {
    for (const m of html.matchAll(HREF)) {
      const href = decodeEntities((m[1] ?? m[2] ?? m[3] ?? '').trim());
      if (/^https?:\/\//i.test(href)) urls.add(href);
    }
    for (const m of html.replace(/<[^>]*>/g, ' ').matchAll(URL_IN_TEXT)) urls.add(decodeEntities(m[0]).replace(/[.,;:!?)\]]+$/, ''));
  }
  return [...urls];
}

/** Parse an RFC 5322 / MIME message with mailparser. Addresses are lower-cased. */
export async function parseRawMessage(eml: string | Buffer): Promise<ParsedRawMessage> {
  const parsed = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true });
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const body = parsed.text ?? '';
  const sender = (firstAddress(parsed.from) ?? firstAddress(parsed.headers.get('sender')) ?? '').toLowerCase();
  const returnPath = firstAddress(parsed.headers.get('return-path'))?.toLowerCase();
  return {
    sender,
    returnPath,
    senderIp: senderIpOf(headerStrings(parsed.headers.get('received'))),
    subject: parsed.subject ?? '',
    body,
    urls: urlsOf(body, html),
    attachments: parsed.attachments.map((a) => ({
      name: a.filename ?? 'attachment',
      sha256: createHash('sha256').update(a.content).digest('hex'),
      size: a.content.length,
    })),
    auth: authResultsOf(headerStrings(parsed.headers.get('authentication-results'))),
    internetMessageId: parsed.messageId,
  };
}
