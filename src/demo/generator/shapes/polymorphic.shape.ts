/**
 * POLYMORPHIC_ATTACHMENTS: a malware campaign where nothing repeats that content matching would use —
 * every attachment is a new file (a new hash), every body a new draw of sentences, senders spread over
 * throwaway domains — while its infrastructure stays put: one sending /24 and one return-path domain.
 */
import { HOUR } from '../clock.js';
import { itemAt } from '../list.js';
import { WORDS } from '../names.data.js';
import { OCTETS } from '../places.data.js';
import { ipFromHash, Random, shuffle } from '../random.js';
import { compile, render } from '../text.js';
import { lureVars } from './link-campaigns.shape.js';
import { campaignTruth, emitMalicious, planCopies, variant, type ShapePlan } from './shape.plan.js';
import { POLYMORPHIC } from './shapes.data.js';

export function planPolymorphic(plan: ShapePlan): void {
  const { org } = plan;
  const rng = new Random(org.seed, 5106);
  const c = campaignTruth('POLYMORPHIC_ATTACHMENTS', POLYMORPHIC.name, 'MALWARE');
  plan.truth.campaigns.push(c);
  const net = ipFromHash(OCTETS.campaign, rng.u32()).split('.').slice(0, 3).join('.');
  const hosts = shuffle(
    Array.from({ length: 254 }, (_, i) => i + 1),
    rng,
  ).slice(0, 8);
  const ips = hosts.map((h) => `${net}.${h}`);
  for (const ip of ips) plan.usedIps.add(ip);
  const fromDomains = Array.from({ length: 5 }, () =>
    plan.fresh(() => `${rng.pick(WORDS)}${rng.pick(WORDS)}${rng.between(1, 99)}.example`, plan.usedDomains),
  );
  const returnPathDomain = plan.fresh(() => `${rng.pick(WORDS)}-mta${rng.between(1, 99)}.example`, plan.usedDomains);
  c.senderIps.push(...ips);
  c.returnPathDomains.push(returnPathDomain);
  c.domains.push(...fromDomains);
  const subjects = POLYMORPHIC.subjects.map(compile);
  const greetings = POLYMORPHIC.greetings.map(compile);
  const sentences = POLYMORPHIC.sentences.map(compile);
  const names = POLYMORPHIC.attachmentNames.map(compile);
  const copies = planCopies(
    org,
    rng,
    plan.options.campaignSize,
    plan.workday(14, 8),
    [5, 90],
    { caught: 0.1, zapped: 0.2, deleted: 0.05, junked: 0.02, clicked: 0 },
    'MALWARE',
  );
  // The trigger is a zap: make sure one copy was zapped.
  let zapped = copies.find((x) => x.zapAt > 0);
  if (!zapped) {
    zapped = copies.find((x) => x.location === 'INBOX') ?? itemAt(copies, 0);
    zapped.zapAt = zapped.at + 2 * HOUR;
    zapped.location = 'QUARANTINE';
    zapped.verdict = 'CLEAN';
  }
  for (const copy of copies) {
    plan.add(copy.at, (out) => {
      const p = org.person(copy.user);
      const vars = lureVars(rng, org.orgName, p, copy.at, '');
      const sender = `${rng.pick(POLYMORPHIC.senderLocals)}${rng.chance(0.5) ? rng.between(1, 99) : ''}@${rng.pick(fromDomains)}`;
      if (!c.senders.includes(sender)) c.senders.push(sender);
      const picked = shuffle(sentences, rng).slice(0, rng.between(2, 4));
      const body = [
        render(rng.pick(greetings), vars),
        picked.map((s) => render(s, vars)).join(' '),
        `Reference: ${vars.ref}`,
        rng.pick(POLYMORPHIC.signOffs),
      ].join('\n\n');
      // A new file for every copy: the kit re-packs the HTML each time.
      const sha256 = rng.sha256();
      c.sha256s.push(sha256);
      const id = emitMalicious(
        plan,
        c,
        copy,
        {
          sender,
          senderName: rng.pick(POLYMORPHIC.senderNames),
          senderIp: variant(ips, copy.n, rng),
          returnPath: `${rng.token(10)}@${returnPathDomain}`,
          subject: render(variant(subjects, copy.n, rng), vars),
          body,
          attachments: [{ name: render(variant(names, copy.n, rng), vars), sha256, size: rng.between(2_000, 40_000) }],
          // SPF passes for the return-path domain they run; nothing aligns with the From domains.
          auth: { spf: 'pass', dkim: 'none', dmarc: 'none' },
          direction: 'INBOUND',
          internetMessageId: `<${rng.token(16)}@${returnPathDomain}>`,
        },
        undefined,
        out,
      );
      if (copy === zapped)
        plan.alert(copy.zapAt + rng.between(1, 10) * 60_000, 'ALERT', 'MALWARE_ZAPPED', 'MEDIUM', c.name, {
          messageId: id,
          user: p.address,
          sha256,
        });
    });
  }
}
