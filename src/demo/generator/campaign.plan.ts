/**
 * Campaign plans: for each campaign a lure, look-alike domains, senders, IPs, landing pages and
 * attachments, and every message planned up front as a slot (recipient, wave, time, fate, click,
 * compromise), so the stream only has to write them. Campaigns are about 1 % of mail.
 */
import type { DeliveryLocationName } from '../../telemetry/ingest-record.types.js';
import { DAY, HOUR, isWeekend, iso, MINUTE, SECOND } from './clock.js';
import { itemAt } from './list.js';
import { DOMAIN_SUFFIXES, GREETINGS as GREETING_TEXTS, HOMOGLYPHS, LURES, type Lure } from './lures.data.js';
import { PARTNERS } from './mail.data.js';
import { WORDS } from './names.data.js';
import { PUBLISHERS } from './newsletters.data.js';
import { CAMPAIGN_SHARE, MIN_CAMPAIGN_MESSAGES, SPAN_DAYS } from './organisation.options.js';
import type { Campaign, Organisation, Slot } from './organisation.state.js';
import { ATTACKER_COUNTRIES, OCTETS } from './places.data.js';
import { ipFromHash, Random, shuffle } from './random.js';
import { compile } from './text.js';

const GREETINGS = GREETING_TEXTS.map(compile);
const ZERO_LOCATIONS = (): Record<DeliveryLocationName, number> => ({ INBOX: 0, JUNK: 0, QUARANTINE: 0, DELETED: 0 });

/** A value not used before: `make` is drawn again (then suffixed with a number) until it is new, and recorded. */
export function freshValue(make: () => string, used: Set<string>): string {
  for (let tries = 0; ; tries++) {
    let value = make();
    if (tries > 20) value = value.replace(/\.example$/, `${tries}.example`);
    if (!used.has(value)) {
      used.add(value);
      return value;
    }
  }
}

/** Plans every campaign; returns how many messages they send. */
export function planCampaigns(org: Organisation, plan: Random): number {
  const { campaigns: count, messages, mailboxes, domain } = org.options;
  if (count === 0) return 0;
  // Two phishing campaigns for each malware one, lures in a seeded order.
  const phish = shuffle(
    LURES.filter((l) => l.kind === 'PHISH'),
    plan,
  );
  const malware = shuffle(
    LURES.filter((l) => l.kind === 'MALWARE'),
    plan,
  );
  const lures: Lure[] = [];
  for (let c = 0; c < count; c++) lures.push((c % 3 === 1 ? malware.shift() : phish.shift()) ?? phish.shift() ?? malware.shift()!);

  const target = Math.max(count * MIN_CAMPAIGN_MESSAGES, Math.round(messages * CAMPAIGN_SHARE));
  const weighted = lures.map((lure) => ({ lure, weight: 0.5 + plan.next() }));
  const weightSum = weighted.reduce((a, { weight }) => a + weight, 0);

  const usedDomains = new Set<string>([domain, ...PARTNERS.map((p) => p.domain), ...PUBLISHERS.map((p) => p.domain)]);
  const usedIps = new Set<string>();
  const compromised = new Set<number>();
  const perm = Int32Array.from({ length: mailboxes }, (_, i) => i);
  let total = 0;
  for (const [c, { lure, weight }] of weighted.entries()) {
    const size = Math.max(MIN_CAMPAIGN_MESSAGES, Math.round((target * weight) / weightSum));
    const campaign = planCampaign(org, c, lure, size, usedDomains, usedIps, compromised, perm);
    org.campaigns.push(campaign);
    total += campaign.slots.length;
  }
  return total;
}

function planCampaign(
  org: Organisation,
  index: number,
  lure: Lure,
  size: number,
  usedDomains: Set<string>,
  usedIps: Set<string>,
  compromised: Set<number>,
  perm: Int32Array,
): Campaign {
  const { mailboxes, domain } = org.options;
  const rng = new Random(org.seed, 1000 + index);
  // Domains and IPs unique across campaigns (freshValue: a short base has few look-alikes, then a number disambiguates).
  const base = lure.brand ?? org.orgLabel;
  const senderDomains = [freshValue(() => lookalike(base, rng), usedDomains)];
  if (rng.chance(0.5)) senderDomains.push(freshValue(() => lookalike(base, rng), usedDomains));
  if (lure.spoofsOrganisation) senderDomains.unshift(domain);
  const senders: string[] = [];
  for (const local of lure.senderLocals) senders.push(`${local}@${senderDomains[senders.length % senderDomains.length]}`);
  if (rng.chance(0.5)) senders.pop(); // two or three senders
  const senderAuth = senderDomains.map((d) =>
    d === domain
      ? { spf: 'fail', dkim: 'none', dmarc: 'fail' }
      : {
          spf: rng.pick(['none', 'softfail', 'fail', 'pass']),
          dkim: rng.pick(['none', 'none', 'fail']),
          dmarc: rng.pick(['none', 'fail']),
        },
  );
  const senderIps = Array.from({ length: rng.between(2, 5) }, () => freshValue(() => ipFromHash(OCTETS.campaign, rng.u32()), usedIps));
  const landingUrls: string[] = [];
  if (lure.path) {
    landingUrls.push(`https://${freshValue(() => lookalike(base, rng), usedDomains)}${lure.path}`);
    // A second landing page on a compromised small-business site, as kits rotate hosts between waves.
    if (rng.chance(0.5))
      landingUrls.push(
        `https://${freshValue(() => `${rng.pick(WORDS)}${rng.pick(WORDS)}.example`, usedDomains)}/wp-content/uploads${lure.path}`,
      );
  }
  const mailer = freshValue(() => `${rng.pick(WORDS)}-mailer${rng.between(1, 99)}.example`, usedDomains);
  const attachments = lure.attachment
    ? Array.from({ length: rng.chance(0.3) ? 2 : 1 }, () => ({
        sha256: rng.sha256(),
        size: lure.attachment!.size + rng.between(0, 4096),
      }))
    : [];
  const greetings = shuffle(GREETINGS, rng).slice(0, 3);
  const hasIndicators = index % 4 !== 2;
  const canCompromise = lure.kind === 'PHISH' && index % 5 !== 4;
  const zapRate = rng.pick([0, 0.15, 0.35, 0.6]);
  const clickRate = 0.03 + rng.next() * 0.05;
  const caughtRate = 0.04 + rng.next() * 0.1;
  const attacker = Array.from({ length: rng.between(1, 2) }, () => ({
    ip: freshValue(() => ipFromHash(OCTETS.attacker, rng.u32()), usedIps),
    country: rng.pick(ATTACKER_COUNTRIES),
  }));
  const dropbox = `${rng.pick(WORDS)}.${rng.pick(WORDS)}${rng.between(10, 99)}@${freshValue(() => `${rng.pick(WORDS)}mail-box.example`, usedDomains)}`;

  // Waves: one to three, a day or more apart, on weekday working hours; each wave reaches distinct users.
  // A small organisation needs more waves than a big one (distinct recipients within a wave); then they come closer together.
  const waves = Math.max(rng.between(1, 3), Math.ceil(size / mailboxes));
  const waveGap = () => (waves <= 8 ? rng.between(1, 3) * DAY : Math.floor(((SPAN_DAYS - 4) * DAY) / waves));
  const slots: Slot[] = [];
  let waveStart = org.start + (waves <= 8 ? rng.between(1, SPAN_DAYS - 4 - 3 * (waves - 1)) : 1) * DAY;
  for (let w = 0; w < waves; w++) {
    if (waves <= 8) {
      while (isWeekend(waveStart)) waveStart += DAY;
      waveStart = Math.floor(waveStart / DAY) * DAY + rng.between(7 * 60, 16 * 60) * MINUTE;
    }
    const waveSize = Math.floor(size / waves) + (w < size % waves ? 1 : 0);
    let t = waveStart;
    for (let k = 0; k < waveSize; k++) {
      // Partial Fisher–Yates: distinct recipients within a wave (waveSize ≤ mailboxes, so k ≤ j < perm.length).
      const j = k + rng.int(mailboxes - k);
      const user = itemAt(perm, j);
      perm[j] = itemAt(perm, k);
      perm[k] = user;
      t += rng.between(1 * SECOND, 20 * SECOND);
      slots.push(planSlot(rng, user, w, t, { zapRate, clickRate, caughtRate, lure }));
    }
    waveStart += waveGap();
  }
  slots.sort((a, b) => a.at - b.at);
  // Every variant is used at least once, so a campaign of 20 still shows its variety.
  const variants = (length: number, i: number) => (i < length ? i : rng.int(length));
  slots.forEach((s, i) => {
    s.sender = variants(senders.length, i);
    s.ip = variants(senderIps.length, i);
    s.subject = variants(lure.subjects.length, i);
    s.greeting = variants(greetings.length, i);
    s.attachment = variants(attachments.length || 1, i);
    s.attachmentName = variants(lure.attachment?.names.length ?? 1, i);
  });

  const delivered = slots.filter((s) => s.fate !== 'CAUGHT');
  if (lure.path && lure.kind === 'PHISH') {
    // At least one click that got through, so URL hunting and the click step have something to find.
    if (!delivered.some((s) => s.click?.action === 'ALLOWED')) {
      const s = delivered[0] ?? itemAt(slots, 0); // a campaign has at least MIN_CAMPAIGN_MESSAGES slots
      s.click = { at: s.at + rng.delay(30, 2, 120), action: 'ALLOWED', early: false, withMessageId: true };
      if (s.fate === 'ZAPPED' && s.click.at >= s.zapAt) s.zapAt = s.click.at + HOUR;
    }
    const clickers = slots.filter((s) => s.click?.action === 'ALLOWED' && !compromised.has(s.user));
    let victims = canCompromise ? clickers.filter(() => rng.chance(0.3)).slice(0, 6) : [];
    if (canCompromise && victims.length === 0) victims = clickers.slice(0, 1);
    for (const s of victims) {
      compromised.add(s.user);
      const where = rng.pick(attacker);
      const signInAt = s.click!.at + rng.delay(40, 5, 180);
      const ruleAt = signInAt + rng.delay(15, 3, 60);
      const style = rng.int(4);
      s.compromise = {
        signInAt,
        ruleAt,
        ip: where.ip,
        country: where.country,
        forwardTo: style < 3 ? dropbox : undefined,
        deleteMessages: style >= 2,
        ruleName: rng.pick(['.', '..', 'RSS', 'Sync', 'Mail Sync', 'x']),
        returnsAt: rng.chance(0.5) ? ruleAt + rng.between(2 * HOUR, 20 * HOUR) : undefined,
        truth: {
          user: org.person(s.user).address,
          campaign: lure.name,
          messageId: '',
          clickId: '',
          clickedAt: iso(s.click!.at),
          signInId: '',
          signInIp: where.ip,
          country: where.country,
          ruleId: '',
          ruleCreatedAt: iso(ruleAt),
        },
      };
    }
    const firstVictim = slots.find((s) => s.compromise);
    if (firstVictim) firstVictim.riskyAlert = true;
    if (hasIndicators) {
      const firstClick = slots.find((s) => s.click?.action === 'ALLOWED')!;
      firstClick.urlAlertAt = firstClick.click!.at + rng.between(1 * HOUR, 6 * HOUR);
    }
  }
  if (lure.kind === 'MALWARE') {
    // The attachment reaches some devices; at least one, so device hunting has something to find.
    for (const s of delivered) if (rng.chance(0.2)) s.deviceFileAt = s.at + rng.delay(40, 3, 180);
    const [firstDelivered] = delivered;
    if (firstDelivered && !delivered.some((s) => s.deviceFileAt > 0))
      firstDelivered.deviceFileAt = firstDelivered.at + rng.delay(40, 3, 180);
    for (const s of delivered) if (s.fate === 'ZAPPED' && s.deviceFileAt >= s.zapAt) s.deviceFileAt = s.at + (s.zapAt - s.at) / 2;
  }
  if (index === 0) {
    // Guaranteed rather than left to chance: ingestion must resolve a click that precedes its message.
    const first = slots.find((s) => s.click);
    if (first) first.click = { ...first.click!, early: true, withMessageId: true };
  }
  const firstZapped = slots.find((s) => s.fate === 'ZAPPED');
  if (firstZapped) firstZapped.zapAlert = true;
  // A user reports one message that is still in the inbox.
  const reported = slots.find((s) => s.fate === 'INBOX') ?? delivered[0] ?? itemAt(slots, 0);
  reported.reportAt = reported.at + rng.delay(45, 10, 180);

  return {
    index,
    lure,
    rng,
    senders,
    senderDomains,
    senderAuth,
    senderIps,
    landingUrls,
    mailer,
    attachments,
    attachmentNames: (lure.attachment?.names ?? []).map(compile),
    subjects: lure.subjects.map(compile),
    greetings,
    paragraphs: lure.paragraphs.map(compile),
    signOff: compile(lure.signOff),
    reminders: rng.chance(0.6),
    encodesRecipient: rng.chance(0.5),
    hasIndicators,
    slots,
    next: 0,
    clicked: new Set(),
    names: new Set(),
    truth: {
      name: lure.name,
      kind: lure.kind,
      messageIds: [],
      senders,
      senderIps,
      domains: [...senderDomains, ...landingUrls.map((u) => new URL(u).hostname)],
      urls: landingUrls,
      sha256s: attachments.map((a) => a.sha256),
      attachmentNames: [],
      hasIndicators,
      reportedMessageId: '',
      reportAlertId: '',
      zappedMessageIds: [],
      locations: ZERO_LOCATIONS(),
      clickedUsers: [],
      compromisedUsers: [],
      infectedDevices: [],
    },
  };
}

function planSlot(
  rng: Random,
  user: number,
  wave: number,
  at: number,
  p: { zapRate: number; clickRate: number; caughtRate: number; lure: Lure },
): Slot {
  const slot: Slot = {
    user,
    wave,
    at,
    sender: 0,
    ip: 0,
    subject: 0,
    greeting: 0,
    attachment: 0,
    attachmentName: 0,
    fate: 'INBOX',
    verdict: 'CLEAN',
    location: 'INBOX',
    zapAt: 0,
    deviceFileAt: 0,
    reportAt: 0,
    zapAlert: false,
    urlAlertAt: 0,
    riskyAlert: false,
  };
  if (rng.chance(p.caughtRate)) {
    // The filter caught it on arrival.
    slot.fate = 'CAUGHT';
    slot.verdict = p.lure.kind === 'MALWARE' ? 'MALWARE' : rng.chance(0.7) ? 'PHISH' : 'SPAM';
    slot.location = slot.verdict === 'SPAM' ? 'JUNK' : 'QUARANTINE';
    return slot;
  }
  if (rng.chance(p.zapRate)) {
    slot.fate = 'ZAPPED';
    slot.zapAt = at + rng.between(1 * HOUR, 18 * HOUR);
    slot.location = rng.chance(0.75) ? 'QUARANTINE' : 'DELETED';
  } else if (rng.chance(0.06)) {
    slot.fate = 'USER_DELETED';
    slot.location = 'DELETED';
  } else if (rng.chance(0.02)) {
    slot.fate = 'USER_JUNKED';
    slot.location = 'JUNK';
  }
  if (p.lure.path && rng.chance(p.clickRate)) {
    let clickAt = at + rng.delay(40, 1, 240);
    if (slot.fate === 'ZAPPED' && clickAt >= slot.zapAt) clickAt = at + Math.floor((slot.zapAt - at) * rng.next() * 0.9);
    slot.click = {
      at: clickAt,
      action: rng.chance(0.85) ? 'ALLOWED' : 'BLOCKED',
      // Some clicks reach the server before their message: ingestion must resolve references in any order.
      early: rng.chance(0.1),
      withMessageId: rng.chance(0.9),
    };
  }
  return slot;
}

/** A look-alike of `base` (a brand or the organisation's first label): a homoglyph or doubled letter, often with a suffix. */
function lookalike(base: string, rng: Random): string {
  let label = base;
  const glyphs = HOMOGLYPHS.filter(([from]) => label.includes(from));
  if (glyphs.length > 0 && rng.chance(0.6)) {
    const [from, to] = rng.pick(glyphs);
    const at = label.indexOf(from);
    label = label.slice(0, at) + to + label.slice(at + from.length);
  } else {
    const at = rng.between(1, label.length - 1);
    label = label.slice(0, at) + label.charAt(at - 1) + label.slice(at);
  }
  if (rng.chance(0.7)) label += `-${rng.pick(DOMAIN_SUFFIXES)}`;
  return `${label}.example`;
}
