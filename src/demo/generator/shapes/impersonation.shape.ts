/**
 * TEMPLATE_IMPERSONATION: a legitimate e-signature service (fictitious: Penwright) sends the organisation
 * notifications all month, authenticated (SPF, DKIM and DMARC pass) from its own /24; one day a phish
 * copies its template word for word from a look-alike domain that fails authentication, and ZAP pulls
 * most of it back. Later a user reports one of the real notifications.
 */
import { DAY, HOUR, iso, MINUTE } from '../clock.js';
import { itemAt } from '../list.js';
import { PARTNERS } from '../mail.data.js';
import { FIRST_NAMES, LAST_NAMES, WORDS } from '../names.data.js';
import { OCTETS } from '../places.data.js';
import { ipFromHash, Random } from '../random.js';
import { capitalise, compile, render, type Vars } from '../text.js';
import { AUTHENTICATED, emitLegitimate } from './legitimate.js';
import { campaignTruth, emitMalicious, planCopies, variant, type ShapePlan } from './shape.plan.js';
import type { LegitimateGroupTruth } from './shape-truth.types.js';
import { ESIGN } from './shapes.data.js';
import { SPAN_DAYS } from '../organisation.options.js';

const SUBJECTS = ESIGN.subjects.map(compile);
const BODY = ESIGN.body.map(compile);
const DOCUMENTS = ESIGN.documents.map(compile);

export function planImpersonation(plan: ShapePlan): void {
  const { org } = plan;
  const rng = new Random(org.seed, 5107);
  plan.usedDomains.add(ESIGN.domain);
  const sender = `${ESIGN.notifyLocal}@${ESIGN.domain}`;
  const net = ipFromHash(OCTETS.mailServer, rng.u32()).split('.').slice(0, 3).join('.');
  const ips = [`${net}.${rng.between(2, 80)}`, `${net}.${rng.between(81, 160)}`, `${net}.${rng.between(161, 250)}`];
  const group: LegitimateGroupTruth = {
    shape: 'TEMPLATE_IMPERSONATION',
    name: `${ESIGN.service} notifications`,
    kind: 'NOTIFICATIONS',
    sender,
    senderIps: ips,
    messageIds: [],
    subject: ESIGN.subjects[0],
    clickedUsers: [],
  };
  plan.truth.legitimate.push(group);
  plan.truth.legitimateSenders.push(sender);

  const requester = (): { name: string; address: string } => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const partner = rng.pick(PARTNERS);
    return { name: `${capitalise(first)} ${capitalise(last)}`, address: `${first}.${last}@${partner.domain}` };
  };
  const fill = (p: { first: string }, link: string, n: number): { subject: string; body: string; senderName: string } => {
    const who = requester();
    const vars: Vars = {
      first: capitalise(p.first),
      requester: who.name,
      requesterAddress: who.address,
      url: link,
      note: rng.pick(ESIGN.notes),
      n: String(rng.between(2, 40)),
      doc: '',
    };
    vars.doc = render(rng.pick(DOCUMENTS), vars);
    return {
      subject: render(variant(SUBJECTS, n, rng), vars),
      body: BODY.map((t) => render(t, vars)).join('\n\n'),
      senderName: `${who.name} via ${ESIGN.service}`,
    };
  };

  const phishAt = plan.workday(22, 13);
  const count = plan.options.notifications;
  let reportTaken = false;
  for (let n = 0; n < count; n++) {
    // Spread over the month, in working hours.
    const day = Math.floor((n * SPAN_DAYS) / count);
    const at = plan.workday(day, 8) + rng.between(0, 9 * 60) * MINUTE;
    const user = rng.int(org.people.length);
    const clicks = rng.chance(0.3);
    const clickAt = at + rng.delay(60, 2, 600);
    // Reported the day after the phish was zapped: the report is about a real notification.
    const reported = !reportTaken && at > phishAt + DAY;
    if (reported) reportTaken = true;
    plan.add(at, (out) => {
      const p = org.person(user);
      const link = `https://app.${ESIGN.domain}/signing/review?t=${rng.token(24)}`;
      const text = fill(p, link, n);
      const id = emitLegitimate(
        plan,
        group,
        {
          recipient: p.address,
          sender,
          senderName: text.senderName,
          senderIp: rng.pick(ips),
          returnPath: `bounces+${rng.token(12)}@mail.${ESIGN.domain}`,
          subject: text.subject,
          body: text.body,
          urls: [link],
          receivedAt: iso(at),
          location: !reported && rng.chance(0.05) ? 'DELETED' : 'INBOX',
          verdict: 'CLEAN',
          auth: AUTHENTICATED,
          direction: 'INBOUND',
          internetMessageId: `<${rng.token(20)}@${ESIGN.domain}>`,
        },
        out,
        clicks ? { at: clickAt, url: link } : undefined,
      );
      if (reported)
        plan.alert(at + rng.between(1, 4) * HOUR, 'REPORT', 'USER_REPORTED', 'INFORMATIONAL', null, { messageId: id, user: p.address });
    });
  }

  const c = campaignTruth('TEMPLATE_IMPERSONATION', `Impersonation of ${ESIGN.service} notifications`, 'PHISH');
  plan.truth.campaigns.push(c);
  const label = ESIGN.domain.slice(0, ESIGN.domain.indexOf('.'));
  const lookalike = plan.fresh(() => `${label}-${rng.pick(['sign', 'docs', 'secure', 'review'])}.example`, plan.usedDomains);
  const landingHost = plan.fresh(() => `${rng.pick(WORDS)}-esign${rng.between(1, 99)}.example`, plan.usedDomains);
  const phishIps = [0, 1].map(() => plan.fresh(() => ipFromHash(OCTETS.campaign, rng.u32()), plan.usedIps));
  const phishSender = `${ESIGN.notifyLocal}@${lookalike}`;
  c.senders.push(phishSender);
  c.senderIps.push(...phishIps);
  c.returnPathDomains.push(lookalike);
  c.domains.push(lookalike, landingHost);
  c.urls.push(`https://${landingHost}/signing/review`);
  // ZAP pulled most of it back after delivery.
  const copies = planCopies(
    org,
    rng,
    plan.options.campaignSize,
    phishAt,
    [3, 40],
    { caught: 0.1, zapped: 0.6, deleted: 0.03, junked: 0, clicked: 0.04 },
    'PHISH',
  );
  const zapped = copies.find((x) => x.zapAt > 0) ?? itemAt(copies, 0);
  if (zapped.zapAt === 0) {
    zapped.zapAt = zapped.at + 2 * HOUR;
    zapped.location = 'QUARANTINE';
  }
  for (const copy of copies) {
    plan.add(copy.at, (out) => {
      const p = org.person(copy.user);
      const link = `https://${landingHost}/signing/review?t=${rng.token(24)}`;
      const text = fill(p, link, copy.n);
      const id = emitMalicious(
        plan,
        c,
        copy,
        {
          sender: phishSender,
          senderName: text.senderName,
          senderIp: variant(phishIps, copy.n, rng),
          returnPath: `bounces+${rng.token(12)}@${lookalike}`,
          subject: text.subject,
          body: text.body,
          urls: [link],
          auth: { spf: 'softfail', dkim: 'fail', dmarc: 'fail', compauth: 'fail', compauthReason: '001' },
          direction: 'INBOUND',
          internetMessageId: `<${rng.token(20)}@${lookalike}>`,
        },
        link,
        out,
      );
      if (copy === zapped)
        plan.alert(copy.zapAt + rng.between(1, 10) * MINUTE, 'ALERT', 'PHISH_ZAPPED', 'LOW', c.name, { messageId: id, user: p.address });
    });
  }
}
