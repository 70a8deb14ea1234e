import { actedOnVerdicts } from '../../domain/action.js';
import { Signal } from '../../domain/evidence.js';
import { registrableDomainOf } from '../../domain/host.js';
import { ClusterQuery, EntityKind, Phase } from '../../domain/investigation.js';
import { DeliveryLocation, MailDirection, Verdict } from '../../domain/telemetry.js';
import { normaliseUrl } from '../../domain/url.js';
import type { ClusterFinding } from '../playbook.types.js';
import type { MessageFacts } from '../ports.js';
import type { HuntFindings } from './findings.js';
import { judgeMember, worstVerdict, type CampaignTraits, type Membership } from './membership.js';
import { defineStep, type StepCtx } from './step.js';

/** Where a message still is when deleting it would remove it from the user's view. */
const IN_MAILBOX = new Set<string>([DeliveryLocation.INBOX, DeliveryLocation.JUNK]);

/** At most this many distinct domains are looked up for freshness: a campaign rotates a handful. */
const FRESHNESS_LOOKUPS = 200;

/**
 * The sender and link domains of the related messages that the organisation had never seen before the
 * campaign began (two statements, whatever the number of messages).
 */
async function freshInfrastructure(
  ctx: Pick<StepCtx, 'mail'>,
  messages: MessageFacts[],
  internal: ReadonlySet<string>,
  before: Date,
): Promise<{ freshSenderDomains: Set<string>; freshLandingDomains: Set<string> }> {
  const senders = [...new Set(messages.map((m) => m.senderDomain))].filter((d) => d && !internal.has(d)).slice(0, FRESHNESS_LOOKUPS);
  const landing = [...new Set(messages.flatMap((m) => m.domains))].filter((d) => !internal.has(d)).slice(0, FRESHNESS_LOOKUPS);
  const [sent, linked] = await Promise.all([ctx.mail.sentBefore(senders, before, 1), ctx.mail.linkedBefore(landing, before, 1)]);
  const fresh = (counts: Map<string, number>) => new Set([...counts].filter(([, n]) => n === 0).map(([d]) => d));
  return { freshSenderDomains: fresh(sent), freshLandingDomains: fresh(linked) };
}

/**
 * Hunting: messages related to the root, grouped into email clusters by each query that applies, every
 * member judged on its own evidence (membership.ts) — a cluster is a way of finding messages, never a
 * verdict that sweeps them all.
 */
export const clusterStep = defineStep({
  key: 'similar_messages',
  name: 'Hunt similar messages',
  description:
    'Find messages related to the root — similar content, same sender, same sender IP and subject, same sender infrastructure, same URL or domain, same attachment — and judge each on its own evidence.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'verdict', 'threat_type', 'sender_reputation', 'zap_check'],
  async run(ctx) {
    const root = ctx.results('root');
    const { verdict } = ctx.results('verdict');
    const threat = ctx.results('threat_type');
    const sender = ctx.results('sender_reputation');
    const zap = ctx.results('zap_check');
    if (root.kind === 'user') return { skipped: true, findings: {} };
    const { mail } = ctx;
    const threatening = verdict !== Verdict.CLEAN;
    const outsideSender = root.sender && !sender.internalSender && !sender.established ? root.sender : undefined;
    const rareLanding = threatening ? (sender.rareLandingDomains ?? []) : [];
    // Same URL and same domain only for what is known or found bad: a phish often also links the real brand's pages.
    const badUrlKeys = [...new Set([...(threat.maliciousUrlKeys ?? []), ...(root.url ? [normaliseUrl(root.url)] : [])])].filter(
      (k) => root.urlKeys.includes(k) || root.url,
    );
    const badDomains = [...new Set([...(threat.maliciousDomains ?? []), ...rareLanding])];

    const similar = root.minhash.length ? await mail.similarTo(root) : [];
    const infrastructure =
      threatening && outsideSender && root.senderIp && root.returnPathDomain
        ? await mail.bySenderInfrastructure(root.senderIp, root.returnPathDomain, root)
        : [];
    const queries: [ClusterQuery, string, () => Promise<MessageFacts[]>][] = [];
    if (root.minhash.length) queries.push([ClusterQuery.SIMILAR_CONTENT, root.messageExternalId ?? root.url ?? '', async () => similar]);
    // Same sender only for an outside sender: an internal address also sends the organisation's own mail.
    if (root.sender && !sender.internalSender) queries.push([ClusterQuery.SAME_SENDER, root.sender, () => mail.bySender(root.sender!)]);
    if (root.senderIp && root.subjectKey)
      queries.push([
        ClusterQuery.SAME_SENDER_IP_AND_SUBJECT,
        `${root.senderIp} ${root.subjectKey}`,
        () => mail.bySenderIpAndSubject(root.senderIp!, root.subjectKey!),
      ]);
    if (infrastructure.length)
      queries.push([ClusterQuery.SAME_SENDER_INFRASTRUCTURE, `${root.senderIp} ${root.returnPathDomain}`, async () => infrastructure]);
    for (const key of badUrlKeys) queries.push([ClusterQuery.SAME_URL, key, () => mail.byUrlKeys([key])]);
    for (const domain of badDomains) queries.push([ClusterQuery.SAME_DOMAIN, domain, () => mail.byDomains([domain])]);
    if (threatening && root.attachmentHashes.length) {
      for (const hash of root.attachmentHashes) queries.push([ClusterQuery.SAME_ATTACHMENT, hash, () => mail.byAttachmentHashes([hash])]);
    }

    const seen = new Map<string, MessageFacts>();
    const found: [ClusterQuery, string, MessageFacts[]][] = [];
    for (const [i, [query, value, run]] of queries.entries()) {
      await ctx.progress((i / queries.length) * 80, `running ${query.toLowerCase().replace(/_/g, ' ')} query`);
      const messages = await run();
      if (messages.length === 0) continue;
      for (const m of messages) seen.set(m.id, m);
      found.push([query, value, messages]);
    }

    await ctx.progress(80, `judging ${seen.size} message(s) one by one`);
    const zapped = new Set((await mail.zapsOf([...seen.values()].map((m) => m.externalId))).map((z) => z.messageExternalId));
    const internalDomains = await mail.internalDomains();
    const { freshSenderDomains, freshLandingDomains } = threatening
      ? await freshInfrastructure(ctx, [...seen.values()], internalDomains, new Date(zap.templateFirstAt ?? root.receivedAt ?? Date.now()))
      : { freshSenderDomains: new Set<string>(), freshLandingDomains: new Set<string>() };
    const traits: CampaignTraits = {
      root,
      rootVerdict: verdict,
      maliciousUrlKeys: new Set(badUrlKeys),
      maliciousDomains: new Set(threat.maliciousDomains ?? []),
      maliciousHashes: new Set(threat.maliciousHashes ?? []),
      rareLandingDomains: new Set(rareLanding),
      campaignSender: outsideSender,
      campaignSenderDomain:
        outsideSender && (sender.lookalikeOf || sender.evidence?.some((e) => e.signal === Signal.RARE_SENDER_DOMAIN))
          ? (registrableDomainOf(root.senderDomain ?? '') ?? root.senderDomain)
          : undefined,
      campaignSenderIp: outsideSender ? root.senderIp : undefined,
      similarIds: new Set(similar.map((m) => m.id)),
      infrastructure: new Map(infrastructure.map((m) => [m.id, m.similarity])),
      zapped,
      freshSenderDomains,
      freshLandingDomains,
      org: { internalDomains, people: [] },
    };
    const rootEvidence = ctx.results('verdict').evidence;
    // Mail of the organisation's own accounts, or of the root's sender when it is an established one: even
    // with strong evidence (a hijacked colleague, a vendor's compromised account), deleting it waits for a human.
    const establishedDomain = sender.established ? root.senderDomain : undefined;
    const isProtected = (m: MessageFacts) =>
      m.direction !== MailDirection.INBOUND || internalDomains.has(m.senderDomain) || m.senderDomain === establishedDomain;
    const judged = new Map<string, Membership>();
    for (const m of seen.values())
      judged.set(
        m.id,
        m.externalId === root.messageExternalId
          ? { verdict, evidence: rootEvidence, strong: ctx.results('verdict').strong }
          : judgeMember(m, traits),
      );

    const clusters: ClusterFinding[] = [];
    const summary: HuntFindings = { clusters: [], messageExternalIds: [], urls: [], recipients: [], attachmentHashes: [] };
    for (const [query, value, messages] of found) {
      const key = `${query}:${value}`;
      const members = Object.fromEntries(messages.map((m) => [m.id, judged.get(m.id)!]));
      const clusterVerdict = worstVerdict(messages.map((m) => members[m.id]!.verdict));
      const acted = new Set(actedOnVerdicts(clusterVerdict));
      const targets = messages.filter((m) => acted.has(members[m.id]!.verdict) && IN_MAILBOX.has(m.location));
      clusters.push({
        key,
        name: `${query.replace(/_/g, ' ').toLowerCase()}: ${value}`.slice(0, 200),
        query,
        queryValue: value,
        verdict: clusterVerdict,
        threats: clusterVerdict === Verdict.MALICIOUS ? (threat.threats?.length ? threat.threats : ['Phish']) : [],
        messageIds: messages.map((m) => m.id),
        members,
      });
      summary.clusters.push({
        key,
        query,
        queryValue: value,
        verdict: clusterVerdict,
        inMailbox: clusterVerdict === Verdict.CLEAN ? 0 : targets.length,
        size: messages.length,
        weak: targets.filter((m) => !members[m.id]!.strong).length,
        protected: targets.filter((m) => isProtected(m)).length,
      });
    }
    // Later steps follow the malicious mail: who clicked its links, where its attachments landed. Only when
    // the reported message is itself a threat: a clean root's look-alikes (a phish copying the real service's
    // notification the user reported) are another campaign, shown in the clusters and investigated from
    // their own detection — following them here flagged the reporter of a real notification's colleagues
    // (eval:generated, the e-signature shape: a benign report ended PARTIALLY_INVESTIGATED).
    const malicious = threatening ? [...seen.values()].filter((m) => judged.get(m.id)?.verdict === Verdict.MALICIOUS) : [];
    summary.messageExternalIds = malicious.map((m) => m.externalId);
    summary.urls = [...new Set(malicious.flatMap((m) => m.urls))];
    summary.recipients = [...new Set(malicious.map((m) => m.recipient))];
    summary.attachmentHashes = [...new Set(malicious.flatMap((m) => m.attachmentHashes))];
    return {
      findings: summary,
      clusters,
      edges: root.messageExternalId
        ? clusters.map((c) => ({
            from: { cluster: c.key },
            to: { kind: EntityKind.EMAIL, value: root.messageExternalId! },
            relation: 'similar to',
          }))
        : [],
    };
  },
});
