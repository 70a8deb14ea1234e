import { EntityKind, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import type { EntityFinding } from '../playbook.types.js';
import { Signal } from '../../domain/evidence.js';
import { hasStrongEvidence, scoreOf, SUSPICIOUS_SCORE, verdictOf } from '../signals/weights.js';

/** Evidence about the message's circumstances rather than the message: it sharpens, never condemns alone. */
const CONTEXT: ReadonlySet<Signal> = new Set([Signal.RARE_SENDER_DOMAIN, Signal.RARE_LANDING_DOMAIN, Signal.MULTIPLE_REPORTERS]);
import { defineStep } from './step.js';

/**
 * The root verdict: what the evidence of the root investigation adds up to — the message's own signals
 * (root), threat intelligence (threat type), its zapped, detected or reported near-duplicates (zap check)
 * and what the organisation's history says of its sender (sender reputation). Each piece has a weight
 * (signals/weights.ts); the sum decides, and every piece is kept on the email entity so an analyst sees why.
 */
export const verdictStep = defineStep({
  key: 'verdict',
  name: 'Decide the root verdict',
  description:
    'Weigh the message’s own signals, threat intelligence, zapped and reported instances and the sender’s history into a verdict, keeping each piece of evidence.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root', 'threat_type', 'sender_reputation', 'zap_check'],
  async run(ctx) {
    const root = ctx.results('root');
    const threat = ctx.results('threat_type');
    const sender = ctx.results('sender_reputation');
    const zap = ctx.results('zap_check');
    const evidence = [...root.evidence, ...(threat.evidence ?? []), ...(zap.evidence ?? []), ...(sender.evidence ?? [])].sort(
      (a, b) => b.weight - a.weight,
    );
    const score = scoreOf(evidence);
    // A user's investigation has no message to judge: its verdict is the compromise checks'. Context — how
    // new the sender and links are, how many users reported it — sharpens what the message itself shows but
    // never condemns it alone: mailing-list mail reported by several users from a new domain is not a phish
    // (measured: 1 of 400 easy ham MALICIOUS on context alone before this rule, eval:detection).
    const judged = verdictOf(evidence);
    const ownScore = scoreOf(evidence.filter((e) => !CONTEXT.has(e.signal)));
    const verdict =
      root.kind === 'user'
        ? Verdict.UNKNOWN
        : judged === Verdict.MALICIOUS && !hasStrongEvidence(evidence) && ownScore < SUSPICIOUS_SCORE
          ? Verdict.SUSPICIOUS
          : judged;
    const strong = hasStrongEvidence(evidence);
    const reasons = evidence.filter((e) => e.weight > 0).map((e) => e.detail);
    const entities: EntityFinding[] = root.messageExternalId
      ? [
          {
            kind: EntityKind.EMAIL,
            value: root.messageExternalId,
            externalId: root.messageExternalId,
            displayName: root.subject ?? '(no subject)',
            verdict,
            threats: verdict === Verdict.CLEAN ? [] : reasons,
            evidence,
          },
        ]
      : [];
    return { findings: { verdict, reasons, campaigns: threat.campaigns ?? [], evidence, score, strong }, entities };
  },
});
