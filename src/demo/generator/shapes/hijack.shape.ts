/**
 * REPLY_CHAIN_HIJACK: a company-wide announcement, legitimate, to every mailbox through the organisation's
 * one outbound relay; the next morning a colleague whose account was taken over in the night (a HIGH-risk
 * sign-in from abroad, then a forwarding rule) replies to it from his real account, quoting it whole and
 * adding a malicious link. Both leave the same relay with the same authentication results; the reply's
 * subject is the announcement's with `RE:`. Some staff clicked the announcement's intranet link, one of
 * them while travelling: legitimate clicks.
 */
import { HOUR, iso, longDate, MINUTE } from '../clock.js';
import { itemAt } from '../list.js';
import { WORDS } from '../names.data.js';
import { ATTACKER_COUNTRIES, OCTETS, TRAVEL_COUNTRIES } from '../places.data.js';
import { ipFromHash, Random } from '../random.js';
import { capitalise, compile, render } from '../text.js';
import { emitLegitimate, INTERNAL_AUTH } from './legitimate.js';
import { campaignTruth, emitMalicious, planCopies, type ShapePlan } from './shape.plan.js';
import type { LegitimateGroupTruth, ShapeCompromiseTruth } from './shape-truth.types.js';
import { ANNOUNCEMENT, HIJACK } from './shapes.data.js';

export function planHijack(plan: ShapePlan): void {
  const { org } = plan;
  const rng = new Random(org.seed, 5108);
  const domain = org.options.domain;
  const people = org.people.length;
  const relay = `203.0.113.${rng.between(10, 250)}`;
  const announcedAt = plan.workday(20, 9);
  const vars = { org: org.orgName, month: 'next month', url: `https://intranet.${domain}/news/hybrid-working-policy` };
  const intranet = vars.url;
  const sender = `${ANNOUNCEMENT.local}@${domain}`;
  const subject = render(compile(ANNOUNCEMENT.subject), vars);
  const text = [...ANNOUNCEMENT.paragraphs, ANNOUNCEMENT.signOff].map((t) => render(compile(t), vars)).join('\n\n');
  const group: LegitimateGroupTruth = {
    shape: 'REPLY_CHAIN_HIJACK',
    name: 'Company-wide announcement',
    kind: 'ANNOUNCEMENT',
    sender,
    senderIps: [relay],
    messageIds: [],
    subject,
    clickedUsers: [],
  };
  plan.truth.legitimate.push(group);

  // The colleague whose account is taken over, and a traveller among those who read the announcement.
  const colleague = rng.int(people);
  const traveller = (colleague + 1 + rng.int(people - 1)) % people;
  const announcementImid = `<${rng.token(16)}@${domain}>`;
  const reportedCopy = (traveller + 1 + rng.int(people - 1)) % people;
  for (let u = 0; u < people; u++) {
    // A distribution list expands in a few minutes; people read, delete, and some open the intranet page.
    const at = announcedAt + rng.between(0, 3 * MINUTE);
    const clicks = u === traveller || rng.chance(0.06);
    const clickAt = at + rng.delay(90, 5, 8 * 60);
    const location = u !== reportedCopy && rng.chance(0.08) ? 'DELETED' : 'INBOX';
    plan.add(at, (out) => {
      const p = org.person(u);
      if (u === traveller) {
        // Abroad on business: a LOW-risk sign-in from a hotel in a country new for him, minutes before the click.
        const signAt = clickAt - rng.between(5, 30) * MINUTE;
        const country = rng.pick(TRAVEL_COUNTRIES);
        const ip = ipFromHash(OCTETS.hotel, rng.u32());
        org.timeline.at(signAt, () => ({
          type: 'sign_in',
          id: org.nextId('sgn'),
          user: p.address,
          ip,
          country,
          at: iso(signAt),
          risk: 'LOW',
          result: 'SUCCESS',
        }));
      }
      const id = emitLegitimate(
        plan,
        group,
        {
          recipient: p.address,
          sender,
          senderName: vars.org + ' Internal Communications',
          senderIp: relay,
          returnPath: sender,
          subject,
          body: text,
          urls: [intranet],
          receivedAt: iso(at),
          location,
          verdict: 'CLEAN',
          auth: INTERNAL_AUTH,
          direction: 'INTERNAL',
          internetMessageId: announcementImid,
        },
        out,
        clicks ? { at: clickAt, url: intranet } : undefined,
      );
      if (u === reportedCopy)
        // Staff report company-wide mail they did not expect: the report is of legitimate mail.
        plan.alert(at + rng.between(1, 3) * HOUR, 'REPORT', 'USER_REPORTED', 'INFORMATIONAL', null, { messageId: id, user: p.address });
    });
  }

  const c = campaignTruth('REPLY_CHAIN_HIJACK', HIJACK.name, 'PHISH');
  plan.truth.campaigns.push(c);
  c.quotes = group.name;
  const who = org.person(colleague);
  const replyAt = plan.workday(21, 10) + rng.between(0, 90) * MINUTE;
  const signInAt = replyAt - rng.between(6, 9) * HOUR;
  const ruleAt = signInAt + rng.between(10, 40) * MINUTE;
  const attackerIp = plan.fresh(() => ipFromHash(OCTETS.attacker, rng.u32()), plan.usedIps);
  const country = rng.pick(ATTACKER_COUNTRIES);
  const forwardTo = `${rng.pick(WORDS)}.${rng.pick(WORDS)}${rng.between(10, 99)}@${plan.fresh(() => `${rng.pick(WORDS)}mail-box.example`, plan.usedDomains)}`;
  const landingHost = plan.fresh(() => `${rng.pick(WORDS)}-benefits${rng.between(1, 99)}.example`, plan.usedDomains);
  const landing = `https://${landingHost}/forms/anchor-days`;
  const link = `${landing}?ref=${rng.token(10)}`;
  c.senders.push(who.address);
  c.senderIps.push(relay);
  c.returnPathDomains.push(domain);
  c.domains.push(landingHost);
  c.urls.push(landing);
  // Intelligence knows the credential page: the reply itself is plainly malicious, and the trap is what
  // else a cluster built around it would sweep (the announcement it quotes, from the same relay).
  c.indicators.push({ kind: 'DOMAIN', value: landingHost });
  c.compromisedUsers.push(who.address);
  const compromise: ShapeCompromiseTruth = {
    user: who.address,
    campaign: c.name,
    signInId: '',
    signInIp: attackerIp,
    country,
    ruleId: '',
    forwardTo,
    window: { from: iso(signInAt), to: iso(replyAt) },
  };
  plan.truth.compromises.push(compromise);
  org.timeline.at(signInAt, () => {
    compromise.signInId = org.nextId('sgn');
    return {
      type: 'sign_in',
      id: compromise.signInId,
      user: who.address,
      ip: attackerIp,
      country,
      at: iso(signInAt),
      risk: 'HIGH',
      result: 'SUCCESS',
    };
  });
  org.timeline.at(ruleAt, () => {
    compromise.ruleId = org.nextId('rule');
    return {
      type: 'inbox_rule',
      id: compromise.ruleId,
      mailbox: who.address,
      name: '..',
      forwardTo,
      createdAt: iso(ruleAt),
      createdFromIp: attackerIp,
    };
  });

  // Reply-all reaches the colleague's frequent contacts (a few per cent of the organisation), all at once.
  const size = Math.min(150, Math.max(20, Math.round(people * 0.03)));
  const copies = planCopies(
    org,
    rng,
    size,
    replyAt,
    [0, 2],
    { caught: 0, zapped: 0, deleted: 0.03, junked: 0, clicked: 0.08 },
    'PHISH',
    new Set([colleague]),
  );
  const body =
    HIJACK.paragraphs.map((t) => render(compile(t), { url: link, first: capitalise(who.first) })).join('\n\n') +
    `\n\n________________________________\nFrom: ${vars.org} Internal Communications <${sender}>\nSent: ${longDate(announcedAt)}\nTo: All Staff\nSubject: ${subject}\n\n` +
    text;
  const imid = `<${rng.token(16)}@${domain}>`;
  const reported = itemAt(copies, rng.int(copies.length));
  compromise.window.to = iso(itemAt(copies, copies.length - 1).at);
  for (const copy of copies) {
    plan.add(copy.at, (out) => {
      const id = emitMalicious(
        plan,
        c,
        copy,
        {
          sender: who.address,
          senderName: who.displayName,
          senderIp: relay,
          returnPath: who.address,
          subject: `RE: ${subject}`,
          body,
          // The quoted announcement keeps its intranet link: the reply carries both.
          urls: [link, intranet],
          auth: INTERNAL_AUTH,
          direction: 'INTERNAL',
          internetMessageId: imid,
        },
        link,
        out,
      );
      if (copy === reported) {
        const p = org.person(copy.user);
        plan.alert(copy.at + rng.delay(40, 10, 120), 'REPORT', 'USER_REPORTED', 'INFORMATIONAL', c.name, {
          messageId: id,
          user: p.address,
        });
        // The analyst then looks at the sender himself.
        plan.alert(copy.at + 3 * HOUR, 'INVESTIGATE_USER', 'MANUAL', 'INFORMATIONAL', c.name, { user: who.address });
      }
    });
  }
  plan.truth.legitimateSenders.push(sender, who.address);
}
