import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { SenderSource } from '../domain/telemetry.js';
import type { UpstreamVerdictFacts } from '../domain/upstream.js';
import {
  decodeWords,
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
}

/** Parse an RFC 5322 / MIME message with mailparser. Addresses are lower-cased. */
export async function parseRawMessage(eml: string | Buffer): Promise<ParsedRawMessage> {
  // skipHtmlToText: mail/body.ts converts every message's HTML itself (mailparser misses nested HTML).
  const parsed = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const { body, quoted, links, urls } = readBody(parsed.text, html);
  const fields = headerFieldsOf(parsed.headerLines);
  const returnPath = parsed.headers.get('return-path');
  const raw = { from: decodeWords(valuesOf(fields, 'from')[0] ?? ''), sender: decodeWords(valuesOf(fields, 'sender')[0] ?? '') };
  const identity = senderOf({ from: parsed.from, sender: parsed.headers.get('sender'), returnPath, raw });
  const receiver = receiverAuthenticationOf(fields);
  return {
    sender: identity?.address ?? '',
    ...(identity ? { senderSource: identity.source } : {}),
    returnPath: firstAddress(returnPath),
    senderIp: senderIpOf(fields, receiver),
    subject: parsed.subject ?? '',
    body,
    quoted,
    urls,
    links,
    attachments: parsed.attachments.map((a) => ({
      name: a.filename ?? 'attachment',
      sha256: createHash('sha256').update(a.content).digest('hex'),
      size: a.content.length,
    })),
    auth: receiver?.auth,
    upstream: upstreamVerdictsOf(fields),
    internetMessageId: parsed.messageId,
  };
}
