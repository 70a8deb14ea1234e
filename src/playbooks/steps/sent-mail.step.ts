import { actedOnVerdicts } from '../../domain/action.js';
import { Signal, type Evidence } from '../../domain/evidence.js';
import { ClusterQuery, Phase } from '../../domain/investigation.js';
import { DeliveryLocation, Verdict } from '../../domain/telemetry.js';
import type { ClusterFinding } from '../playbook.types.js';
import type { MessageFacts } from '../ports.js';
import { messageEvidence } from '../signals/message.signals.js';
import { evidence, verdictOf } from '../signals/weights.js';
import type { SentMailFindings } from './findings.js';
import { signalMessageOf } from './root.step.js';
import { worstVerdict } from './membership.js';
import { defineStep } from './step.js';

/** A subject sent this many times is a sending pattern, not a conversation. */
const MASS_MAIL = 10;
const IN_MAILBOX = new Set<string>([DeliveryLocation.INBOX, DeliveryLocation.JUNK]);

/**
 * User compromise hunting: the user's sent mail by subject, each message judged on its own — what it says
 * about itself, and, when the account is compromised and the message left in the compromise window, that
 * fact, heavier when it is one of many copies of one subject (to colleagues or outside: a hijacked
 * account phishes its own organisation first). Mail before the window, or from an account not
 * compromised, is judged by its own evidence only: an announcement sent to everyone is not a threat.
 */
export const sentMailStep = defineStep({
  key: 'sent_mail',
  name: 'Review the user’s sent mail',
  description:
    'Judge each message the user sent — in the compromise window, mass mail of one subject to colleagues or outside — and group it into clusters by subject.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root');
    const user = root.user ?? root.recipients[0];
    const compromise = ctx.results('user_compromise');
    if (!user) return { skipped: true, findings: {} };
    const sent = await ctx.mail.sentBy(user);
    if (!sent.length) return { skipped: true, findings: { sent: 0 } };
    const internalDomains = await ctx.mail.internalDomains();
    const since = compromise.compromised?.find((c) => c.user === user)?.since;
    const windowOpens = since ? Date.parse(since) : Infinity;
    const bySubject = new Map<string, [MessageFacts, ...MessageFacts[]]>();
    for (const m of sent) {
      const group = bySubject.get(m.subjectKey);
      if (group) group.push(m);
      else bySubject.set(m.subjectKey, [m]);
    }
    const clusters: ClusterFinding[] = [];
    const summary: SentMailFindings['clusters'] = [];
    for (const [subjectKey, messages] of bySubject) {
      const inWindow = messages.filter((m) => m.receivedAt.getTime() >= windowOpens).length;
      const members = Object.fromEntries(
        messages.map((m) => {
          const found: Evidence[] = messageEvidence(signalMessageOf(m), { internalDomains, people: [] });
          if (m.receivedAt.getTime() >= windowOpens) {
            found.push(evidence(Signal.COMPROMISED_SENDER, `sent by ${user} after the compromise began (${since})`));
            if (inWindow >= MASS_MAIL)
              found.push(evidence(Signal.CAMPAIGN_ARTIFACT, `one of ${inWindow} copies of one subject sent in the compromise window`));
          }
          return [m.id, { verdict: verdictOf(found), evidence: found }];
        }),
      );
      const verdict = worstVerdict(messages.map((m) => members[m.id]!.verdict));
      const key = `${ClusterQuery.SENT_BY_USER}:${subjectKey}`;
      const name = `sent by ${user}: ${messages[0].subject}`.slice(0, 200);
      const acted = new Set(actedOnVerdicts(verdict));
      const inMailbox = messages.filter((m) => acted.has(members[m.id]!.verdict) && IN_MAILBOX.has(m.location)).length;
      clusters.push({
        key,
        name,
        query: ClusterQuery.SENT_BY_USER,
        queryValue: `${user} ${subjectKey}`,
        verdict,
        threats: verdict === Verdict.MALICIOUS ? ['Sent from a compromised account'] : [],
        messageIds: messages.map((m) => m.id),
        members,
      });
      // An account of the organisation: its mail is never deleted without a human, so every copy counts as weak.
      summary.push({
        key,
        name,
        query: ClusterQuery.SENT_BY_USER,
        queryValue: `${user} ${subjectKey}`,
        verdict,
        inMailbox: verdict === Verdict.CLEAN ? 0 : inMailbox,
        size: messages.length,
        weak: inMailbox,
      });
    }
    return { findings: { sent: sent.length, clusters: summary }, clusters };
  },
});
