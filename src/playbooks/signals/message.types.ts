/** What the signal library judges: one message's own content and headers, and what it knows of the organisation. WORKER-SAFE. */
import type { UpstreamVerdictFacts } from '../../domain/upstream.js';

export interface SignalMessage {
  /** The sender address, lower-cased. */
  sender: string;
  senderDomain: string;
  /** From's display name. */
  senderName?: string;
  /** The first Reply-To address. */
  replyTo?: string;
  /** The envelope sender (bounce address). */
  returnPath?: string;
  subject: string;
  /** The message's own text, quoted replies excluded; absent when not loaded (cluster members). */
  body?: string;
  /** Links: the target (unwrapped), the text the link displays, the link as written when a wrapper hid the target. */
  links: { url: string; text?: string; wrapped?: string }[];
  attachments: { name: string }[];
  /** The receiver's authentication results (`pass`, `fail`, `softfail`, `none`, …); absent when it recorded none. */
  auth?: { spf?: string; dkim?: string; dmarc?: string; compauth?: string; compauthReason?: string };
  /** The receiving service's own verdicts (domain/upstream.ts). */
  upstream: UpstreamVerdictFacts[];
  /** The mail filter's verdict on arrival (DetectionVerdict of domain/telemetry.ts). */
  detection?: string;
  /** The HTML body holds a `<form>`. */
  hasForm?: boolean;
}

export interface SignalOrg {
  /** The organisation's own domains (lower-case); mail from them is internal. */
  internalDomains: ReadonlySet<string>;
  /** People of the organisation (mailbox display names), for executive impersonation. */
  people: { name: string; address: string }[];
}
