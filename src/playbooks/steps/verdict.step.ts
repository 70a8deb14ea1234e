import { EntityKind, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import type { EntityFinding } from '../playbook.types.js';
import { defineStep } from './step.js';

/** The root verdict: what the evidence of the root investigation adds up to. */
export const verdictStep = defineStep({
  key: 'verdict',
  name: 'Decide the root verdict',
  description: 'Weigh threat intelligence, detection, zapped instances, authentication and sender reputation into a verdict.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root', 'threat_type', 'sender_reputation', 'zap_check'],
  async run(ctx) {
    const root = ctx.results('root');
    const threat = ctx.results('threat_type');
    const sender = ctx.results('sender_reputation');
    const zap = ctx.results('zap_check');
    const reasons = [...(threat.threats ?? [])];
    if ((zap.zapped ?? 0) > 0) reasons.push(`${zap.zapped} similar message(s) zapped`);
    if ((zap.detected ?? 0) > 0) reasons.push(`${zap.detected} similar message(s) detected as phish or malware`);
    if (root.kind === 'url') reasons.push('URL verdict changed to malicious');
    const suspicious: string[] = [];
    if (sender.lookalikeOf) suspicious.push(`sender domain imitates ${sender.lookalikeOf}`);
    if (root.authFailed && sender.firstTimeSender) suspicious.push('first-time sender failing authentication');
    // Two independent weak signals together are as telling as one strong one.
    const verdict =
      reasons.length > 0 || suspicious.length >= 2
        ? Verdict.MALICIOUS
        : suspicious.length
          ? Verdict.SUSPICIOUS
          : root.kind === 'user'
            ? Verdict.UNKNOWN
            : Verdict.CLEAN;
    const entities: EntityFinding[] = root.messageExternalId
      ? [
          {
            kind: EntityKind.EMAIL,
            value: root.messageExternalId,
            externalId: root.messageExternalId,
            displayName: root.subject ?? '(no subject)',
            verdict,
            threats: [...reasons, ...suspicious],
          },
        ]
      : [];
    return { findings: { verdict, reasons: [...reasons, ...suspicious], campaigns: threat.campaigns ?? [] }, entities };
  },
});
