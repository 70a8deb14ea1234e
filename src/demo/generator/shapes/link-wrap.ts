/**
 * URL rewriting as mail gateways do it, so that a link in the mailbox is not the link the attacker
 * sent. The formats are the vendors' published ones (decoders for them are public and widely used);
 * per-recipient parameters differ in every copy, so wrapped links never repeat across a campaign.
 */
import url from 'node:url';
import type { Random } from '../random.js';
import type { LinkWrapper } from './shape-truth.types.js';

/**
 * Microsoft Defender Safe Links: `https://<region>.safelinks.protection.outlook.com/?url=<encoded>&data=…&sdata=…&reserved=0`.
 * `data` carries the recipient and tenant ids, `|`-separated and percent-encoded.
 */
export function safeLinks(link: string, recipient: string, tenantId: string, rng: Random): string {
  const region = rng.pick(['nam12', 'nam11', 'nam04', 'eur03', 'gbr01']);
  const data = [
    '05',
    '02',
    recipient,
    rng.token(32),
    tenantId,
    '0',
    '0',
    `6386${rng.between(10_000_000, 99_999_999)}`,
    'Unknown',
    'TWFpbGZsb3d8eyJFbXB0eU1hcGkiOnRydWV9',
    '0',
    '',
    '',
    '',
  ].join('|');
  const sdata = Buffer.from(rng.token(24)).toString('base64');
  return `https://${region}.safelinks.protection.outlook.com/?url=${encodeURIComponent(link)}&data=${encodeURIComponent(data)}&sdata=${encodeURIComponent(sdata)}&reserved=0`;
}

/**
 * Proofpoint URL Defense v2: `https://urldefense.proofpoint.com/v2/url?u=<url>&d=…&c=…&r=…&m=…&s=…&e=`, where
 * `<url>` is percent-encoded with `-` for `%` and `_` for `/` (so `-` and `_` themselves are escaped).
 */
export function proofpointV2(link: string, rng: Random): string {
  let u = '';
  for (const byte of Buffer.from(link, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.]/.test(ch)) u += ch;
    else if (ch === '/') u += '_';
    else u += '-' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  const b64 = (n: number) => Buffer.from(rng.token(n)).toString('base64url');
  return `https://urldefense.proofpoint.com/v2/url?u=${u}&d=DwMFaQ&c=${b64(30)}&r=${b64(33)}&m=${b64(33)}&s=${b64(33)}&e=`;
}

/**
 * Proofpoint URL Defense v3: `https://urldefense.com/v3/__<url>__;<bytes>!!<customer>!<signature>$`. The URL
 * is kept verbatim except that characters the format reserves become `*`, their bytes listed base64url after `;`.
 */
export function proofpointV3(link: string, rng: Random): string {
  let kept = '';
  let replaced = '';
  for (const ch of link) {
    // `*` marks a replaced character, and `_` runs would end the embedded URL early.
    if (ch === '*' || ch === '_' || ch === '$' || ch === '!') {
      kept += '*';
      replaced += ch;
    } else kept += ch;
  }
  const bytes = replaced ? Buffer.from(replaced, 'utf8').toString('base64url') : '';
  return `https://urldefense.com/v3/__${kept}__;${bytes}!!${rng.token(14)}!${rng.token(60)}$`;
}

export function wrapLink(wrapper: LinkWrapper, link: string, recipient: string, tenantId: string, rng: Random): string {
  switch (wrapper) {
    case 'SAFE_LINKS':
      return safeLinks(link, recipient, tenantId, rng);
    case 'PROOFPOINT_V2':
      return proofpointV2(link, rng);
    case 'PROOFPOINT_V3':
      return proofpointV3(link, rng);
  }
}

/** A tenant id shaped like Microsoft's (a GUID), stable per organisation. */
export function tenantGuid(rng: Random): string {
  const h = rng.sha256();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * An internationalised look-alike of `label` (the organisation's first label): one or two Latin letters
 * swapped for the Cyrillic letters that render the same, so the domain reads as the organisation's own.
 * Returns the Unicode form and the punycode (`xn--…`) form mail carries.
 */
export function idnLookalike(label: string, rest: string, rng: Random): { unicode: string; ascii: string } {
  const swappable = [...label].flatMap((ch, i) => (CYRILLIC[ch] ? [i] : []));
  const chars = [...label];
  if (swappable.length === 0) {
    // No letter has a Cyrillic twin: a Cyrillic 'о' in front still reads as a typo of the name, not a new one.
    chars.unshift('\u043e');
  } else {
    const first = rng.pick(swappable);
    chars[first] = CYRILLIC[chars[first]!]!;
    const second = rng.pick(swappable);
    if (second !== first && rng.chance(0.5)) chars[second] = CYRILLIC[chars[second]!]!;
  }
  const unicode = `${chars.join('')}.${rest}`;
  return { unicode, ascii: url.domainToASCII(unicode) };
}

/** Latin letters and the Cyrillic letters drawn the same in most fonts (Unicode confusables). */
const CYRILLIC: Record<string, string> = {
  a: '\u0430',
  c: '\u0441',
  e: '\u0435',
  i: '\u0456',
  j: '\u0458',
  o: '\u043e',
  p: '\u0440',
  s: '\u0455',
  x: '\u0445',
  y: '\u0443',
};
