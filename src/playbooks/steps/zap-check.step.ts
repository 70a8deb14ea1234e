import { Phase } from '../../domain/investigation.js';
import { defineStep, MALICIOUS_DETECTIONS } from './step.js';

/** Whether other instances were zapped, or detected as phish or malware. */
export const zapStep = defineStep({
  key: 'zap_check',
  name: 'Check zapped instances',
  description: 'Whether zero-hour auto purge already removed other instances of this message, or detection flagged them.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root');
    if (root.minhash.length === 0) return { skipped: true, findings: {} };
    const similar = await ctx.mail.similarTo(root);
    const zaps = await ctx.mail.zapsOf(similar.map((m) => m.externalId));
    const zapped = new Set([...zaps.map((z) => z.messageExternalId), ...similar.filter((m) => m.zappedAt).map((m) => m.externalId)]);
    const detected = similar.filter((m) => m.verdict && MALICIOUS_DETECTIONS.has(m.verdict)).length;
    return { findings: { similar: similar.length, zapped: zapped.size, detected, reasons: [...new Set(zaps.map((z) => z.reason))] } };
  },
});
