import { ClusterQuery, EntityKind, Phase } from '../../domain/investigation.js';
import { DeliveryLocation, Verdict } from '../../domain/telemetry.js';
import { normaliseUrl } from '../../domain/url.js';
import type { ClusterFinding } from '../playbook.types.js';
import type { MessageFacts } from '../ports.js';
import type { HuntFindings } from './findings.js';
import { defineStep } from './step.js';

/** Where a message still is when deleting it would remove it from the user's view. */
const IN_MAILBOX = new Set<string>([DeliveryLocation.INBOX, DeliveryLocation.JUNK]);

/** Hunting: similar messages grouped into email clusters by each query that applies. */
export const clusterStep = defineStep({
  key: 'similar_messages',
  name: 'Hunt similar messages',
  description:
    'Group messages similar to the root into email clusters: similar content, same sender, same sender IP and subject, same URL, same attachment.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'verdict', 'threat_type', 'sender_reputation'],
  async run(ctx) {
    const root = ctx.results('root');
    const { verdict } = ctx.results('verdict');
    const threat = ctx.results('threat_type');
    const sender = ctx.results('sender_reputation');
    if (root.kind === 'user') return { skipped: true, findings: {} };
    const { mail } = ctx;
    const queries: [ClusterQuery, string, () => Promise<MessageFacts[]>][] = [];
    if (root.minhash.length)
      queries.push([ClusterQuery.SIMILAR_CONTENT, root.messageExternalId ?? root.url ?? '', () => mail.similarTo(root)]);
    // Same sender only for an outside sender: an internal address also sends the organisation's own mail.
    if (root.sender && !sender.internalSender) queries.push([ClusterQuery.SAME_SENDER, root.sender, () => mail.bySender(root.sender!)]);
    if (root.senderIp && root.subjectKey)
      queries.push([
        ClusterQuery.SAME_SENDER_IP_AND_SUBJECT,
        `${root.senderIp} ${root.subjectKey}`,
        () => mail.bySenderIpAndSubject(root.senderIp!, root.subjectKey!),
      ]);
    // Same URL only for links known or found bad: a phish often also links the real brand's pages.
    const badUrlKeys = [...new Set([...(threat.maliciousUrlKeys ?? []), ...(root.url ? [normaliseUrl(root.url)] : [])])].filter(
      (k) => root.urlKeys.includes(k) || root.url,
    );
    for (const key of badUrlKeys) queries.push([ClusterQuery.SAME_URL, key, () => mail.byUrlKeys([key])]);
    if (verdict === Verdict.MALICIOUS && root.attachmentHashes.length) {
      for (const hash of root.attachmentHashes) queries.push([ClusterQuery.SAME_ATTACHMENT, hash, () => mail.byAttachmentHashes([hash])]);
    }
    const clusters: ClusterFinding[] = [];
    const summary: HuntFindings = { clusters: [], messageExternalIds: [], urls: [], recipients: [], attachmentHashes: [] };
    const seen = new Map<string, MessageFacts>();
    for (const [i, [query, value, run]] of queries.entries()) {
      await ctx.progress((i / queries.length) * 100, `running ${query.toLowerCase().replace(/_/g, ' ')} query`);
      const messages = await run();
      if (messages.length === 0) continue;
      for (const m of messages) seen.set(m.id, m);
      const key = `${query}:${value}`;
      const inMailbox = messages.filter((m) => IN_MAILBOX.has(m.location)).length;
      clusters.push({
        key,
        name: `${query.replace(/_/g, ' ').toLowerCase()}: ${value}`.slice(0, 200),
        query,
        queryValue: value,
        verdict: verdict === Verdict.MALICIOUS ? Verdict.MALICIOUS : verdict === Verdict.SUSPICIOUS ? Verdict.SUSPICIOUS : Verdict.CLEAN,
        threats: verdict === Verdict.MALICIOUS ? (threat.threats?.length ? threat.threats : ['Phish']) : [],
        messageIds: messages.map((m) => m.id),
      });
      summary.clusters.push({ key, query, queryValue: value, verdict: clusters.at(-1)!.verdict, inMailbox, size: messages.length });
    }
    if (verdict === Verdict.MALICIOUS) {
      // Later steps follow the malicious mail: who clicked its links, where its attachments landed.
      for (const m of seen.values()) {
        summary.messageExternalIds.push(m.externalId);
        summary.urls.push(...m.urls);
        summary.recipients.push(m.recipient);
        summary.attachmentHashes.push(...m.attachmentHashes);
      }
      summary.urls = [...new Set(summary.urls)];
      summary.recipients = [...new Set(summary.recipients)];
      summary.attachmentHashes = [...new Set(summary.attachmentHashes)];
    }
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
