import { Signal, type Evidence } from '../../domain/evidence.js';
import { registrableDomainOf } from '../../domain/host.js';
import { MailDirection, Verdict } from '../../domain/telemetry.js';
import type { MessageFacts } from '../ports.js';
import { messageEvidence, type SignalOrg } from '../signals/message.signals.js';
import { evidence, hasStrongEvidence, verdictOf } from '../signals/weights.js';
import type { RootFindings } from './findings.js';
import { attachmentTypesOf, authPassed, signalMessageOf } from './root.step.js';
import { MALICIOUS_DETECTIONS } from './step.js';

/**
 * Whether a message found by a hunting query belongs to the root's campaign — judged per message, on
 * its own evidence, never by the cluster it was found in. The rules (issue 11, "clusters that cannot
 * sweep legitimate mail"):
 *
 * - a member carrying what threat intelligence calls malicious (URL, domain, file), or detected or
 *   zapped itself, is MALICIOUS with strong evidence of its own;
 * - otherwise it joins a malicious root's campaign only with campaign evidence of its own — a shared
 *   attachment, a link domain new to the organisation, the same outside sender (address, a sender
 *   domain new to the organisation, or IP), or the same sender network and Return-Path domain — AND the same content (near-duplicate own text, the same subject,
 *   or the same attached file); content alone, or infrastructure alone, leaves it SUSPICIOUS: a human looks, nothing moves;
 * - authenticated mail from another domain than the root's (the real service whose template a phish
 *   copies) and mail from inside the organisation never inherit malice; only their own evidence counts.
 */
export interface CampaignTraits {
  root: RootFindings;
  rootVerdict: Verdict;
  maliciousUrlKeys: ReadonlySet<string>;
  /** Known-malicious domains (hosts and registrable domains) and file hashes. */
  maliciousDomains: ReadonlySet<string>;
  maliciousHashes: ReadonlySet<string>;
  /** Link domains of the root new to the organisation: shared, they tie a message to the campaign. */
  rareLandingDomains: ReadonlySet<string>;
  /** The root's sender, when an outside, non-established address: sharing it is campaign evidence. */
  campaignSender?: string;
  /** The root's sender domain (registrable), when new or rare in the organisation or a look-alike. */
  campaignSenderDomain?: string;
  /** The root's sender IP, for an outside, non-established sender. */
  campaignSenderIp?: string;
  /**
   * Sender and link domains of the related messages that were new to the organisation when the campaign
   * began: a campaign rotating its domains still sends from and links to fresh ones, where legitimate
   * mail resembling it comes from domains the organisation knows.
   */
  freshSenderDomains: ReadonlySet<string>;
  freshLandingDomains: ReadonlySet<string>;
  /** Messages whose own text is a near-duplicate of the root's. */
  similarIds: ReadonlySet<string>;
  /** Similarity to the root of messages from the root's sender network and Return-Path domain. */
  infrastructure: ReadonlyMap<string, number>;
  /** Messages zapped after delivery. */
  zapped: ReadonlySet<string>;
  org: SignalOrg;
}

/** A cluster's verdict is its worst member's: MALICIOUS when one member is, SUSPICIOUS when one is, else CLEAN. */
export const worstVerdict = (verdicts: readonly Verdict[]) =>
  verdicts.includes(Verdict.MALICIOUS) ? Verdict.MALICIOUS : verdicts.includes(Verdict.SUSPICIOUS) ? Verdict.SUSPICIOUS : Verdict.CLEAN;

export interface Membership {
  verdict: Verdict;
  evidence: Evidence[];
  /** Strong evidence of its own: automation may act on it. */
  strong: boolean;
}

/**
 * Content similarity at which a message from the campaign's sender network and Return-Path domain counts
 * as the same content: two shared infrastructure artifacts already, so a body redrawn sentence by
 * sentence (a polymorphic campaign) still qualifies; unrelated mail shares almost no 3-shingles (< 0.05).
 */
export const INFRASTRUCTURE_SIMILARITY = 0.15;

const firstOf = <T>(values: readonly T[], has: (v: T) => boolean) => values.find(has);

export function judgeMember(m: MessageFacts, t: CampaignTraits): Membership {
  const own = messageEvidence(signalMessageOf(m), t.org);
  const url = firstOf(m.urlKeys, (k) => t.maliciousUrlKeys.has(k));
  const domain = firstOf(m.domains, (d) => t.maliciousDomains.has(d));
  const hash = firstOf(m.attachmentHashes, (h) => t.maliciousHashes.has(h));
  const known = url ?? domain ?? hash;
  if (known) own.push(evidence(Signal.THREAT_INTELLIGENCE, `carries ${known}, known malicious`));
  if (t.zapped.has(m.externalId) || (m.verdict && MALICIOUS_DETECTIONS.has(m.verdict)) || m.zappedAt)
    own.push(evidence(Signal.DETECTED_ON_ARRIVAL, `detected as ${m.verdict?.toLowerCase() ?? 'malicious'} or zapped after delivery`));
  // Strong means a piece strong alone (weights.ts isStrong), never weak signals adding up: automation acts
  // only on those, and a sum of weak signals is an analyst's call.
  const strong = hasStrongEvidence(own);
  if (known || strong) return { verdict: verdictOf(own) === Verdict.CLEAN ? Verdict.SUSPICIOUS : verdictOf(own), evidence: own, strong };

  const rootDomain = registrableDomainOf(t.root.senderDomain ?? '') ?? t.root.senderDomain;
  // Inside the organisation: sent internally, or from its domain and authenticated (a spoof of it fails authentication).
  const internal = m.direction !== MailDirection.INBOUND || (t.org.internalDomains.has(m.senderDomain) && authPassed(m));
  const otherAuthenticated = authPassed(m) && (registrableDomainOf(m.senderDomain) ?? m.senderDomain) !== rootDomain;
  const ownVerdict = verdictOf(own);
  if (internal || otherAuthenticated) {
    const why = internal ? 'sent inside the organisation' : `authenticated mail from ${m.senderDomain}`;
    own.push(evidence(internal ? Signal.INTERNAL_SENDER : Signal.ESTABLISHED_SENDER, `${why}: never joins a campaign by resemblance`));
    return { verdict: ownVerdict === Verdict.MALICIOUS ? Verdict.SUSPICIOUS : ownVerdict, evidence: own, strong: false };
  }

  const link =
    firstOf(m.attachmentHashes, (h) => t.root.attachmentHashes.includes(h)) ??
    firstOf(m.domains, (d) => t.rareLandingDomains.has(d)) ??
    (t.campaignSender && m.sender === t.campaignSender ? m.sender : undefined) ??
    (t.campaignSenderDomain && (registrableDomainOf(m.senderDomain) ?? m.senderDomain) === t.campaignSenderDomain
      ? `the sender domain ${t.campaignSenderDomain}`
      : undefined) ??
    (t.campaignSenderIp && m.senderIp === t.campaignSenderIp ? `the sender IP ${m.senderIp}` : undefined) ??
    (t.infrastructure.has(m.id) ? `${t.root.senderIp} / ${t.root.returnPathDomain}` : undefined) ??
    (t.freshSenderDomains.has(m.senderDomain) && m.domains.some((d) => t.freshLandingDomains.has(d))
      ? `fresh infrastructure (${m.senderDomain}, links to a domain new here)`
      : undefined);
  // The same file is the same content, whatever the text around it.
  const content =
    m.attachmentHashes.some((h) => t.root.attachmentHashes.includes(h)) ||
    t.similarIds.has(m.id) ||
    (Boolean(t.root.subjectKey) && m.subjectKey === t.root.subjectKey) ||
    (t.infrastructure.get(m.id) ?? 0) >= INFRASTRUCTURE_SIMILARITY ||
    // From the campaign's sender network and Return-Path domain with the same kind of file: the polymorphic
    // campaign's payload, redrawn for every copy.
    (t.infrastructure.has(m.id) && attachmentTypesOf(m).some((x) => t.root.attachmentTypes?.includes(x)));
  if (link && content && t.rootVerdict !== Verdict.CLEAN) {
    own.push(evidence(Signal.CAMPAIGN_ARTIFACT, `same content as the reported message and shares ${link}`));
    return { verdict: t.rootVerdict, evidence: own, strong: false };
  }
  if (ownVerdict === Verdict.CLEAN && (link || content) && t.rootVerdict !== Verdict.CLEAN) {
    // Weightless: it explains the SUSPICIOUS verdict without pretending resemblance is evidence of malice.
    const what = link ? `shares ${link} but not its content` : 'resembles its content but shares no campaign artifact';
    own.push(evidence(Signal.CAMPAIGN_ARTIFACT, `related to the reported message: ${what} — a human decides`, 0));
    return { verdict: Verdict.SUSPICIOUS, evidence: own, strong: false };
  }
  return { verdict: ownVerdict, evidence: own, strong: false };
}
