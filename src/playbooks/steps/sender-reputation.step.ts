import { skeletonOf } from '../../domain/host.js';
import { Phase } from '../../domain/investigation.js';
import { defineStep } from './step.js';

/**
 * Two different domains that look alike: the same UTS #39 confusables skeleton (a Cyrillic `а` for a
 * Latin `a`, however many letters are swapped), or a Levenshtein distance ≤ 2 after undoing the usual
 * ASCII homoglyphs.
 */
export function isLookalike(domain: string, of: string): boolean {
  if (domain === of) return false;
  if (skeletonOf(domain) === skeletonOf(of)) return true;
  const fold = (s: string) => s.replace(/0/g, 'o').replace(/1/g, 'l').replace(/rn/g, 'm').replace(/vv/g, 'w');
  const label = (d: string) => d.split('.', 1)[0] ?? '';
  const [a, b] = [fold(label(domain)), fold(label(of))];
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  // The two-row edit-distance table: prev has b.length + 1 entries and cur gains one per j, so every
  // index below is in range.
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]! <= 2 || a.includes(b) || b.includes(a);
}

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
