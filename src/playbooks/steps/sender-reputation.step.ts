import { Phase } from '../../domain/investigation.js';
import { isLookalike } from '../signals/lookalike.js';
import { defineStep } from './step.js';

/** The look-alike test lives with the other signals (signals/lookalike.ts); re-exported for the step's callers. */
export { isLookalike };

/** Who sent it: first time this sender or IP mails the organisation; look-alike of one of its domains. */
export const senderStep = defineStep({
  key: 'sender_reputation',
  name: 'Assess the sender',
  description: 'Whether the sender or its IP mailed the organisation before, and whether its domain imitates one of the organisation’s.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root');
    if (!root.sender || !root.receivedAt) return { skipped: true, findings: {} };
    const before = new Date(root.receivedAt);
    const internal = await ctx.mail.internalDomains();
    const lookalikeOf = [...internal].find((d) => root.senderDomain && isLookalike(root.senderDomain, d));
    const findings = {
      firstTimeSender: !(await ctx.mail.seenBefore({ sender: root.sender }, before)),
      firstTimeIp: root.senderIp ? !(await ctx.mail.seenBefore({ senderIp: root.senderIp }, before)) : false,
      internalSender: internal.has(root.senderDomain ?? ''),
      lookalikeOf: lookalikeOf ?? null,
    };
    return { findings };
  },
});
