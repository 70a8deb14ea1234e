/** Legitimate mail beside a shape: written like any other message, counted in its group, never in a campaign. */
import type { AuthResultsRecord, IngestRecord, MessageRecord } from '../../../telemetry/ingest-record.types.js';
import { iso } from '../clock.js';
import type { ShapePlan } from './shape.plan.js';
import type { LegitimateGroupTruth } from './shape-truth.types.js';

/**
 * How mail between colleagues arrives here: it leaves through the organisation's one outbound relay, which
 * the domain's SPF lists, and is not DKIM-signed inside; DMARC passes on SPF alignment. Every internal
 * message of the shapes carries the same results, the legitimate and the hijacked alike.
 */
export const INTERNAL_AUTH: AuthResultsRecord = Object.freeze({ spf: 'pass', dkim: 'none', dmarc: 'pass', compauth: 'pass' });

/** A bulk sender in good standing: SPF, DKIM and DMARC all pass. */
export const AUTHENTICATED: AuthResultsRecord = Object.freeze({
  spf: 'pass',
  dkim: 'pass',
  dmarc: 'pass',
  compauth: 'pass',
  compauthReason: '100',
});

/** Writes one legitimate copy, and its click if the recipient clicked `clickUrl`; returns the message id. */
export function emitLegitimate(
  plan: ShapePlan,
  group: LegitimateGroupTruth,
  record: Omit<MessageRecord, 'type' | 'id'>,
  out: IngestRecord[],
  click?: { at: number; url: string },
): string {
  const org = plan.org;
  const id = org.nextId('msg');
  out.push({ type: 'message', id, ...record });
  group.messageIds.push(id);
  org.messageCounts.shapes++;
  if (click) {
    const user = record.recipient;
    if (!group.clickedUsers.includes(user)) group.clickedUsers.push(user);
    org.timeline.at(click.at, () => ({
      type: 'url_click',
      id: org.nextId('clk'),
      url: click.url,
      user,
      at: iso(click.at),
      action: 'ALLOWED',
      messageId: id,
    }));
  }
  return id;
}
