/**
 * Campaign mail on the timeline: each planned slot becomes a message (subject, greeting and sender
 * variants, a per-recipient tracking link, an attachment), and schedules what follows from it —
 * the click, the zap, alerts, the attachment landing on a laptop, and a compromise.
 */
import type { AttachmentRecord, IngestRecord, MessageRecord } from '../../telemetry/ingest-record.types.js';
import { DAY, iso, isoDay, longDate, MINUTE } from './clock.js';
import { itemAt } from './list.js';
import type { Campaign, Organisation, Slot } from './organisation.state.js';
import { LURE_COUNTRY_NAMES, OCTETS } from './places.data.js';
import { ipFromHash } from './random.js';
import { capitalise, money, render, type Vars } from './text.js';
import type { Task } from './timeline.js';

/** A campaign on the timeline: its planned slots, one message each, in time order. */
export function campaignSource(org: Organisation, c: Campaign): Task {
  // Scheduled only for a campaign with slots; c.next stays below c.slots.length while the task runs.
  const task: Task = {
    at: itemAt(c.slots, 0).at,
    seq: 0,
    run: (out) => {
      emitCampaignMessage(org, c, itemAt(c.slots, c.next), out);
      c.next++;
      if (c.next >= c.slots.length) return false;
      task.at = itemAt(c.slots, c.next).at;
      return true;
    },
  };
  return task;
}

function emitCampaignMessage(org: Organisation, c: Campaign, s: Slot, out: IngestRecord[]): void {
  const { rng, lure } = c;
  const p = org.person(s.user);
  const id = org.nextId('msg');
  const colleague = org.person((s.user + 1 + rng.int(org.people.length - 1)) % org.people.length);
  const token = rng.token(rng.between(8, 12));
  const url =
    c.landingUrls.length > 0
      ? `${itemAt(c.landingUrls, s.wave % c.landingUrls.length)}?${lure.param}=${token}${c.encodesRecipient ? `&e=${Buffer.from(p.address).toString('base64url')}` : ''}`
      : '';
  const vars: Vars = {
    first: capitalise(p.first),
    last: capitalise(p.last),
    address: p.address,
    org: org.orgName,
    ref: String(rng.between(100_000, 9_999_999)),
    amount: money(rng, ...(lure.amount ?? [200, 9_800])),
    date: longDate(s.at + rng.between(2, 10) * DAY),
    ymd: isoDay(s.at),
    n: String(rng.between(lure.n[0], lure.n[1])),
    name: colleague.displayName,
    nameAddress: colleague.address,
    country: rng.pick(LURE_COUNTRY_NAMES),
    ip: ipFromHash(OCTETS.attacker, rng.u32()),
    url,
  };
  const reminder = c.reminders && s.wave > 0;
  // A slot's variant indexes were drawn below each list's length (campaign.plan.ts).
  let subject = render(itemAt(c.subjects, s.subject), vars);
  if (reminder) subject = `${s.wave === 1 ? 'Reminder' : 'Final notice'}: ${subject}`;
  let body = render(itemAt(c.greetings, s.greeting), vars) + '\n\n';
  if (reminder) body += 'We have not yet received a response to our previous message.\n\n';
  for (const paragraph of c.paragraphs) body += render(paragraph, vars) + '\n\n';
  body += render(c.signOff, vars);

  const sender = itemAt(c.senders, s.sender);
  const senderDomain = sender.slice(sender.indexOf('@') + 1);
  const record: MessageRecord = {
    type: 'message',
    id,
    recipient: p.address,
    sender,
    senderIp: itemAt(c.senderIps, s.ip),
    returnPath: `bounce-${rng.token(6)}@${c.mailer}`,
    subject,
    body,
    receivedAt: iso(s.at),
    location: s.location,
    verdict: s.verdict,
    auth: c.senderAuth[c.senderDomains.indexOf(senderDomain)],
    direction: 'INBOUND',
    internetMessageId: `<${rng.token(16)}@${senderDomain}>`,
  };
  if (url) record.urls = [url];
  let attachment: AttachmentRecord | undefined;
  if (c.attachments.length > 0) {
    const file = itemAt(c.attachments, s.attachment);
    attachment = { name: render(itemAt(c.attachmentNames, s.attachmentName), vars), sha256: file.sha256, size: file.size };
    record.attachments = [attachment];
    c.names.add(attachment.name);
  }

  const truth = c.truth;
  truth.messageIds.push(id);
  truth.locations[s.location]++;
  org.messageCounts.campaign++;

  if (s.click) {
    const click = s.click;
    c.clicked.add(p.address);
    const make = () => {
      const clickId = org.nextId('clk');
      if (s.compromise) s.compromise.truth.clickId = clickId;
      return {
        type: 'url_click' as const,
        id: clickId,
        url,
        user: p.address,
        at: iso(click.at),
        action: click.action,
        ...(click.withMessageId ? { messageId: id } : {}),
      };
    };
    if (click.early) out.push(make());
    else org.timeline.at(click.at, make);
  }
  out.push(record);

  if (s.fate === 'ZAPPED') {
    truth.zappedMessageIds.push(id);
    org.timeline.at(s.zapAt, () => ({ type: 'zap', id: org.nextId('zap'), messageId: id, at: iso(s.zapAt), reason: lure.kind }));
    if (s.zapAlert) {
      const at = s.zapAt + rng.between(1, 10) * MINUTE;
      org.alert(at, lure.kind === 'PHISH' ? 'PHISH_ZAPPED' : 'MALWARE_ZAPPED', lure.kind === 'PHISH' ? 'LOW' : 'MEDIUM', lure.name, {
        messageId: id,
        user: p.address,
        ...(attachment ? { sha256: attachment.sha256 } : {}),
      });
    }
  }
  if (s.reportAt > 0) {
    truth.reportedMessageId = id;
    truth.reportAlertId = org.alert(s.reportAt, 'USER_REPORTED', 'INFORMATIONAL', lure.name, { messageId: id, user: p.address });
  }
  if (s.urlAlertAt > 0) org.alert(s.urlAlertAt, 'URL_VERDICT_CHANGE', 'MEDIUM', lure.name, { url, user: p.address });
  if (s.deviceFileAt > 0 && attachment) {
    const at = s.deviceFileAt;
    const path = p.laptopIsMac ? `/Users/${p.local}/Downloads/${attachment.name}` : `C:\\Users\\${p.local}\\Downloads\\${attachment.name}`;
    const sha256 = attachment.sha256;
    truth.infectedDevices.push(p.laptop);
    org.timeline.at(at, () => ({ type: 'device_file', id: org.nextId('file'), device: p.laptop, sha256, path, seenAt: iso(at) }));
  }
  if (s.compromise) scheduleCompromise(org, c, s, id);
}

/** Credentials entered on the landing page: a HIGH-risk sign-in from a new country, then an inbox rule from the same IP. */
function scheduleCompromise(org: Organisation, c: Campaign, s: Slot, messageId: string): void {
  const k = s.compromise!;
  const p = org.person(s.user);
  k.truth.messageId = messageId;
  c.truth.compromisedUsers.push(p.address);
  org.timeline.at(k.signInAt, () => {
    k.truth.signInId = org.nextId('sgn');
    return {
      type: 'sign_in',
      id: k.truth.signInId,
      user: p.address,
      ip: k.ip,
      country: k.country,
      at: iso(k.signInAt),
      risk: 'HIGH',
      result: 'SUCCESS',
    };
  });
  if (s.riskyAlert) org.alert(k.signInAt + c.rng.between(2, 15) * MINUTE, 'RISKY_SIGN_IN', 'HIGH', c.lure.name, { user: p.address });
  org.timeline.at(k.ruleAt, () => {
    k.truth.ruleId = org.nextId('rule');
    return {
      type: 'inbox_rule',
      id: k.truth.ruleId,
      mailbox: p.address,
      name: k.ruleName,
      ...(k.forwardTo ? { forwardTo: k.forwardTo } : {}),
      ...(k.deleteMessages ? { deleteMessages: true } : {}),
      createdAt: iso(k.ruleAt),
      createdFromIp: k.ip,
    };
  });
  const returnsAt = k.returnsAt;
  if (returnsAt)
    org.timeline.at(returnsAt, () => ({
      type: 'sign_in',
      id: org.nextId('sgn'),
      user: p.address,
      ip: k.ip,
      country: k.country,
      at: iso(returnsAt),
      risk: 'HIGH',
      result: 'SUCCESS',
    }));
}
