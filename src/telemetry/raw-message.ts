import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { SenderSource } from '../domain/telemetry.js';
import type { UpstreamVerdictFacts } from '../domain/upstream.js';
import { firstAddress, headerFieldsOf, receiverAuthenticationOf, senderIpOf, senderOf, type AuthResults } from './mail/headers.js';
import { upstreamVerdictsOf } from './mail/upstream.js';
import { urlsOf } from './mail/body.js';

/** What a whole RFC 5322 message yields for the `email_messages` row (the `raw_message` record; `reportMessage(raw)`). */
export interface ParsedRawMessage {
  /** The sender address, lower-cased; empty when no header names one (the record is then refused). */
  sender: string;
  /** Which header the sender came from (From, else Sender, else Return-Path). */
  senderSource?: SenderSource;
  returnPath?: string;
  senderIp?: string;
  subject: string;
  body: string;
  urls: string[];
  attachments: { name: string; sha256: string; size: number }[];
  auth?: AuthResults;
  /** The receiving service's own verdicts (Microsoft 365, SpamAssassin, rspamd), one per filter. */
  upstream: UpstreamVerdictFacts[];
  internetMessageId?: string;
}

/** Parse an RFC 5322 / MIME message with mailparser. Addresses are lower-cased. */
export async function parseRawMessage(eml: string | Buffer): Promise<ParsedRawMessage> {
  const parsed = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true });
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const body = parsed.text ?? '';
  const fields = headerFieldsOf(parsed.headerLines);
  const returnPath = parsed.headers.get('return-path');
  const identity = senderOf({ from: parsed.from, sender: parsed.headers.get('sender'), returnPath });
  const receiver = receiverAuthenticationOf(fields);
  return {
    sender: identity?.address ?? '',
    ...(identity ? { senderSource: identity.source } : {}),
    returnPath: firstAddress(returnPath),
    senderIp: senderIpOf(fields, receiver),
    subject: parsed.subject ?? '',
    body,
    urls: urlsOf(body, html),
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
