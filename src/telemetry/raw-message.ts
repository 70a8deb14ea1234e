import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { authResultsOf, firstAddress, headerStrings, senderIpOf, type AuthResults } from './mail/headers.js';
import { readBody, type MessageLink } from './mail/body.js';

/** What a whole RFC 5322 message yields for the `email_messages` row (the `raw_message` record; `reportMessage(raw)`). */
export interface ParsedRawMessage {
  sender: string;
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
  internetMessageId?: string;
}

/** Parse an RFC 5322 / MIME message with mailparser. Addresses are lower-cased. */
export async function parseRawMessage(eml: string | Buffer): Promise<ParsedRawMessage> {
  // skipHtmlToText: mail/body.ts converts every message's HTML itself (mailparser misses nested HTML).
  const parsed = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const { body, quoted, links, urls } = readBody(parsed.text, html);
  const sender = (firstAddress(parsed.from) ?? firstAddress(parsed.headers.get('sender')) ?? '').toLowerCase();
  const returnPath = firstAddress(parsed.headers.get('return-path'))?.toLowerCase();
  return {
    sender,
    returnPath,
    senderIp: senderIpOf(headerStrings(parsed.headers.get('received'))),
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
    auth: authResultsOf(headerStrings(parsed.headers.get('authentication-results'))),
    internetMessageId: parsed.messageId,
  };
}
