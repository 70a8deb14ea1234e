import { createHash } from 'node:crypto';
import { simpleParser, type Attachment } from 'mailparser';
import type { SenderSource } from '../domain/telemetry.js';
import type { UpstreamVerdictFacts } from '../domain/upstream.js';
import {
  decodeWords,
  displayNameOf,
  firstAddress,
  headerFieldsOf,
  receiverAuthenticationOf,
  senderIpOf,
  senderOf,
  valuesOf,
  type AuthResults,
} from './mail/headers.js';
import { upstreamVerdictsOf } from './mail/upstream.js';
import { readBody, type MessageLink } from './mail/body.js';

/** What a whole RFC 5322 message yields for the `email_messages` row (the `raw_message` record; `reportMessage(raw)`). */
export interface ParsedRawMessage {
  /** The sender address, lower-cased; empty when no header names one (the record is then refused). */
  sender: string;
  /** Which header the sender came from (From, else Sender, else Return-Path). */
  senderSource?: SenderSource;
  /** From's display name, RFC 2047 decoded (`PayPal Service` of `"PayPal Service" <x@example.com>`). */
  senderName?: string;
  /** The first Reply-To address, lower-cased: where an answer goes. */
  replyTo?: string;
  returnPath?: string;
  senderIp?: string;
  subject: string;
  /** The message's own text (mail/quotes.ts: what it quotes is in `quoted`). */
  body: string;
  quoted: string;
  /** Link targets, unwrapped (mail/links.ts). */
  urls: string[];
  /** Each link with its display text and its wrapped form. */
  links: MessageLink[];
  attachments: { name: string; sha256: string; size: number }[];
  auth?: AuthResults;
  /** The receiving service's own verdicts (Microsoft 365, SpamAssassin, rspamd), one per filter. */
  upstream: UpstreamVerdictFacts[];
  internetMessageId?: string;
  /** The HTML body holds a `<form>`. */
  hasForm: boolean;
}

/** Parse an RFC 5322 / MIME message with mailparser. Addresses are lower-cased. */
export async function parseRawMessage(eml: string | Buffer): Promise<ParsedRawMessage> {
  // skipHtmlToText: mail/body.ts converts every message's HTML itself (mailparser misses nested HTML).
  const parsed = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  const [misdeclared, files] = partitionParts(parsed.attachments);
  const strayHtml = misdeclared.filter((p) => p.html).map((p) => p.text);
  const strayText = misdeclared.filter((p) => !p.html).map((p) => p.text);
  const html = [typeof parsed.html === 'string' ? parsed.html : '', ...strayHtml].filter(Boolean).join('\n') || undefined;
  const text = [parsed.text ?? '', ...strayText].filter(Boolean).join('\n\n') || undefined;
  const { body, quoted, links, urls, hasForm } = readBody(text, html);
  const fields = headerFieldsOf(parsed.headerLines);
  const returnPath = parsed.headers.get('return-path');
  const raw = { from: decodeWords(valuesOf(fields, 'from')[0] ?? ''), sender: decodeWords(valuesOf(fields, 'sender')[0] ?? '') };
  const identity = senderOf({ from: parsed.from, sender: parsed.headers.get('sender'), returnPath, raw });
  const receiver = receiverAuthenticationOf(fields);
  const senderName = displayNameOf(valuesOf(fields, 'from')[0], parsed.from);
  const replyTo = firstAddress(parsed.replyTo);
  return {
    sender: identity?.address ?? '',
    ...(identity ? { senderSource: identity.source } : {}),
    ...(senderName ? { senderName } : {}),
    ...(replyTo ? { replyTo } : {}),
    returnPath: firstAddress(returnPath),
    senderIp: senderIpOf(fields, receiver),
    subject: parsed.subject ?? '',
    body,
    quoted,
    urls,
    links,
    attachments: files.map((a) => ({
      name: a.filename ?? 'attachment',
      sha256: createHash('sha256').update(a.content).digest('hex'),
      size: a.content.length,
    })),
    auth: receiver?.auth,
    upstream: upstreamVerdictsOf(fields),
    internetMessageId: parsed.messageId,
    hasForm,
  };
}

/**
 * mailparser's attachments, split into the body parts it could not recognise and the real files. Phishing
 * kits write broken part headers (`Content-Type: text; charset=…`, `text/html charset=…` without the `;`)
 * that make a message's only body an "attachment": a text-typed part without a file name that is not
 * marked `attachment` is the body. An empty part is no file at all (every empty part has the same SHA-256,
 * which would join unrelated mail on "same attachment"), so it is dropped; so is one holding nothing but a
 * line break, which mailparser keeps of an empty part although RFC 2046 gives that CRLF to the boundary.
 */
function partitionParts(parts: Attachment[]): [{ text: string; html: boolean }[], Attachment[]] {
  const body: { text: string; html: boolean }[] = [];
  const files: Attachment[] = [];
  for (const part of parts) {
    if (isEmptyPart(part.content)) continue;
    if (!part.filename && part.contentDisposition !== 'attachment' && /^text(\/|\s|;|$)/i.test(part.contentType)) {
      const header = part.headers.get('content-type') as { params?: { charset?: string } } | undefined;
      const charset = header?.params?.charset ?? /charset\s*=\s*["']?([\w.:-]+)/i.exec(part.contentType)?.[1];
      const text = decodeText(part.content, charset);
      body.push({ text, html: /^text\/html/i.test(part.contentType) || /<(html|body|div|p|table|a)\b/i.test(text) });
    } else files.push(part);
  }
  return [body, files];
}

/** No bytes, or line breaks only (CR, LF). */
function isEmptyPart(content: Buffer): boolean {
  for (const byte of content) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

/** Bytes in a named charset (WHATWG names: utf-8, windows-1252, iso-8859-x, …); UTF-8 when the name is unknown. */
function decodeText(bytes: Buffer, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
