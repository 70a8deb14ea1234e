/** A message and an organisation for signal tests: an ordinary, clean message unless a test says otherwise. */
import type { Signal } from '../../../src/domain/evidence.js';
import { messageEvidence, type SignalMessage, type SignalOrg } from '../../../src/playbooks/signals/message.signals.js';

export const ORG: SignalOrg = {
  internalDomains: new Set(['contoso.example']),
  people: [{ name: 'Alice Martin', address: 'alice.martin@contoso.example' }],
};

export function message(over: Partial<SignalMessage> = {}): SignalMessage {
  const sender = over.sender ?? 'news@fabrikam.example';
  return {
    sender,
    senderDomain: sender.slice(sender.indexOf('@') + 1),
    subject: 'Minutes of Tuesday’s meeting',
    body: 'Hello, please find the minutes below. Kind regards, Bob',
    links: [],
    attachments: [],
    upstream: [],
    ...over,
  };
}

/** The signals a message fires, with their weights. */
export function fired(over: Partial<SignalMessage>, org: SignalOrg = ORG): Partial<Record<Signal, number>> {
  const out: Partial<Record<Signal, number>> = {};
  for (const e of messageEvidence(message(over), org)) out[e.signal] = Math.max(out[e.signal] ?? -Infinity, e.weight);
  return out;
}
