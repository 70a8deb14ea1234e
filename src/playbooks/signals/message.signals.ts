import type { Evidence } from '../../domain/evidence.js';
import type { UpstreamVerdictFacts } from '../../domain/upstream.js';

/** What a message says about itself (provisional: the signals helper replaces this module). */
export interface SignalMessage {
  sender: string;
  senderDomain: string;
  senderName?: string;
  replyTo?: string;
  returnPath?: string;
  subject: string;
  /** The message's own text, quoted replies excluded; absent when not loaded (cluster members). */
  body?: string;
  links: { url: string; text?: string; wrapped?: string }[];
  attachments: { name: string }[];
  auth?: { spf?: string; dkim?: string; dmarc?: string; compauth?: string; compauthReason?: string };
  upstream: UpstreamVerdictFacts[];
  /** The mail filter's verdict on arrival. */
  detection?: string;
  hasForm?: boolean;
}

export interface SignalOrg {
  internalDomains: ReadonlySet<string>;
  /** People of the organisation (mailbox display names). */
  people: { name: string; address: string }[];
}

export function messageEvidence(_m: SignalMessage, _org: SignalOrg): Evidence[] {
  return [];
}
