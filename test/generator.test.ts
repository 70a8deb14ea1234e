import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  generateOrganisation,
  OrgGenerator,
  type GroundTruth,
  type OrganisationOptions,
} from '../src/demo/generator/organisation.generator.js';
import type { IngestRecord, MessageRecord, SignInRecord, UrlClickRecord, InboxRuleRecord } from '../src/telemetry/ingest-record.types.js';

// ---------------------------------------------------------------------------------------------
// The contract, written out from DESIGN.md's "Ingestion records" table (independently of the types)
// ---------------------------------------------------------------------------------------------

type FieldKind = 'string' | 'iso' | 'address' | 'boolean' | 'int' | 'string[]' | 'attachments' | 'auth' | readonly string[];
type Spec = Record<string, { kind: FieldKind; optional?: true }>;
const req = (kind: FieldKind) => ({ kind });
const opt = (kind: FieldKind) => ({ kind, optional: true as const });
const LOCATION = ['INBOX', 'JUNK', 'QUARANTINE', 'DELETED'];

const CONTRACT: Record<string, Spec> = {
  mailbox: { id: req('string'), address: req('address'), displayName: opt('string'), department: opt('string') },
  message: {
    id: req('string'),
    recipient: req('address'),
    sender: req('address'),
    senderIp: opt('string'),
    returnPath: opt('address'),
    subject: req('string'),
    body: req('string'),
    urls: opt('string[]'),
    attachments: opt('attachments'),
    receivedAt: req('iso'),
    location: req(LOCATION),
    verdict: opt(['CLEAN', 'SPAM', 'PHISH', 'MALWARE']),
    auth: opt('auth'),
    direction: opt(['INBOUND', 'OUTBOUND', 'INTERNAL']),
    internetMessageId: opt('string'),
  },
  raw_message: { id: req('string'), recipient: req('address'), receivedAt: req('iso'), location: opt(LOCATION), eml: req('string') },
  url_click: {
    id: req('string'),
    url: req('string'),
    user: req('address'),
    at: req('iso'),
    action: req(['ALLOWED', 'BLOCKED']),
    messageId: opt('string'),
  },
  sign_in: {
    id: req('string'),
    user: req('address'),
    ip: req('string'),
    country: opt('string'),
    at: req('iso'),
    risk: opt(['NONE', 'LOW', 'MEDIUM', 'HIGH']),
    result: req(['SUCCESS', 'FAILURE']),
  },
  inbox_rule: {
    id: req('string'),
    mailbox: req('address'),
    name: req('string'),
    forwardTo: opt('address'),
    deleteMessages: opt('boolean'),
    moveToFolder: opt('string'),
    createdAt: req('iso'),
    createdFromIp: opt('string'),
  },
  device: { id: req('string'), name: req('string'), user: opt('address'), os: opt('string') },
  device_file: { id: req('string'), device: req('string'), sha256: req('string'), path: opt('string'), seenAt: req('iso') },
  indicator: {
    id: req('string'),
    kind: req(['URL', 'DOMAIN', 'IP', 'FILE', 'SENDER']),
    value: req('string'),
    verdict: req(['MALICIOUS', 'SUSPICIOUS', 'CLEAN']),
    campaign: opt('string'),
    source: opt('string'),
  },
  zap: { id: req('string'), messageId: req('string'), at: req('iso'), reason: req(['PHISH', 'MALWARE']) },
  alert: {
    id: req('string'),
    kind: req([
      'USER_REPORTED',
      'URL_VERDICT_CHANGE',
      'MALWARE_ZAPPED',
      'PHISH_ZAPPED',
      'USER_COMPROMISED',
      'RISKY_SIGN_IN',
      'SUSPICIOUS_INBOX_RULE',
      'SUSPICIOUS_SENDING',
      'MASS_DOWNLOAD',
      'MANUAL',
    ]),
    at: req('iso'),
    severity: opt(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH']),
    messageId: opt('string'),
    url: opt('string'),
    user: opt('address'),
    sha256: opt('string'),
  },
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ADDRESS = /^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Every problem with one record, as text; empty when it matches the contract exactly. */
function contractProblems(record: Record<string, unknown>): string[] {
  const spec = CONTRACT[record.type as string];
  if (!spec) return [`unknown type ${JSON.stringify(record.type)}`];
  const problems: string[] = [];
  const ok = (kind: FieldKind, v: unknown): boolean => {
    if (Array.isArray(kind)) return kind.includes(v as string);
    switch (kind) {
      case 'string':
        return typeof v === 'string' && v.length > 0;
      case 'iso':
        return typeof v === 'string' && ISO.test(v) && new Date(v).toISOString() === v;
      case 'address':
        return typeof v === 'string' && ADDRESS.test(v);
      case 'boolean':
        return typeof v === 'boolean';
      case 'int':
        return Number.isInteger(v);
      case 'string[]':
        return Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
      case 'attachments':
        return (
          Array.isArray(v) &&
          v.every(
            (a) =>
              typeof a.name === 'string' &&
              SHA256.test(a.sha256) &&
              (a.size === undefined || Number.isInteger(a.size)) &&
              Object.keys(a).every((k) => ['name', 'sha256', 'size'].includes(k)),
          )
        );
      case 'auth':
        return (
          typeof v === 'object' &&
          v !== null &&
          Object.keys(v).sort().join() === 'dkim,dmarc,spf' &&
          Object.values(v).every((x) => typeof x === 'string')
        );
    }
    return false;
  };
  for (const [field, { kind, optional }] of Object.entries(spec)) {
    const v = record[field];
    if (v === undefined) {
      if (!optional) problems.push(`${record.type}.${field} is missing`);
    } else if (!ok(kind, v)) problems.push(`${record.type}.${field} is ${JSON.stringify(v)}`);
  }
  for (const field of Object.keys(record))
    if (field !== 'type' && !(field in spec)) problems.push(`${record.type} has unknown field ${field}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function generate(options: OrganisationOptions): { records: IngestRecord[]; truth: GroundTruth } {
  const records: IngestRecord[] = [];
  const it = generateOrganisation(options);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { records, truth: r.value };
    records.push(r.value);
  }
}

/** Word-trigram Jaccard similarity: the kind of fingerprint similarity hunting uses. */
function shingles(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}
function similarity(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const s of a) if (b.has(s)) common++;
  return common / (a.size + b.size - common || 1);
}

const ORG: OrganisationOptions = { mailboxes: 200, messages: 30_000, campaigns: 6, seed: 42 };
let org: { records: IngestRecord[]; truth: GroundTruth };
let messages: Map<string, MessageRecord>;
let campaignOf: Map<string, string>;
beforeAll(() => {
  org = generate(ORG);
  messages = new Map(org.records.filter((r): r is MessageRecord => r.type === 'message').map((m) => [m.id, m]));
  campaignOf = new Map(org.truth.campaigns.flatMap((c) => c.messageIds.map((id) => [id, c.name] as const)));
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

test('same options give identical output; another seed gives another organisation', () => {
  const digest = (options: OrganisationOptions) => {
    const hash = createHash('sha256');
    const { records, truth } = generate(options);
    for (const r of records) hash.update(JSON.stringify(r) + '\n');
    hash.update(JSON.stringify(truth));
    return hash.digest('hex');
  };
  const small = { mailboxes: 40, messages: 3_000, campaigns: 3, seed: 7 };
  expect(digest(small)).toBe(digest(small));
  expect(digest({ ...small, seed: 8 })).not.toBe(digest(small));
  expect(digest({ ...small, start: new Date('2027-01-04T00:00:00Z') })).not.toBe(digest(small));
});

test('every record has exactly the fields DESIGN.md requires, with the right types, and a unique id', () => {
  const problems = org.records.flatMap((r) => contractProblems(r as unknown as Record<string, unknown>));
  expect(problems.slice(0, 10)).toEqual([]);
  const ids = new Set(org.records.map((r) => r.id));
  expect(ids.size).toBe(org.records.length);
  const prefixes = { mailbox: 'mbx-', message: 'msg-', url_click: 'clk-', sign_in: 'sgn-', inbox_rule: 'rule-', device: 'dev-' };
  expect(org.records.filter((r) => r.type in prefixes && !r.id.startsWith(prefixes[r.type as keyof typeof prefixes]))).toEqual([]);
  // Exactly the message count asked for; every type the generator promises is present.
  expect(messages.size).toBe(ORG.messages);
  for (const type of Object.keys(CONTRACT).filter((t) => t !== 'raw_message'))
    expect(org.truth.counts.byType[type as IngestRecord['type']]).toBeGreaterThan(0);
  expect(org.truth.counts.records).toBe(org.records.length);
  const byOrigin = org.truth.counts.messages;
  expect(Object.values(byOrigin).reduce((a, b) => a + b, 0)).toBe(ORG.messages);
});

test('references resolve, and some clicks arrive before the message they came from', () => {
  const seen = new Set<string>();
  const all = new Set(org.records.map((r) => r.id));
  const devices = new Set(org.records.filter((r) => r.type === 'device').map((r) => r.id));
  const mailboxes = new Set(org.records.flatMap((r) => (r.type === 'mailbox' ? [r.address] : [])));
  let early = 0;
  const dangling: string[] = [];
  for (const r of org.records) {
    if (r.type === 'url_click' && r.messageId) {
      if (!all.has(r.messageId)) dangling.push(r.id);
      else if (!seen.has(r.messageId)) {
        early++;
        // Early in the stream, never early in time.
        if (Date.parse(r.at) <= Date.parse(messages.get(r.messageId)!.receivedAt)) dangling.push(r.id);
      }
    }
    if ((r.type === 'zap' || r.type === 'alert') && r.messageId && !messages.has(r.messageId)) dangling.push(r.id);
    if (r.type === 'device_file' && !devices.has(r.device)) dangling.push(r.id);
    if (r.type === 'message' && !mailboxes.has(r.recipient)) dangling.push(r.id);
    seen.add(r.id);
  }
  expect(dangling).toEqual([]);
  expect(early).toBeGreaterThan(0);
});

test('each campaign has at least 20 messages from one template, with the variations real campaigns have', () => {
  const ordinary = [...messages.values()].filter((m) => !campaignOf.has(m.id));
  const ordinarySample = ordinary.filter((_, i) => i % 50 === 0).map((m) => shingles(m.body));
  const total = org.truth.campaigns.reduce((n, c) => n + c.messageIds.length, 0);
  expect(total / ORG.messages).toBeLessThan(0.05);
  expect(new Set(org.truth.campaigns.map((c) => c.name)).size).toBe(ORG.campaigns);
  expect(org.truth.campaigns.some((c) => c.kind === 'MALWARE')).toBe(true);
  expect(org.truth.campaigns.some((c) => !c.hasIndicators)).toBe(true);

  for (const c of org.truth.campaigns) {
    const mail = c.messageIds.map((id) => messages.get(id)!);
    expect(mail.length).toBeGreaterThanOrEqual(20);
    expect(mail.every(Boolean)).toBe(true);
    // Variation: subjects, greetings, senders, IPs, recipients' own tracking links.
    expect(new Set(mail.map((m) => m.subject)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(mail.map((m) => m.body.split('\n')[0])).size).toBeGreaterThanOrEqual(2);
    expect(new Set(mail.map((m) => m.sender)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(mail.map((m) => m.senderIp)).size).toBeGreaterThanOrEqual(2);
    const offTemplate = mail.filter(
      (m) =>
        !c.senders.includes(m.sender) ||
        !c.senderIps.includes(m.senderIp!) ||
        !c.domains.includes(m.sender.split('@')[1] ?? '') ||
        m.direction !== 'INBOUND' ||
        !(m.urls ?? []).every((u) => c.urls.some((base) => u.startsWith(base + '?'))) ||
        !(m.attachments ?? []).every((a) => c.sha256s.includes(a.sha256)),
    );
    expect(offTemplate).toEqual([]);
    if (c.urls.length > 0) {
      const links = mail.map((m) => m.urls?.[0]);
      expect(new Set(links).size).toBe(links.length); // per-recipient tracking parameters
    }
    if (c.kind === 'MALWARE') expect(new Set(mail.map((m) => m.attachments?.[0]?.name)).size).toBeGreaterThanOrEqual(2);
    // Mostly got through as CLEAN: that is why an investigation is needed.
    expect(mail.filter((m) => m.verdict === 'CLEAN').length / mail.length).toBeGreaterThan(0.6);
    // Look-alike sender domains do not authenticate cleanly.
    expect(mail.every((m) => m.auth!.dkim !== 'pass' && m.auth!.dmarc !== 'pass')).toBe(true);

    // One template: every message resembles the campaign's first far more than it resembles ordinary mail.
    const first = shingles(mail[0]!.body); // at least 20, checked above
    const within = mail.slice(1).map((m) => similarity(first, shingles(m.body)));
    expect(Math.min(...within)).toBeGreaterThan(0.45);
    const outside = Math.max(...ordinarySample.map((s) => similarity(first, s)));
    expect(outside).toBeLessThan(0.1);
    for (const other of org.truth.campaigns.filter((o) => o !== c))
      expect(similarity(first, shingles(messages.get(other.messageIds[0]!)!.body))).toBeLessThan(0.1);
  }

  // Nothing outside a campaign shares its sender, IP, link host or file: the truth is exact.
  const senders = new Set(org.truth.campaigns.flatMap((c) => c.senders));
  const ips = new Set(org.truth.campaigns.flatMap((c) => c.senderIps));
  const hosts = new Set(org.truth.campaigns.flatMap((c) => c.urls.map((u) => new URL(u).hostname)));
  const files = new Set(org.truth.campaigns.flatMap((c) => c.sha256s));
  const overlaps = ordinary.filter(
    (m) =>
      senders.has(m.sender) ||
      ips.has(m.senderIp ?? '') ||
      (m.urls ?? []).some((u) => hosts.has(new URL(u).hostname)) ||
      (m.attachments ?? []).some((a) => files.has(a.sha256)),
  );
  expect(overlaps.map((m) => m.id)).toEqual([]);
});

test('newsletters are near-identical, in no campaign, and one is reported as the benign case', () => {
  const newsletters = org.truth.benignBulk.filter((b) => b.kind === 'NEWSLETTER');
  expect(newsletters.length).toBeGreaterThan(0);
  for (const b of org.truth.benignBulk) {
    const mail = [...messages.values()].filter((m) => m.sender === b.sender);
    expect(mail.length).toBe(b.messageCount);
    for (const id of b.sampleMessageIds) expect(messages.get(id)?.sender).toBe(b.sender);
    expect(mail.some((m) => campaignOf.has(m.id))).toBe(false);
    expect(mail.every((m) => m.verdict === 'CLEAN')).toBe(true);
    if (b.kind === 'NEWSLETTER') expect(mail.every((m) => m.auth?.dmarc === 'pass')).toBe(true);
  }
  for (const b of newsletters) {
    const issues = new Map<string, MessageRecord[]>();
    for (const m of messages.values()) if (m.sender === b.sender) issues.set(m.subject, [...(issues.get(m.subject) ?? []), m]);
    for (const mail of issues.values()) {
      const first = shingles(mail[0]!.body); // a subject is in the map once it has a message
      for (const m of mail.slice(1, 30)) expect(similarity(first, shingles(m.body))).toBeGreaterThan(0.7);
      const links = mail.map((m) => m.urls?.[0]);
      expect(new Set(links).size).toBe(links.length); // tracking ids, like a campaign's
    }
  }
  const benign = org.truth.alerts.filter((a) => a.benign);
  expect(benign.map((a) => a.benign).sort()).toEqual(['INVOICE', 'NEWSLETTER']);
  for (const a of benign) {
    expect(a.campaign).toBeNull();
    expect(campaignOf.has(a.messageId!)).toBe(false);
  }
});

test('compromised users clicked, then signed in at HIGH risk from a new country, then got a forwarding or deleting rule from that IP', () => {
  const { truth, records } = org;
  expect(truth.compromisedUsers.length).toBeGreaterThan(0);
  const clicks = records.filter((r): r is UrlClickRecord => r.type === 'url_click');
  const signIns = records.filter((r): r is SignInRecord => r.type === 'sign_in');
  const rules = records.filter((r): r is InboxRuleRecord => r.type === 'inbox_rule');
  const campaignUrl = (url: string) => truth.campaigns.some((c) => c.urls.some((base) => url.startsWith(base + '?')));

  for (const k of truth.compromises) {
    const click = clicks.find((c) => c.id === k.clickId)!;
    expect(click).toMatchObject({ user: k.user, action: 'ALLOWED' });
    expect(campaignUrl(click.url)).toBe(true);
    const risky = signIns.find((s) => s.id === k.signInId)!;
    expect(risky).toMatchObject({ user: k.user, risk: 'HIGH', result: 'SUCCESS', ip: k.signInIp, country: k.country });
    expect(Date.parse(risky.at)).toBeGreaterThan(Date.parse(click.at));
    const earlier = signIns.filter((s) => s.user === k.user && Date.parse(s.at) < Date.parse(risky.at));
    expect(earlier.length).toBeGreaterThan(0);
    expect(earlier.some((s) => s.country === k.country)).toBe(false);
    const rule = rules.find((r) => r.id === k.ruleId)!;
    expect(rule).toMatchObject({ mailbox: k.user, createdFromIp: k.signInIp });
    expect(Date.parse(rule.createdAt)).toBeGreaterThan(Date.parse(risky.at));
    const forwardsOut = rule.forwardTo !== undefined && !rule.forwardTo.endsWith(`@${truth.options.domain}`);
    expect(forwardsOut || rule.deleteMessages === true).toBe(true);
  }

  // No clean user looks like that: no HIGH-risk sign-in, no rule forwarding outside the organisation.
  const compromised = new Set(truth.compromisedUsers);
  expect(signIns.filter((s) => !compromised.has(s.user) && s.risk === 'HIGH')).toEqual([]);
  expect(rules.filter((r) => !compromised.has(r.mailbox) && r.forwardTo && !r.forwardTo.endsWith(`@${truth.options.domain}`))).toEqual([]);
  // Clean users do look odd in milder ways, so playbooks cannot flag on one signal.
  expect(signIns.some((s) => s.risk === 'LOW' && s.result === 'SUCCESS' && !compromised.has(s.user))).toBe(true);
  expect(signIns.some((s) => s.risk === 'MEDIUM' && s.result === 'FAILURE')).toBe(true);
});

test('the ground truth agrees with the records', () => {
  const { truth, records } = org;
  const byId = new Map(records.map((r) => [r.id, r]));
  const clicks = records.filter((r): r is UrlClickRecord => r.type === 'url_click');
  for (const c of truth.campaigns) {
    for (const id of c.messageIds) expect(byId.get(id)?.type).toBe('message');
    expect(c.messageIds).toContain(c.reportedMessageId);
    expect(byId.get(c.reportAlertId)).toMatchObject({ type: 'alert', kind: 'USER_REPORTED', messageId: c.reportedMessageId });
    expect(Object.values(c.locations).reduce((a, b) => a + b, 0)).toBe(c.messageIds.length);
    for (const id of c.zappedMessageIds) expect(records.some((r) => r.type === 'zap' && r.messageId === id)).toBe(true);
    for (const device of c.infectedDevices)
      expect(records.some((r) => r.type === 'device_file' && r.device === device && c.sha256s.includes(r.sha256))).toBe(true);
    if (c.kind === 'MALWARE') expect(c.infectedDevices.length).toBeGreaterThan(0);
    for (const user of c.clickedUsers)
      expect(clicks.some((k) => k.user === user && c.urls.some((base) => k.url.startsWith(base + '?')))).toBe(true);
  }
  for (const user of truth.clickedUsers) expect(truth.campaigns.some((c) => c.clickedUsers.includes(user))).toBe(true);
  expect(truth.compromisedUsers.every((u) => truth.clickedUsers.includes(u))).toBe(true);
  // Every alert is in the truth, saying which campaign (if any) it is about.
  const alerts = records.filter((r) => r.type === 'alert');
  expect(truth.alerts.map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
  for (const a of truth.alerts) if (a.campaign && a.messageId) expect(campaignOf.get(a.messageId)).toBe(a.campaign);
  expect(truth.alerts.filter((a) => a.kind === 'USER_REPORTED' && a.campaign).length).toBe(ORG.campaigns);
  expect(truth.alerts.some((a) => a.kind === 'RISKY_SIGN_IN')).toBe(true);
  // Indicators name some campaigns, never all.
  const named = new Set(records.flatMap((r) => (r.type === 'indicator' && r.campaign ? [r.campaign] : [])));
  for (const c of truth.campaigns) expect(named.has(c.name)).toBe(c.hasIndicators);
});

test('generation streams: 200,000 messages without the heap growing with them', () => {
  // heapUsed alone says little inside Jest (garbage waits for a major GC); measure what survives a full GC.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const generator = new OrgGenerator({ mailboxes: 2_000, messages: 200_000, campaigns: 10, seed: 3 });
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let retained = 0;
  let records = 0;
  let messageCount = 0;
  for (const r of generator.records()) {
    records++;
    if (r.type === 'message') messageCount++;
    if (records % 50_000 === 0) {
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed - baseline);
    }
  }
  const truth = generator.truth();
  expect(messageCount).toBe(200_000);
  expect(truth.counts.records).toBe(records);
  // The records themselves would be ≈ 200 MB; what stays is the plan and the campaign ids (≈ 2 MB measured).
  expect(retained).toBeLessThan(20 * 1024 * 1024);
  expect(() => [...generator.records()]).toThrow(/only once/);
});

test('bad options are refused with the option named', () => {
  expect(() => new OrgGenerator({ mailboxes: 5, messages: 1000, campaigns: 1, seed: 1 })).toThrow(
    /^mailboxes must be a whole number from 10/,
  );
  expect(() => new OrgGenerator({ mailboxes: 50, messages: 1000, campaigns: 99, seed: 1 })).toThrow(/^campaigns must be/);
  expect(() => new OrgGenerator({ mailboxes: 50, messages: 100, campaigns: 3, seed: 1 })).toThrow(
    /^messages must be at least 80 per campaign/,
  );
  expect(() => new OrgGenerator({ mailboxes: 50, messages: 1000, campaigns: 1, seed: 1.5 })).toThrow(/^seed must be/);
  expect(() => new OrgGenerator({ mailboxes: 50, messages: 1000, campaigns: 1, seed: 1, domain: 'Not A Domain' })).toThrow(
    /^domain must be/,
  );
  const g = new OrgGenerator({ mailboxes: 50, messages: 1000, campaigns: 1, seed: 1 });
  expect(() => g.truth()).toThrow(/only after records\(\) has been iterated/);
});

describe('npm run generate', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'air-generate-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));
  /** The compiled CLI (global setup built dist/), run as `npm run generate` runs it. */
  const generateCli = (args: string[]) =>
    run(process.execPath, [path.resolve('dist/src/cli/generate.js'), ...args], { cwd: dir, maxBuffer: 256 * 1024 * 1024 });

  test('writes NDJSON to stdout, the truth to --truth, and a summary to stderr', async () => {
    const { stdout, stderr } = await generateCli([
      '--mailboxes',
      '60',
      '--messages',
      '4000',
      '--campaigns',
      '2',
      '--seed',
      '5',
      '--truth',
      'truth.json',
    ]);
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((l) => JSON.parse(l) as IngestRecord);
    expect(records.filter((r) => r.type === 'message')).toHaveLength(4000);
    expect(records.flatMap((r) => contractProblems(r as unknown as Record<string, unknown>))).toEqual([]);
    const truth = JSON.parse(await fs.readFile(path.join(dir, 'truth.json'), 'utf8')) as GroundTruth;
    expect(truth.campaigns).toHaveLength(2);
    expect(truth.counts.records).toBe(records.length);
    expect(stderr).toMatch(
      /^generate: [\d,]+ records \(4,000 messages, 2 campaigns, \d+ compromised users\).* records\/s; truth in truth\.json\n$/,
    );
    // The library and the CLI produce the same organisation.
    const again = generate({ mailboxes: 60, messages: 4000, campaigns: 2, seed: 5 });
    expect(again.records.map((r) => JSON.stringify(r)).join('\n') + '\n').toBe(stdout);
  });

  test.each([
    [['--messages', '1000', '--campaigns', '1'], /--mailboxes is required/],
    [['--mailboxes', 'many', '--messages', '1000', '--campaigns', '1'], /--mailboxes must be a whole number, but got 'many'/],
    [['--mailboxes', '50', '--messages', '1e6', '--campaigns', '1'], /--messages must be a whole number, but got '1e6'/],
    [['--mailboxes', '50', '--messages', '1000', '--campaigns', '25'], /--campaigns must be a whole number from 0 to 24, but got 25/],
    [['--mailboxes', '50', '--messages', '100', '--campaigns', '3'], /--messages must be at least 80 per campaign/],
    [['--mailboxes', '50', '--messages', '1000', '--campaigns', '1', '--start', 'yesterday'], /--start must be an ISO 8601 date/],
    [['--mailboxes', '50', '--messages', '1000', '--campaigns', '1', '--truth', '/nonexistent/dir/t.json'], /--truth cannot be written/],
    [['--mailboxes', '50', '--bogus'], /Unknown option '--bogus'/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const err = await generateCli(args).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect(err).toMatchObject({ code: 2, stdout: '' });
    expect((err as { stderr: string }).stderr).toMatch(message);
  });
});
