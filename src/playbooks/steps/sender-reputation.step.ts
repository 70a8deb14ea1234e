import { Signal, type Evidence } from '../../domain/evidence.js';
import { registrableDomainOf } from '../../domain/host.js';
import { evidence, SIGNAL_WEIGHTS } from '../signals/weights.js';
import { FREEMAIL_DOMAINS } from '../signals/data/services.data.js';
import { Phase } from '../../domain/investigation.js';
import { isLookalike } from '../signals/lookalike.js';
import { defineStep } from './step.js';

/** The look-alike test lives with the other signals (signals/lookalike.ts); re-exported for the step's callers. */
export { isLookalike };

/** The organisation has received a domain's mail "for long" when its first message is at least this much older than the campaign. */
const LONG_HISTORY_MS = 14 * 24 * 3600_000;
/** …and "often" from this many messages on; fewer than RARE_MESSAGES make the domain new or rare. */
const ESTABLISHED_MESSAGES = 10;
const RARE_MESSAGES = 3;

/**
 * Who sent it, measured against the organisation's own mail before the campaign's first copy (so a
 * campaign's earlier copies never make its sender look familiar): first-time sender or IP; a domain
 * new or rare here; an established one (authenticated, long and often seen); link domains nobody here
 * was sent before; look-alike of one of the organisation's domains; inside the organisation.
 */
export const senderStep = defineStep({
  key: 'sender_reputation',
  name: 'Assess the sender',
  description:
    'Whether the sender, its domain, its IP and the link domains are new to the organisation or long established, and whether the sender imitates one of its domains.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root', 'zap_check'],
  async run(ctx) {
    const root = ctx.results('root');
    const zap = ctx.results('zap_check');
    if (!root.sender || !root.receivedAt) return { skipped: true, findings: {} };
    const before = new Date(zap.firstCopyAt ?? root.receivedAt);
    const internal = await ctx.mail.internalDomains();
    const senderDomain = root.senderDomain ?? '';
    const lookalikeOf = [...internal].find((d) => senderDomain && isLookalike(senderDomain, d)) ?? null;
    const internalSender = internal.has(senderDomain);
    const own = registrableDomainOf(senderDomain) ?? senderDomain;
    const landing = root.linkDomains.filter((d) => d !== own && !internal.has(d));
    const [firstTimeSender, firstTimeIp, history, linked] = await Promise.all([
      ctx.mail.seenBefore({ sender: root.sender }, before).then((seen) => !seen),
      root.senderIp ? ctx.mail.seenBefore({ senderIp: root.senderIp }, before).then((seen) => !seen) : false,
      ctx.mail.senderDomainHistory(senderDomain, before, new Date(before.getTime() - LONG_HISTORY_MS), ESTABLISHED_MESSAGES),
      ctx.mail.linkedBefore(landing, new Date(zap.templateFirstAt ?? before), RARE_MESSAGES),
    ]);
    const found: Evidence[] = [];
    // A free mailbox provider's domain says nothing of the account behind it: its history is everyone's
    // (measured: 40 of the first 400 real phish came from gmail.com, which the corpus's tenant had "long known").
    const freemail = FREEMAIL_DOMAINS.has(own);
    const familiar = !freemail && history.long && history.messages >= ESTABLISHED_MESSAGES;
    const established = familiar && root.authPassed && !internalSender;
    if (internalSender && !lookalikeOf) found.push(evidence(Signal.INTERNAL_SENDER, `sent from inside the organisation (${senderDomain})`));
    else if (established)
      found.push(evidence(Signal.ESTABLISHED_SENDER, `${senderDomain} is authenticated and has mailed the organisation for over 14 days`));
    else if (familiar && !root.authFailed)
      found.push(
        evidence(
          Signal.ESTABLISHED_SENDER,
          `${senderDomain} has mailed the organisation for over 14 days (not authenticated)`,
          SIGNAL_WEIGHTS[Signal.ESTABLISHED_SENDER] / 2,
        ),
      );
    else if (!internalSender && !freemail && history.messages < RARE_MESSAGES)
      found.push(
        evidence(Signal.RARE_SENDER_DOMAIN, `${senderDomain} sent the organisation ${history.messages} message(s) before this campaign`),
      );
    const rareLandingDomains = landing.filter((d) => (linked.get(d) ?? 0) === 0);
    if (rareLandingDomains.length)
      found.push(
        evidence(Signal.RARE_LANDING_DOMAIN, `links lead to ${rareLandingDomains.slice(0, 3).join(', ')}, never linked here before`),
      );
    return {
      findings: { firstTimeSender, firstTimeIp, internalSender, lookalikeOf, established, rareLandingDomains, evidence: found },
    };
  },
});
