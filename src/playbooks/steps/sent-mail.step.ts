import { ClusterQuery, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import { domainOf } from '../../domain/url.js';
import type { ClusterFinding } from '../playbook.types.js';
import type { MessageFacts } from '../ports.js';
import { defineStep } from './step.js';

/** A subject sent this many times is a sending pattern, not a conversation. */
const MASS_MAIL = 10;

/** User compromise hunting: the user's sent mail, sorted into clean, suspicious and malicious clusters. */
export const sentMailStep = defineStep({
  key: 'sent_mail',
  name: 'Review the user’s sent mail',
  description:
    'Sort the mail the user sent into clean, suspicious and malicious clusters by content, looking for a suspicious sending pattern.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root');
    const user = root.user ?? root.recipients[0];
    const compromise = ctx.results('user_compromise');
    if (!user) return { skipped: true, findings: {} };
    const sent = await ctx.mail.sentBy(user);
    if (!sent.length) return { skipped: true, findings: { sent: 0 } };
    const internal = await ctx.mail.internalDomains();
    const bySubject = new Map<string, [MessageFacts, ...MessageFacts[]]>();
    for (const m of sent) {
      const group = bySubject.get(m.subjectKey);
      if (group) group.push(m);
      else bySubject.set(m.subjectKey, [m]);
    }
    const clusters: ClusterFinding[] = [];
    for (const [subjectKey, messages] of bySubject) {
      const external = messages.filter((m) => !internal.has(domainOf(m.recipient))).length;
      // Mass mail of one subject to outside recipients, from a compromised account: the classic pattern.
      const verdict =
        compromise.compromised?.length && messages.length >= MASS_MAIL && external / messages.length > 0.5
          ? Verdict.MALICIOUS
          : messages.length >= MASS_MAIL
            ? Verdict.SUSPICIOUS
            : Verdict.CLEAN;
      clusters.push({
        key: `${ClusterQuery.SENT_BY_USER}:${subjectKey}`,
        name: `sent by ${user}: ${messages[0].subject}`.slice(0, 200),
        query: ClusterQuery.SENT_BY_USER,
        queryValue: `${user} ${subjectKey}`,
        verdict,
        threats: verdict === Verdict.MALICIOUS ? ['Suspicious sending pattern'] : [],
        messageIds: messages.map((m) => m.id),
      });
    }
    return {
      findings: { sent: sent.length, clusters: clusters.map((c) => ({ name: c.name, verdict: c.verdict, size: c.messageIds.length })) },
      clusters,
    };
  },
});
