/** The directory: the records without a natural time, which the stream starts with. */
import type { IndicatorRecord, IngestRecord } from '../../telemetry/ingest-record.types.js';
import { DAY, iso } from './clock.js';
import { DOMAIN_SUFFIXES } from './lures.data.js';
import { PARTNERS, VENDORS } from './mail.data.js';
import { DEPARTMENTS, FINANCE, WORDS } from './names.data.js';
import { PUBLISHERS } from './newsletters.data.js';
import { itemAt } from './list.js';
import type { Organisation } from './organisation.state.js';
import { OCTETS, OFFICE_IPS } from './places.data.js';
import { hash, ipFromHash, Random, unit } from './random.js';
import { pad } from './text.js';

/** Mailboxes, devices, installed files, standing inbox rules and threat intelligence: records without a natural time, streamed first. */
export function* directory(org: Organisation): Generator<IngestRecord, void, undefined> {
  const { seed } = org.options;
  for (const [u, p] of org.people.entries()) {
    yield {
      type: 'mailbox',
      id: org.id('mbx', u + 1, 6),
      address: p.address,
      displayName: p.displayName,
      department: itemAt(DEPARTMENTS, p.department),
    };
  }
  let device = 0;
  for (const [u, p] of org.people.entries()) {
    const tag = `${p.first.charAt(0)}${p.last}`.toUpperCase().slice(0, 10);
    device++;
    yield p.laptopIsMac
      ? { type: 'device', id: p.laptop, name: `MBP-${tag}`, user: p.address, os: 'macOS 15' }
      : { type: 'device', id: p.laptop, name: `LT-${tag}-${pad(u % 100, 2)}`, user: p.address, os: 'Windows 11' };
    if (unit(hash(seed, u, 3)) < 0.4) {
      device++;
      const ios = unit(hash(seed, u, 5)) < 0.6;
      yield {
        type: 'device',
        id: org.id('dev', device, 6),
        name: `${ios ? 'iPhone' : 'Android'}-${tag}`,
        user: p.address,
        os: ios ? 'iOS 18' : 'Android 15',
      };
    }
  }
  if (device !== org.deviceCount) throw new Error('internal: device numbering drifted');

  // Installed software: the same benign files on many laptops (a file hash seen widely is not a threat by itself).
  const rng = new Random(seed, 2);
  for (const p of org.people) {
    for (const f of org.commonFiles) {
      if (!rng.chance(0.5)) continue;
      yield {
        type: 'device_file',
        id: org.nextId('file'),
        device: p.laptop,
        sha256: f.sha256,
        path: p.laptopIsMac ? f.mac : f.windows,
        seenAt: iso(org.start - rng.between(1, 200) * DAY),
      };
    }
  }

  // Standing inbox rules, created before the window from the office.
  for (let u = 0; u < org.people.length; u++) {
    const h = unit(hash(seed, u, 6));
    if (h >= 0.1) continue;
    const p = org.person(u);
    const createdAt = iso(org.start - rng.between(2, 400) * DAY - rng.between(0, DAY));
    const createdFromIp = rng.pick(OFFICE_IPS[p.country]);
    const base = { type: 'inbox_rule' as const, id: org.nextId('rule'), mailbox: p.address, createdAt, createdFromIp };
    if (h < 0.015) {
      // An assistant or a deputy receives copies: forwarding, but inside the organisation.
      const other = org.person((u + 1 + rng.int(org.people.length - 1)) % org.people.length);
      yield { ...base, name: 'Forward to deputy', forwardTo: other.address };
    } else if (h < 0.02) {
      yield { ...base, name: 'Delete promotions', deleteMessages: true };
    } else if (p.department === FINANCE && h < 0.05) {
      yield { ...base, name: 'Invoices', moveToFolder: 'Invoices' };
    } else {
      yield { ...base, name: 'Newsletters', moveToFolder: rng.pick(['Newsletters', 'Reading', 'Later']) };
    }
  }

  yield* indicators(org, rng);
}

/**
 * Threat intelligence: some campaigns' domains, URLs, files, senders or IPs (never all of them, and
 * nothing at all for every fourth campaign), unrelated feed entries, and allow-listed legitimate senders.
 */
function* indicators(org: Organisation, rng: Random): Generator<IndicatorRecord, void, undefined> {
  const ind = (
    kind: IndicatorRecord['kind'],
    value: string,
    verdict: IndicatorRecord['verdict'],
    campaign?: string,
    source?: string,
  ): IndicatorRecord => {
    const r: IndicatorRecord = { type: 'indicator', id: org.nextId('ind'), kind, value, verdict };
    if (campaign) r.campaign = campaign;
    if (source) r.source = source;
    return r;
  };
  for (const c of org.campaigns) {
    if (!c.hasIndicators) continue;
    const source = rng.pick(['threat-intel-feed', 'vendor-feed', 'isac-sharing']);
    const name = c.lure.name;
    const [landingUrl] = c.landingUrls;
    if (landingUrl !== undefined) {
      yield ind('DOMAIN', new URL(landingUrl).hostname, 'MALICIOUS', name, source);
      if (rng.chance(0.5)) yield ind('URL', landingUrl, 'MALICIOUS', name, source);
    }
    const [attachment] = c.attachments;
    if (attachment) yield ind('FILE', attachment.sha256, 'MALICIOUS', name, source);
    // A campaign has two or three senders and two to five IPs (campaign.plan.ts).
    if (rng.chance(0.5)) yield ind('SENDER', itemAt(c.senders, c.senders.length - 1), 'SUSPICIOUS', name, source);
    if (rng.chance(0.4)) yield ind('IP', itemAt(c.senderIps, 0), 'SUSPICIOUS', name, source);
  }
  for (let i = 0; i < 12; i++) {
    const campaign = `Feed cluster ${rng.between(100, 999)}`;
    switch (i % 3) {
      case 0:
        yield ind(
          'DOMAIN',
          `${rng.pick(WORDS)}-${rng.pick(DOMAIN_SUFFIXES)}${rng.between(1, 99)}.example`,
          'MALICIOUS',
          campaign,
          'threat-intel-feed',
        );
        break;
      case 1:
        yield ind('IP', ipFromHash(OCTETS.spam, rng.u32()), 'SUSPICIOUS', campaign, 'threat-intel-feed');
        break;
      default:
        yield ind('FILE', rng.sha256(), 'MALICIOUS', campaign, 'vendor-feed');
    }
  }
  for (const p of PUBLISHERS) yield ind('DOMAIN', p.domain, 'CLEAN', undefined, 'allow-list');
  for (const v of VENDORS) yield ind('SENDER', `${v.mailbox}@${itemAt(PARTNERS, v.partner).domain}`, 'CLEAN', undefined, 'allow-list');
}
