import { Signal } from '../../domain/evidence.js';
import { registrableDomainOf } from '../../domain/host.js';
import { Phase } from '../../domain/investigation.js';
import { evidence, SIGNAL_WEIGHTS } from '../signals/weights.js';
import { defineStep, MALICIOUS_DETECTIONS } from './step.js';

/** How far before the reported copy a near-duplicate still counts as the same wave of the campaign. */
const CAMPAIGN_WINDOW_MS = 3 * 24 * 3600_000;

/** Each further reporter adds this much, up to MAX_REPORTER_WEIGHT: reports are many users' judgement, not proof. */
const MAX_REPORTER_WEIGHT = 2 * SIGNAL_WEIGHTS[Signal.MULTIPLE_REPORTERS];

/**
 * Whether other instances were zapped or detected, who else reported them, and when the campaign began.
 *
 * Zapped or detected near-duplicates count only when they come from the root's own sender domain, or
 * when the root is not authenticated: a phish copying a real service's template is zapped, and the
 * service's real, authenticated notifications must not inherit that (issue 11: 240 legitimate
 * notifications deleted because "similar messages were zapped").
 */
export const zapStep = defineStep({
  key: 'zap_check',
  name: 'Check zapped instances',
  description:
    'Whether zero-hour auto purge already removed other instances of this message or detection flagged them, and how many users reported them.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root');
    if (root.minhash.length === 0) return { skipped: true, findings: {} };
    const similar = await ctx.mail.similarTo(root);
    const rootDomain = registrableDomainOf(root.senderDomain ?? '') ?? root.senderDomain;
    const kin = root.authPassed ? similar.filter((m) => (registrableDomainOf(m.senderDomain) ?? m.senderDomain) === rootDomain) : similar;
    const [zaps, reporters] = await Promise.all([
      ctx.mail.zapsOf(kin.map((m) => m.externalId)),
      ctx.alerts.reportersOf(similar.map((m) => m.externalId)),
    ]);
    const zapped = new Set([...zaps.map((z) => z.messageExternalId), ...kin.filter((m) => m.zappedAt).map((m) => m.externalId)]);
    const detected = kin.filter((m) => m.verdict && MALICIOUS_DETECTIONS.has(m.verdict)).length;
    const found = [];
    if (zapped.size > 0 || detected > 0)
      found.push(
        evidence(
          Signal.SIMILAR_DETECTED,
          `${zapped.size} near-duplicate(s) zapped and ${detected} detected as phish or malware on arrival`,
        ),
      );
    if (reporters.length > 1) {
      const weight = Math.min(MAX_REPORTER_WEIGHT, (reporters.length - 1) * SIGNAL_WEIGHTS[Signal.MULTIPLE_REPORTERS]);
      found.push(evidence(Signal.MULTIPLE_REPORTERS, `${reporters.length} users reported this message or a near-duplicate`, weight));
    }
    // The campaign is this wave of copies: near-duplicates up to CAMPAIGN_WINDOW_MS before the root. Older ones
    // (last month's issue of a newsletter, a template the sender reuses) are history, not the campaign.
    const at = root.receivedAt ? Date.parse(root.receivedAt) : Infinity;
    const copies = similar.map((m) => m.receivedAt.getTime());
    const firstCopy = Math.min(at, ...copies.filter((t) => t >= at - CAMPAIGN_WINDOW_MS));
    // Landing domains are judged against the template's first use, however old: a landing page is the
    // campaign's, and its earlier waves must not make it look familiar.
    const templateFirst = Math.min(at, ...copies);
    return {
      findings: {
        similar: similar.length,
        zapped: zapped.size,
        detected,
        reasons: [...new Set(zaps.map((z) => z.reason))],
        firstCopyAt: Number.isFinite(firstCopy) ? new Date(firstCopy).toISOString() : undefined,
        templateFirstAt: Number.isFinite(templateFirst) ? new Date(templateFirst).toISOString() : undefined,
        reporters: reporters.length,
        evidence: found,
      },
    };
  },
});
