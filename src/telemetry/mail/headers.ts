/**
 * What a message's headers say about where it came from and how it was received: the sender identity,
 * the IP the receiving organisation saw, the receiver's authentication results. Pure functions over
 * header fields: they run in /ingest's worker threads (WORKER-SAFE).
 *
 * Trust follows the order of the fields. Each relay prepends its own `Received` (and the receiver its
 * `Authentication-Results` / `Received-SPF`), so the top of the header is what the organisation's own
 * servers wrote and everything below the hop where the message entered was written by the sender's side,
 * which may have written anything.
 */
import net from 'node:net';
import libmime from 'libmime';
import type { AddressObject, HeaderValue } from 'mailparser';
import { SenderSource } from '../../domain/telemetry.js';

/** One header field as it stood in the message: lower-case name, unfolded value, top (newest) first. */
export interface HeaderField {
  name: string;
  value: string;
}

/** mailparser's `headerLines` (raw `Name: value` lines, folded) as fields in their order. */
export function headerFieldsOf(lines: readonly { key: string; line: string }[]): HeaderField[] {
  return lines.map(({ key, line }) => ({
    name: key.toLowerCase(),
    value: utf8Header(line)
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim(),
  }));
}

/**
 * mailparser hands raw header lines over as one character a byte. Headers written in raw UTF-8 (RFC 6532;
 * phishing uses it for look-alike names and domains) are decoded as UTF-8 when the bytes are valid UTF-8,
 * and left as they are otherwise.
 */
function utf8Header(line: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(line) || /[^\u0000-\u00ff]/.test(line)) return line;
  const decoded = Buffer.from(line, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? line : decoded;
}

export const valuesOf = (fields: readonly HeaderField[], name: string) => fields.filter((f) => f.name === name).map((f) => f.value);

/** RFC 2047 encoded words decoded (some receivers encode a whole `Authentication-Results`); the text as is if they are broken. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sender identity

/**
 * An address as it can be compared: lower-case, without angle brackets and without the trailing dot of a
 * fully qualified domain (`service@example.de.` is `service@example.de`). Without an `@` it is no
 * address (a display name alone, `undisclosed`, a comma typed for the dot) and the caller looks further.
 */
export function usableAddress(raw: string | undefined): string | undefined {
  const address = raw
    ?.trim()
    .replace(/^<+|>+$/g, '')
    .trim()
    // `<"support@bank.example">`: quotes around the whole mailbox are the writer's, not part of it.
    .replace(/^"(.*)"$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  // A space is never part of an address (`x@customer support.example` is a display name's fragment). A
  // domain without a dot stays usable: the corpus of real phishing has senders like `contato@correios`
  // that are the only identity a message carries (eval:parse rejected 65 such messages when it was required).
  return at > 0 && at < address.length - 1 && !/\s/.test(address) ? address : undefined;
}

/**
 * The mailboxes a raw header names in angle brackets (`name <local@domain>`): in RFC 5322 the addr-spec is
 * the part in brackets, whatever the display name says. Phishing fills display names with addresses,
 * commas and brackets (`"a@b", <real@sender.example>`, `spoof@victim ,_<real@sender.example>`) that a
 * lenient parser reads as more mailboxes; the bracketed one is what the message was sent as.
 */
function bracketedAddresses(raw: string | undefined): string[] {
  return raw ? [...raw.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]!) : [];
}

/** Every address a header names, in order, groups included. */
function addressesOf(value: HeaderValue | AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  if (typeof value === 'string') return [value];
  const out: string[] = [];
  for (const o of Array.isArray(value) ? value : [value]) {
    if (!o || typeof o !== 'object' || !('value' in o) || !Array.isArray(o.value)) continue;
    for (const a of o.value) {
      if (a.address) out.push(a.address);
      for (const g of a.group ?? []) if (g.address) out.push(g.address);
    }
  }
  return out;
}

export interface SenderIdentity {
  address: string;
  source: SenderSource;
}

/**
 * Who the message says it is from: the first usable address of From, else Sender, else Return-Path (the
 * envelope sender). Phishing often breaks From (a display name alone, `<>`, a domain typed with a comma)
 * while the other two still name the sending account; only a message with none of the three has no sender.
 */
export function senderOf(headers: {
  from?: AddressObject;
  sender?: HeaderValue;
  returnPath?: HeaderValue;
  /** The raw From and Sender header values, for their bracketed mailboxes (see bracketedAddresses). */
  raw?: { from?: string; sender?: string };
}): SenderIdentity | undefined {
  // A header that writes a mailbox in brackets is read by its brackets alone: what a lenient parser
  // splits out of the rest (`noreply@customer` of `<noreply@customer support.example>`) is a fragment.
  const mailboxes = (raw: string | undefined, parsed: string[]) => (/<[^<>]*@[^<>]*>/.test(raw ?? '') ? bracketedAddresses(raw) : parsed);
  const candidates: [SenderSource, string[]][] = [
    [SenderSource.FROM, mailboxes(headers.raw?.from, addressesOf(headers.from))],
    [SenderSource.SENDER, mailboxes(headers.raw?.sender, addressesOf(headers.sender))],
    [SenderSource.RETURN_PATH, addressesOf(headers.returnPath)],
  ];
  for (const [source, raws] of candidates) {
    for (const raw of raws) {
      const address = usableAddress(raw);
      if (address) return { address, source };
    }
  }
  return undefined;
}

/**
 * The display name of a From header: the phrase before its bracketed mailbox (`"PayPal Service" <x@y>`
 * → `PayPal Service`), RFC 2047 words decoded, quotes and backslash escapes undone. Read from the raw
 * value, like {@link senderOf}, because phishing puts commas and addresses in display names that a
 * lenient parser splits into several mailboxes; mailparser's first name is the fallback (`x@y (Name)`).
 * Undefined when there is none, or when it is only the address again.
 */
export function displayNameOf(raw: string | undefined, parsed?: AddressObject): string | undefined {
  const value = decodeWords(raw ?? '').trim();
  const bracketed = /^(.*?)<[^<>]*@[^<>]*>\s*$/s.exec(value)?.[1];
  const name = (bracketed ?? parsed?.value[0]?.name ?? '')
    .replace(/^\s*"(.*)"\s*$/s, '$1')
    .replace(/\\(.)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name || usableAddress(name) === usableAddress(bracketedAddresses(value)[0] ?? parsed?.value[0]?.address)) return undefined;
  return name;
}

/** The first usable address of a header (Return-Path, Reply-To, …). */
export const firstAddress = (value: HeaderValue | AddressObject | undefined) => addressesOf(value).map(usableAddress).find(Boolean);

// ---------------------------------------------------------------------------------------------------------
// IP addresses

/**
 * Addresses that never identify a sender on the internet: loopback, RFC 1918 private, link-local, CGNAT,
 * "this network", benchmarking, multicast and reserved ranges (IANA special-purpose registries), and their
 * IPv6 counterparts. A hop from one of them is a relay inside some organisation. The documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are left public: examples use them as
 * senders, and real mail never carries them.
 */
const INTERNAL = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast, reserved and broadcast: 224.0.0.0–255.255.255.255
] as const)
  INTERNAL.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 127], // :: and ::1
  ['fe80::', 10],
  ['fc00::', 7],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(prefix, bits, 'ipv6');

/** An IP in its usual spelling: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, IPv6 lower-case; undefined if it is none. */
export function normaliseIp(text: string): string | undefined {
  const ip = text.replace(/^IPv6:/i, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (mapped && net.isIPv4(mapped)) return mapped;
  return net.isIP(ip) ? ip : undefined;
}

export function isInternalIp(ip: string): boolean {
  const version = net.isIP(ip);
  return version !== 0 && INTERNAL.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** Every IP literal in a text, in order: `[1.2.3.4]`, `(1.2.3.4)`, `user@1.2.3.4`, `[IPv6:2001:db8::1]`, `(2603:10a6::15)`. */
function ipsIn(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[^0-9a-zA-Z:.]+/)) {
    const ip = token.length >= 2 ? normaliseIp(token.replace(/\.$/, '')) : undefined;
    if (ip) out.push(ip);
  }
  return out;
}

/**
 * The address the relay that wrote a `Received` saw on the connection. Every MTA writes it in the comment
 * after the name the client gave (`from <helo> (<rdns> [ip])` Postfix and Sendmail, `from <helo> (ip)`
 * Exchange, `from <rdns> ([ip] helo=…)` Exim, `from unknown (HELO x) (user@ip)` qmail), so the comments
 * are read first: the HELO name is the client's own claim and may be any IP literal it likes. The name
 * counts only when no comment has an IP (Exim writes `from [ip] (helo=…)` when there is no reverse DNS).
 */
export function receivedFromIp(received: string): string | undefined {
  const from = /^\s*from\s+/i.exec(received);
  if (!from) return undefined;
  const text = received.slice(from[0].length);
  let depth = 0;
  let helo = '';
  let observed = '';
  let i = 0;
  // The HELO token: up to the first space or parenthesis at depth 0.
  while (i < text.length && !/[\s(]/.test(text[i]!)) helo += text[i++];
  const keyword = /\s+(?:by|with|via|id|for)\b/iy;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === ')') {
      depth = c === '(' ? depth + 1 : Math.max(0, depth - 1);
      observed += ' ';
    } else if (depth === 0) {
      // The from clause ends at the next keyword (`by`, `with`, `via`, `id`, `for`) or at the date.
      keyword.lastIndex = i;
      if (c === ';' || keyword.test(text)) break;
      if (c === '[') {
        const end = text.indexOf(']', i);
        observed += ' ' + text.slice(i, end < 0 ? undefined : end + 1);
        if (end > 0) i = end;
      }
      continue;
    }
    observed += c;
  }
  return ipsIn(observed)[0] ?? ipsIn(helo)[0];
}

// ---------------------------------------------------------------------------------------------------------
// The receiver's authentication results and the IP it saw

/** SPF, DKIM, DMARC (and Microsoft's composite authentication) as the receiver wrote them: `pass`, `fail`, `softfail`, `none`, … */
export interface AuthResults {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  /** Microsoft 365's composite authentication (`compauth=pass|fail|softfail|none`), its judgement of spoofing. */
  compauth?: string;
  /** Its reason code: 000 explicit DMARC failure, 001 implicit failure, 1xx pass, 2xx soft pass, 6xx not evaluated… */
  compauthReason?: string;
}

/** `mx.example.org;` or `mx.example.org 1;` at the start: RFC 8601's authserv-id (Microsoft writes none). */
const AUTHSERV_ID = /^\s*([^\s;=()]+)(?:\s+\d+)?\s*;/;

/** Parenthesised comments out (nested ones too), so that `dkim=none (message not signed)` reads as `dkim=none`. */
function withoutComments(text: string): string {
  let out = '';
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}

/**
 * The IP an SPF check or receiver recorded: Microsoft's `(sender IP is a.b.c.d)`, RFC 8601's
 * `smtp.remote-ip=` and `policy.iprev=`, Received-SPF's `client-ip=`, Google's `designates a.b.c.d as
 * permitted sender` (the checked IP is the connecting one, whether it passed or not).
 */
const CHECKED_IP = [
  /\bsender IP is\s+\[?([0-9a-fA-F:.]+)/i,
  /\b(?:smtp\.remote-ip|smtp\.client-ip|policy\.iprev|client-ip)\s*=\s*\[?([0-9a-fA-F:.]+)/i,
  /\bdesignates?\s+([0-9a-fA-F:.]+)\s+as\s+permitted\b/i,
];
function checkedIpOf(text: string): string | undefined {
  for (const re of CHECKED_IP) {
    const ip = normaliseIp(re.exec(text)?.[1]?.replace(/\.$/, '') ?? '');
    if (ip) return ip;
  }
  return undefined;
}

export interface ReceiverAuthentication {
  auth?: AuthResults;
  /** The connecting IP the receiver recorded, if it did. */
  ip?: string;
  /** Position of its topmost field among all fields: the hop where the message entered is below it. */
  index: number;
}

/**
 * The organisation's receiver's `Authentication-Results`: the topmost one, with the fields below it that
 * carry the same authserv-id (some receivers write one field per method). Only that name counts:
 * `ARC-Authentication-Results` are what earlier hops concluded, carried along by forwarders, and an
 * `Authentication-Results` of another authserv-id further down is a claim of the sender's side.
 */
export function receiverAuthenticationOf(fields: readonly HeaderField[]): ReceiverAuthentication | undefined {
  const index = fields.findIndex((f) => f.name === 'authentication-results');
  if (index < 0) return undefined;
  const top = decodeWords(fields[index]!.value);
  const id = AUTHSERV_ID.exec(top)?.[1]?.toLowerCase();
  const texts = [top];
  if (id) {
    for (const f of fields.slice(index + 1)) {
      if (f.name !== 'authentication-results') continue;
      const text = decodeWords(f.value);
      if (AUTHSERV_ID.exec(text)?.[1]?.toLowerCase() === id) texts.push(text);
    }
  }
  const plain = texts.map(withoutComments).join(';');
  const results = (method: string) =>
    [...plain.matchAll(new RegExp(`(?:^|[;\\s])${method}\\s*=\\s*([a-z]+)`, 'gi'))].map((m) => m[1]!.toLowerCase());
  const [spf] = results('spf');
  const dkims = results('dkim');
  // Several signatures give several dkim= results: one that passed is what DMARC alignment can use.
  const dkim = dkims.includes('pass') ? 'pass' : dkims[0];
  const [dmarc] = results('dmarc');
  const [compauth] = results('compauth');
  const compauthReason = /(?:^|[;\s])compauth\s*=\s*[a-z]+\s+reason\s*=\s*([\w.-]+)/i.exec(plain)?.[1];
  const auth = Object.fromEntries(
    Object.entries({ spf, dkim, dmarc, compauth, compauthReason }).filter(([, v]) => v !== undefined),
  ) as AuthResults;
  const ip = texts.map(checkedIpOf).find(Boolean);
  return { ...(Object.keys(auth).length ? { auth } : {}), ...(ip ? { ip } : {}), index };
}

/**
 * The sender IP: the address the organisation's receiver saw on the connection that brought the message
 * in. In order of trust: what its `Authentication-Results` recorded, the `client-ip=` of the topmost
 * `Received-SPF`, then the `Received` hops below the receiver's results (or from the top when it wrote
 * none), newest first. The first public address wins; private, loopback and link-local ones are the
 * organisation's own relays and count only when every hop is internal (mail that never left it).
 */
export function senderIpOf(fields: readonly HeaderField[], receiver = receiverAuthenticationOf(fields)): string | undefined {
  const spfIndex = fields.findIndex((f) => f.name === 'received-spf');
  const candidates: string[] = [];
  if (receiver?.ip) candidates.push(receiver.ip);
  const spfIp = spfIndex >= 0 ? checkedIpOf(decodeWords(fields[spfIndex]!.value)) : undefined;
  if (spfIp) candidates.push(spfIp);
  const entry = Math.min(receiver?.index ?? Infinity, spfIndex >= 0 ? spfIndex : Infinity);
  // Hops above the receiver's results are the organisation's own relays (Exchange Online's carry public
  // IPv6 addresses of Microsoft's): not read while any Received stands below the results. A receiver that
  // appends its results under every Received (some milters do) leaves none below: then all hops are read.
  const below = Number.isFinite(entry) && fields.slice(entry).some((f) => f.name === 'received');
  const received = fields.slice(below ? entry : 0).filter((f) => f.name === 'received');
  const hopIps = received.map((f) => receivedFromIp(f.value));
  candidates.push(...hopIps.filter((ip): ip is string => ip !== undefined));
  const external = candidates.find((ip) => !isInternalIp(ip));
  if (external) return external;
  // An internal address only when the receiver itself saw one (internal mail): in its own results, its SPF
  // check, or the hop where the message entered. One further down is the sender's own relay (`from
  // localhost (127.0.0.1)` on the sender's server) while the address the receiver saw was unreadable.
  const entryHop = received.findIndex((f) => /^\s*from\s/i.test(f.value));
  return receiver?.ip ?? spfIp ?? (entryHop >= 0 ? hopIps[entryHop] : undefined);
}
