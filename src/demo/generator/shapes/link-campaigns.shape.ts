/**
 * Phishing campaigns whose link or domain is what makes them hard: rewritten by gateways (WRAPPED_LINKS),
 * below a listed parent domain (PARENT_DOMAIN_INDICATOR), a punycode look-alike of the organisation's own
 * domain (IDN_LOOKALIKE), mostly cleaned already (PARTIALLY_CLEANED), and a wave over 10,000 (LARGE_WAVE).
 */
import type { AuthResultsRecord } from '../../../telemetry/ingest-record.types.js';
import { DAY, HOUR, iso, isoDay, longDate, MONTHS } from '../clock.js';
import { itemAt } from '../list.js';
import { WORDS } from '../names.data.js';
import type { Person } from '../organisation.state.js';
import { OCTETS } from '../places.data.js';
import { ipFromHash, Random } from '../random.js';
import { capitalise, compile, money, render, type Vars } from '../text.js';
import { idnLookalike, tenantGuid, wrapLink } from './link-wrap.js';
import { campaignTruth, emitMalicious, planCopies, variant, type Copy, type Fates, type ShapePlan } from './shape.plan.js';
import type { ShapeKind } from './shape.options.js';
import type { LinkWrapper, ShapeCampaignTruth } from './shape-truth.types.js';
import { IDN_LURE, PARENT_LURE, PARTIAL_LURE, WAVE_LURE, WRAPPED_LURE, type ShapeLure } from './shapes.data.js';

interface LinkCampaign {
  shape: ShapeKind;
  lure: ShapeLure;
  size: number;
  start: number;
  gapSeconds: readonly [number, number];
  fates: Fates;
  senderDomains: string[];
  ipCount: number;
  auth: AuthResultsRecord;
  /** The link a copy carries, and the URL a click on it reaches (they differ when a gateway rewrote it). */
  link(copy: Copy, person: Person): { inMail: string; clicked: string };
  /** The alerts: a user's report of a copy still in the inbox; then, for some, the clicked URL turning malicious. */
  trigger: 'REPORT' | 'REPORT_THEN_URL_VERDICT_CHANGE';
}

/** A usual mix of fates: some copies caught on arrival, some zapped later, some deleted or junked by users. */
const USUAL: Fates = { caught: 0.06, zapped: 0.1, deleted: 0.05, junked: 0.02, clicked: 0.06 };
/**
 * The filters missed it entirely: nothing caught, nothing zapped. A zapped or caught copy is evidence of its
 * own, and these shapes must be judged on the evidence they are about (a wrapped or parent-domain link, a
 * look-alike domain), not on a filter's verdict on a sibling copy.
 */
const MISSED: Fates = { caught: 0, zapped: 0, deleted: 0.05, junked: 0.02, clicked: 0.06 };

export function planLinkCampaigns(plan: ShapePlan): void {
  const { org, options } = plan;
  const size = options.campaignSize;
  const word = (rng: Random) => rng.pick(WORDS);
  if (plan.has('WRAPPED_LINKS')) {
    const rng = new Random(org.seed, 5101);
    const landing = `https://${plan.fresh(() => `${word(rng)}${word(rng)}-share.example`, plan.usedDomains)}/s/${rng.token(8)}/view.php`;
    const tenant = tenantGuid(rng);
    const wrappers: LinkWrapper[] = ['SAFE_LINKS', 'PROOFPOINT_V2', 'PROOFPOINT_V3'];
    const c = linkCampaign(plan, rng, {
      shape: 'WRAPPED_LINKS',
      lure: WRAPPED_LURE,
      size,
      start: plan.workday(3, 9),
      gapSeconds: [2, 40],
      fates: MISSED,
      senderDomains: [plan.fresh(() => `${word(rng)}-docs${rng.between(1, 99)}.example`, plan.usedDomains)],
      ipCount: 3,
      // A kit on a freshly registered domain with SPF, DKIM and DMARC set up: authentication says nothing.
      auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: 'pass', compauthReason: '100' },
      // Safe Links rewrites the tenant's own inbound mail; Proofpoint-wrapped copies came through partners' gateways.
      link: (copy, p) => {
        const wrapper = copy.n < wrappers.length ? itemAt(wrappers, copy.n) : rng.weighted(wrappers, [6, 2, 2]);
        return { inMail: wrapLink(wrapper, landing, p.address, tenant, rng), clicked: landing };
      },
      trigger: 'REPORT',
    });
    c.urls.push(landing);
    c.indicators.push({ kind: 'URL', value: landing });
    c.wrappedLinks = [];
  }
  if (plan.has('PARENT_DOMAIN_INDICATOR')) {
    const rng = new Random(org.seed, 5102);
    const parent = plan.fresh(() => `${word(rng)}${word(rng)}-cdn.example`, plan.usedDomains);
    const hosts = [`x${rng.between(1, 9)}.login.${parent}`, `m${rng.between(1, 9)}.auth.${parent}`, `login.${parent}`];
    const c = linkCampaign(plan, rng, {
      shape: 'PARENT_DOMAIN_INDICATOR',
      lure: PARENT_LURE,
      size,
      start: plan.workday(6, 10),
      gapSeconds: [2, 40],
      fates: { ...MISSED, clicked: 0.1 },
      senderDomains: [plan.fresh(() => `${word(rng)}-voice${rng.between(1, 99)}.example`, plan.usedDomains)],
      ipCount: 2,
      auth: { spf: 'pass', dkim: 'none', dmarc: 'none' },
      link: (copy, p) => {
        const url = `https://${variant(hosts, copy.n, rng)}/vm/${rng.token(10)}?u=${Buffer.from(p.address).toString('base64url')}`;
        return { inMail: url, clicked: url };
      },
      trigger: 'REPORT_THEN_URL_VERDICT_CHANGE',
    });
    c.urls.push(...hosts.map((h) => `https://${h}/vm/`));
    c.domains.push(...hosts);
    c.indicators.push({ kind: 'DOMAIN', value: parent });
  }
  if (plan.has('IDN_LOOKALIKE')) {
    const rng = new Random(org.seed, 5103);
    const domain = org.options.domain;
    const idn = idnLookalike(org.orgLabel, domain.slice(domain.indexOf('.') + 1), rng);
    plan.usedDomains.add(idn.ascii);
    const c = linkCampaign(plan, rng, {
      shape: 'IDN_LOOKALIKE',
      lure: IDN_LURE,
      size,
      start: plan.workday(9, 8),
      gapSeconds: [2, 40],
      fates: MISSED,
      senderDomains: [idn.ascii],
      ipCount: 2,
      // The attacker owns the look-alike domain: SPF passes for it; nothing aligns with the real one.
      auth: { spf: 'pass', dkim: 'none', dmarc: 'none', compauth: 'softfail', compauthReason: '001' },
      link: () => {
        const url = `https://${idn.ascii}/owa/auth/logon.aspx?replaceCurrent=1&token=${rng.token(12)}`;
        return { inMail: url, clicked: url };
      },
      trigger: 'REPORT',
    });
    c.urls.push(`https://${idn.ascii}/owa/auth/logon.aspx`);
    c.idn = { ...idn, imitates: domain };
  }
  if (plan.has('PARTIALLY_CLEANED')) {
    const rng = new Random(org.seed, 5104);
    const host = plan.fresh(() => `${word(rng)}-payroll${rng.between(1, 99)}.example`, plan.usedDomains);
    const c = linkCampaign(plan, rng, {
      shape: 'PARTIALLY_CLEANED',
      lure: PARTIAL_LURE,
      size,
      start: plan.workday(12, 9),
      gapSeconds: [2, 40],
      // About half the copies have left the inbox before anyone looks: zapped, deleted, junked or caught.
      fates: { caught: 0.08, zapped: 0.25, deleted: 0.12, junked: 0.08, clicked: 0.05 },
      senderDomains: [plan.fresh(() => `${word(rng)}-hr${rng.between(1, 99)}.example`, plan.usedDomains)],
      ipCount: 3,
      auth: { spf: 'fail', dkim: 'none', dmarc: 'fail' },
      link: () => {
        const url = `https://${host}/confirm/${rng.token(10)}`;
        return { inMail: url, clicked: url };
      },
      trigger: 'REPORT',
    });
    c.urls.push(`https://${host}/confirm/`);
    c.indicators.push({ kind: 'DOMAIN', value: host });
  }
  if (plan.has('LARGE_WAVE')) {
    const rng = new Random(org.seed, 5105);
    const hosts = [
      plan.fresh(() => `${word(rng)}-mailstore${rng.between(1, 99)}.example`, plan.usedDomains),
      plan.fresh(() => `${word(rng)}${word(rng)}-quota.example`, plan.usedDomains),
    ];
    // About two days of sending, whatever the size.
    const gap = Math.max(1, Math.floor((4 * DAY) / 1000 / options.waveSize));
    const c = linkCampaign(plan, rng, {
      shape: 'LARGE_WAVE',
      lure: WAVE_LURE,
      size: options.waveSize,
      start: plan.workday(16, 7),
      gapSeconds: [0, gap],
      fates: { ...USUAL, clicked: 0.02 },
      senderDomains: [
        plan.fresh(() => `${word(rng)}-mailsvc${rng.between(1, 99)}.example`, plan.usedDomains),
        plan.fresh(() => `${word(rng)}-postmaster${rng.between(1, 99)}.example`, plan.usedDomains),
      ],
      ipCount: 6,
      auth: { spf: 'softfail', dkim: 'none', dmarc: 'none' },
      link: (copy) => {
        const url = `https://${variant(hosts, copy.n, rng)}/upgrade?id=${rng.token(10)}`;
        return { inMail: url, clicked: url };
      },
      trigger: 'REPORT',
    });
    c.urls.push(...hosts.map((h) => `https://${h}/upgrade`));
    c.indicators.push({ kind: 'DOMAIN', value: itemAt(hosts, 0) });
  }
}

/** Plans one campaign's copies; returns its truth (filled as the copies are written). */
function linkCampaign(plan: ShapePlan, rng: Random, spec: LinkCampaign): ShapeCampaignTruth {
  const { org } = plan;
  const c = campaignTruth(spec.shape, spec.lure.name, 'PHISH');
  plan.truth.campaigns.push(c);
  const senders = spec.lure.senderLocals.map((local, i) => `${local}@${itemAt(spec.senderDomains, i % spec.senderDomains.length)}`);
  const ips = Array.from({ length: spec.ipCount }, () => plan.fresh(() => ipFromHash(OCTETS.campaign, rng.u32()), plan.usedIps));
  const mailer = plan.fresh(() => `${rng.pick(WORDS)}-bounce${rng.between(1, 99)}.example`, plan.usedDomains);
  c.senders.push(...senders);
  c.senderIps.push(...ips);
  c.returnPathDomains.push(mailer);
  c.domains.push(...spec.senderDomains);
  const subjects = spec.lure.subjects.map(compile);
  const paragraphs = spec.lure.paragraphs.map(compile);
  const signOff = compile(spec.lure.signOff);
  const copies = planCopies(org, rng, spec.size, spec.start, spec.gapSeconds, spec.fates, 'PHISH');
  // The trigger needs something to point at: a copy still in the inbox (reported), or an allowed click.
  const reported = copies.find((x) => x.location === 'INBOX') ?? itemAt(copies, 0);
  let clicked = copies.find((x) => x.click?.action === 'ALLOWED');
  if (spec.trigger === 'REPORT_THEN_URL_VERDICT_CHANGE' && !clicked) {
    clicked = reported;
    clicked.click = { at: clicked.at + rng.delay(30, 2, 120), action: 'ALLOWED' };
  }
  for (const copy of copies) {
    plan.add(copy.at, (out) => {
      const p = org.person(copy.user);
      const link = spec.link(copy, p);
      const vars = lureVars(rng, org.orgName, p, copy.at, link.inMail);
      const sender = variant(senders, copy.n, rng);
      const body = [...paragraphs.map((t) => render(t, vars)), render(signOff, vars)].join('\n\n');
      const id = emitMalicious(
        plan,
        c,
        copy,
        {
          sender,
          senderName: render(compile(spec.lure.senderName), vars),
          senderIp: variant(ips, copy.n, rng),
          returnPath: `bounce-${rng.token(6)}@${mailer}`,
          subject: render(variant(subjects, copy.n, rng), vars),
          body,
          urls: [link.inMail],
          auth: spec.auth,
          direction: 'INBOUND',
          internetMessageId: `<${rng.token(16)}@${sender.slice(sender.indexOf('@') + 1)}>`,
        },
        link.clicked,
        out,
      );
      if (c.wrappedLinks && link.inMail !== link.clicked) {
        const wrapper: LinkWrapper = link.inMail.includes('safelinks')
          ? 'SAFE_LINKS'
          : link.inMail.includes('/v2/')
            ? 'PROOFPOINT_V2'
            : 'PROOFPOINT_V3';
        c.wrappedLinks.push({ messageId: id, wrapper, wrapped: link.inMail, target: link.clicked });
      }
      if (copy === reported)
        plan.alert(copy.at + rng.delay(40, 10, 180), 'REPORT', 'USER_REPORTED', 'INFORMATIONAL', c.name, {
          messageId: id,
          user: p.address,
        });
      // The verdict changes after the report (hours after the first click), so the two alerts meet in one campaign.
      if (copy === clicked && spec.trigger === 'REPORT_THEN_URL_VERDICT_CHANGE' && copy.click)
        plan.alert(Math.max(copy.click.at, reported.at) + rng.between(4, 8) * HOUR, 'ALERT', 'URL_VERDICT_CHANGE', 'MEDIUM', c.name, {
          url: link.clicked,
          user: p.address,
        });
    });
  }
  return c;
}

/** Everything a lure may name, for one recipient. */
export function lureVars(rng: Random, orgName: string, p: Person, at: number, url: string): Vars {
  return {
    first: capitalise(p.first),
    address: p.address,
    org: orgName,
    url,
    ref: String(rng.between(100_000, 9_999_999)),
    amount: money(rng, 400, 48_000),
    ymd: isoDay(at),
    date: longDate(at),
    month: itemAt(MONTHS, new Date(at + 31 * DAY).getUTCMonth()),
    sharer: `${capitalise(rng.pick(WORDS))} ${capitalise(rng.pick(WORDS))}`,
    doc: `${capitalise(rng.pick(WORDS))} ${rng.pick(['proposal', 'contract', 'budget', 'review', 'statement'])} ${new Date(at).getUTCFullYear()}.pdf`,
    phone: `+1 (${rng.between(200, 989)}) ${rng.between(200, 989)}-${String(rng.between(0, 9999)).padStart(4, '0')}`,
    duration: `0:${String(rng.between(12, 59)).padStart(2, '0')}`,
    percent: String(rng.between(95, 99)),
    at: iso(at),
  };
}
