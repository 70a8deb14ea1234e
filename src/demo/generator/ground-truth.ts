/** The ground truth, assembled from the plan and the stream's bookkeeping once every record has been streamed. */
import { iso } from './clock.js';
import type { GroundTruth } from './ground-truth.types.js';
import { itemAt } from './list.js';
import { PARTNERS, VENDORS } from './mail.data.js';
import { PUBLISHERS } from './newsletters.data.js';
import type { Organisation } from './organisation.state.js';

export function groundTruth(org: Organisation): GroundTruth {
  const campaigns = org.campaigns.map((c) => ({
    ...c.truth,
    clickedUsers: [...c.clicked].sort(),
    compromisedUsers: c.truth.compromisedUsers.slice().sort(),
    attachmentNames: [...c.names].sort(),
  }));
  const compromises = org.campaigns.flatMap((c) => c.slots.flatMap((s) => (s.compromise ? [s.compromise.truth] : [])));
  const total = Object.values(org.byType).reduce((a, b) => a + b, 0);
  const { mailboxes, messages, campaigns: campaignCount, seed, domain } = org.options;
  return {
    options: { mailboxes, messages, campaigns: campaignCount, seed, domain, start: iso(org.start), end: iso(org.end) },
    campaigns,
    compromisedUsers: compromises.map((c) => c.user).sort(),
    compromises,
    clickedUsers: [...new Set(campaigns.flatMap((c) => c.clickedUsers))].sort(),
    alerts: org.alertTruth,
    benignBulk: [
      ...PUBLISHERS.map((p, i) => {
        const tally = itemAt(org.newsletters, i);
        return { kind: 'NEWSLETTER' as const, name: p.title, sender: p.sender, messageCount: tally.count, sampleMessageIds: tally.samples };
      }),
      ...VENDORS.map((v, i) => {
        const partner = itemAt(PARTNERS, v.partner);
        const tally = itemAt(org.invoices, i);
        return {
          kind: 'INVOICE' as const,
          name: `${partner.name} invoices`,
          sender: `${v.mailbox}@${partner.domain}`,
          messageCount: tally.count,
          sampleMessageIds: tally.samples,
        };
      }),
    ].filter((b) => b.messageCount > 0),
    counts: { records: total, byType: { ...org.byType }, messages: { ...org.messageCounts } },
  };
}
