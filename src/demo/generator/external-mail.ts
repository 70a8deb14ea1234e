/** Mail from outside: partners' threads and replies, vendors' invoices to Finance, and spam the filter caught. */
import type { IngestRecord, MessageRecord } from '../../telemetry/ingest-record.types.js';
import { DAY, HOUR, iso, longDate, MONTHS } from './clock.js';
import {
  EXTERNAL_SENTENCES as SENTENCE_TEXTS,
  EXTERNAL_SUBJECTS as SUBJECT_TEXTS,
  EXTERNAL_TOPICS,
  INVOICE_BODIES,
  INVOICE_SUBJECTS,
  PARTNERS,
  SPAM as SPAM_TEXTS,
  VENDORS,
} from './mail.data.js';
import { itemAt } from './list.js';
import { FINANCE, FIRST_NAMES, LAST_NAMES, WORDS } from './names.data.js';
import type { Organisation } from './organisation.state.js';
import { ordinaryClick, REPLY_SENTENCES, sentences, smallTalk, type OrdinaryContext } from './ordinary-mail.context.js';
import { OCTETS } from './places.data.js';
import { ipFromHash } from './random.js';
import { capitalise, compile, money, render, slug, type Vars } from './text.js';

const EXTERNAL_SUBJECTS = SUBJECT_TEXTS.map(compile);
const EXTERNAL_SENTENCES = SENTENCE_TEXTS.map(compile);
const SPAM = SPAM_TEXTS.map((s) => ({ subject: compile(s.subject), body: compile(s.body), path: s.path }));
/**
 * Per vendor (VENDORS order): the vendor and its partner, its two subjects and its body, and (style 1)
 * the customer portal link, identical in every invoice of the vendor.
 */
const INVOICE_SUBJECT_TEMPLATES = INVOICE_SUBJECTS.map(compile);
const INVOICERS = VENDORS.map((vendor) => {
  const { style } = vendor;
  const partner = itemAt(PARTNERS, vendor.partner);
  return {
    vendor,
    partner,
    subjects: [itemAt(INVOICE_SUBJECT_TEMPLATES, style), itemAt(INVOICE_SUBJECT_TEMPLATES, (style + 1) % 3)],
    body: compile(INVOICE_BODIES[style]),
    portal: style === 1 ? `https://billing.${partner.domain}/invoices` : undefined,
  };
});

function partnerContact(ctx: OrdinaryContext, partner: number): { address: string; name: string } {
  const rng = ctx.rng;
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return { address: `${first}.${last}@${itemAt(PARTNERS, partner).domain}`, name: `${capitalise(first)} ${capitalise(last)}` };
}

function externalMessage(
  org: Organisation,
  ctx: OrdinaryContext,
  at: number,
  partner: number,
  sender: string,
  user: number,
  subject: string,
  body: string,
  urls?: string[],
): MessageRecord {
  const pt = itemAt(PARTNERS, partner);
  const record: MessageRecord = {
    type: 'message',
    id: org.nextId('msg'),
    recipient: org.person(user).address,
    sender,
    senderIp: ctx.rng.pick(itemAt(org.partnerIps, partner)),
    returnPath: sender,
    subject,
    body,
    receivedAt: iso(at),
    location: ctx.rng.chance(0.02) ? 'DELETED' : 'INBOX',
    verdict: 'CLEAN',
    auth: pt.auth,
    direction: 'INBOUND',
    internetMessageId: `<${ctx.rng.token(14)}@${pt.domain}>`,
  };
  if (urls) record.urls = urls;
  return record;
}

export function externalNew(org: Organisation, ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const partner = rng.int(PARTNERS.length);
  const pt = itemAt(PARTNERS, partner);
  const user = rng.int(org.people.length);
  const contact = partnerContact(ctx, partner);
  const vars = smallTalk(org, ctx, rng.pick(EXTERNAL_TOPICS));
  vars.name = partnerContact(ctx, partner).name;
  const subject = render(rng.pick(EXTERNAL_SUBJECTS), vars);
  const firstLine = sentences(ctx, EXTERNAL_SENTENCES, 1, vars);
  let body = `Hello ${capitalise(org.person(user).first)},\n\n${firstLine} ${sentences(ctx, EXTERNAL_SENTENCES, rng.between(1, 3), vars)}\n\nBest regards,\n${contact.name}\n${pt.name}`;
  let urls: string[] | undefined;
  if (rng.chance(0.2)) {
    const link = `https://www.${pt.domain}/resources/${slug(vars.t)}`;
    urls = [link];
    body += `\n${link}`;
  }
  const record = externalMessage(org, ctx, at, partner, contact.address, user, subject, body, urls);
  if (urls && rng.chance(0.05)) ordinaryClick(org, ctx, itemAt(urls, 0), record.recipient, at, record.id);
  ctx.external[ctx.externalNext++ % ctx.external.length] = {
    subject,
    firstLine,
    imid: record.internetMessageId!,
    at,
    author: contact.name,
    people: [user],
    partner,
    contact: contact.address,
    contactName: contact.name,
  };
  out.push(record);
  org.messageCounts.external++;
  return 1;
}

export function externalReply(org: Organisation, ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const thread = ctx.external[rng.int(Math.min(ctx.externalNext, ctx.external.length))];
  if (!thread) return externalNew(org, ctx, at, out);
  const vars = smallTalk(org, ctx, 'proposal');
  const user = itemAt(thread.people, 0); // an external thread's one user
  const body =
    `Hi ${capitalise(org.person(user).first)},\n\n${sentences(ctx, REPLY_SENTENCES, rng.between(1, 2), vars)} ` +
    `${sentences(ctx, EXTERNAL_SENTENCES, 1, vars)}\n\n${thread.contactName}\n${itemAt(PARTNERS, thread.partner).name}\n\n` +
    `On ${longDate(thread.at)}, ${thread.author} wrote:\n> ${thread.firstLine}`;
  out.push(externalMessage(org, ctx, at, thread.partner, thread.contact, user, `RE: ${thread.subject}`, body));
  org.messageCounts.external++;
  return 1;
}

/** A vendor invoice to someone in Finance: near-identical text per vendor, a unique PDF each time. */
export function invoice(org: Organisation, ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const v = rng.int(VENDORS.length);
  const { vendor, partner: pt, ...style } = itemAt(INVOICERS, v);
  const tally = itemAt(org.invoices, v);
  let user = rng.int(org.people.length);
  for (let tries = 0; tries < 8 && org.person(user).department !== FINANCE; tries++) user = rng.int(org.people.length);
  const inv = `INV-${pt.name.slice(0, 3).toUpperCase()}-${rng.between(10_000, 99_999)}`;
  const vars: Vars = {
    inv,
    vendor: pt.name,
    amount: money(rng, 150, 24_000),
    date: longDate(at + 30 * DAY),
    month: itemAt(MONTHS, new Date(at - 15 * DAY).getUTCMonth()),
    portal: style.portal ?? '',
  };
  const sender = `${vendor.mailbox}@${pt.domain}`;
  const record = externalMessage(
    org,
    ctx,
    at,
    vendor.partner,
    sender,
    user,
    render(rng.pick(style.subjects), vars),
    render(style.body, vars),
    style.portal ? [style.portal] : undefined,
  );
  const sha256 = rng.sha256();
  record.attachments = [{ name: `${inv}.pdf`, sha256, size: rng.between(40_000, 320_000) }];
  out.push(record);
  org.messageCounts.invoice++;
  tally.count++;
  if (tally.samples.length < 10) tally.samples.push(record.id);
  if (tally.count === 1 && v === 0) {
    // Finance reports a genuine invoice now and then: the investigation must find nothing.
    org.alert(
      at + rng.between(2, 6) * HOUR,
      'USER_REPORTED',
      'INFORMATIONAL',
      null,
      { messageId: record.id, user: record.recipient },
      'INVOICE',
    );
  }
  if (rng.chance(0.3)) {
    // The PDF is saved to the laptop: a benign file on a device.
    const p = org.person(user);
    const seenAt = at + rng.delay(60, 2, 600);
    const path = p.laptopIsMac ? `/Users/${p.local}/Downloads/${inv}.pdf` : `C:\\Users\\${p.local}\\Downloads\\${inv}.pdf`;
    org.timeline.at(seenAt, () => ({
      type: 'device_file',
      id: org.nextId('file'),
      device: p.laptop,
      sha256,
      path,
      seenAt: iso(seenAt),
    }));
  }
  return 1;
}

/** Junk that the filter already moved: bulk text, throwaway domains, failing authentication. */
export function spam(org: Organisation, ctx: OrdinaryContext, at: number, out: IngestRecord[]): number {
  const rng = ctx.rng;
  const template = rng.pick(SPAM);
  const spamDomain = `${rng.pick(WORDS)}${rng.pick(WORDS)}${rng.between(1, 999)}.example`;
  const url = `https://${spamDomain}${template.path}?c=${rng.token(6)}`;
  const vars: Vars = { amount: money(rng, 500, 5_000), url };
  const sender = `${rng.pick(['offers', 'news', 'info', 'deals', 'hello'])}@${spamDomain}`;
  out.push({
    type: 'message',
    id: org.nextId('msg'),
    recipient: org.person(rng.int(org.people.length)).address,
    sender,
    senderIp: ipFromHash(OCTETS.spam, rng.u32()),
    returnPath: sender,
    subject: render(template.subject, vars),
    body: render(template.body, vars),
    urls: [url],
    receivedAt: iso(at),
    location: 'JUNK',
    verdict: 'SPAM',
    auth: { spf: rng.pick(['softfail', 'none', 'fail']), dkim: 'none', dmarc: 'none' },
    direction: 'INBOUND',
    internetMessageId: `<${rng.token(14)}@${spamDomain}>`,
  });
  org.messageCounts.spam++;
  return 1;
}
