/**
 * A message judged by its own content and headers: every signal this library computes, as evidence
 * with weights and one-line details (weights.ts turns it into a score and a verdict). Pure and
 * WORKER-SAFE: no look-ups, so that a step, an ingest worker or an evaluation script can call it alike.
 * Signals that need the organisation's history or other messages (threat intelligence, rare domains,
 * similar detections, reports, campaign membership) are the playbook steps' to add.
 */
import type { Evidence, Signal } from '../../domain/evidence.js';
import { attachmentEvidence } from './attachments.signal.js';
import { authenticationEvidence, detectionEvidence, upstreamEvidence } from './auth.signal.js';
import { lookalikeEvidence } from './domains.signal.js';
import { displayNameEvidence, replyToEvidence } from './identity.signal.js';
import { linkEvidence } from './links.signal.js';
import { obfuscationEvidence } from './obfuscation.signal.js';
import type { SignalMessage, SignalOrg } from './message.types.js';
import { wordingEvidence } from './wording.signal.js';

export type { SignalMessage, SignalOrg } from './message.types.js';

/** Pieces kept a signal: the score counts one (weights.ts); a few more tell the analyst it was not a one-off. */
const MAX_PIECES_A_SIGNAL = 3;

/** The evidence a message carries by itself, strongest first within each signal. */
export function messageEvidence(m: SignalMessage, org: SignalOrg): Evidence[] {
  const all = [
    ...detectionEvidence(m.detection),
    ...upstreamEvidence(m.upstream),
    ...authenticationEvidence(m.auth),
    ...replyToEvidence(m, org),
    ...displayNameEvidence(m, org),
    ...lookalikeEvidence(m, org),
    ...linkEvidence(m),
    ...wordingEvidence(m.subject, m.body),
    ...obfuscationEvidence(m),
    ...attachmentEvidence(m),
  ];
  const kept = new Map<Signal, Evidence[]>();
  for (const e of all) kept.set(e.signal, [...(kept.get(e.signal) ?? []), e]);
  return [...kept.values()].flatMap((pieces) => pieces.sort((a, b) => b.weight - a.weight).slice(0, MAX_PIECES_A_SIGNAL));
}
