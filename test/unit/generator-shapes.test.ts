/**
 * The campaign shapes of the organisation generator (src/demo/generator/shapes): each shape's ground-truth
 * invariants, checked on the records themselves, so a scorer that trusts the truth scores the right thing.
 * The link decoders here are written from the vendors' formats, independently of the generator's encoders.
 */
import url from 'node:url';
import {
  OrgGenerator,
  type GroundTruth,
  type ShapeCampaignTruth,
  type ShapesTruth,
} from '../../src/demo/generator/organisation.generator.js';
import { resolveShapeOptions, SHAPE_KINDS } from '../../src/demo/generator/shapes/shape.options.js';
import type { IndicatorRecord, IngestRecord, MessageRecord, SignInRecord } from '../../src/telemetry/ingest-record.types.js';

const OPTIONS = { mailboxes: 200, messages: 6_000, campaigns: 1, seed: 11, shapes: { waveSize: 400, campaignSize: 30, notifications: 40 } };
const records: IngestRecord[] = [];
let truth: GroundTruth;
let shapes: ShapesTruth;
const messages = new Map<string, MessageRecord>();

beforeAll(() => {
  const generator = new OrgGenerator(OPTIONS);
  for (const r of generator.records()) {
    records.push(r);
    if (r.type === 'message') messages.set(r.id, r);
  }
  truth = generator.truth();
  shapes = truth.shapes!;
});

const campaign = (shape: ShapeCampaignTruth['shape']) => {
  const c = shapes.campaigns.find((x) => x.shape === shape);
  if (!c) throw new Error(`no ${shape} campaign`);
  return c;
};
const message = (id: string) => {
  const m = messages.get(id);
  if (!m) throw new Error(`no message ${id}`);
  return m;
};
const indicators = () => records.filter((r): r is IndicatorRecord => r.type === 'indicator');
const hostOf = (link: string) => new URL(link).hostname;

/** Safe Links: the target is the `url` query parameter. */
function decodeSafeLinks(link: string): string {
  return new URL(link).searchParams.get('url') ?? '';
}
/** Proofpoint v2: `u` with `-XX` for percent escapes and `_` for `/`. */
function decodeProofpointV2(link: string): string {
  const u = /[?&]u=([^&]+)/.exec(link)?.[1] ?? '';
  return decodeURIComponent(u.replace(/_/g, '/').replace(/-([0-9A-F]{2})/g, '%$1'));
}
/** Proofpoint v3: the URL between `__` and `__;`, each `*` replaced by the next character of the base64url bytes after `;`. */
function decodeProofpointV3(link: string): string {
  const m = /\/v3\/__(.+?)__;([^!]*)!/.exec(link);
  if (!m) return '';
  const replaced = [...Buffer.from(m[2]!, 'base64url').toString('utf8')];
  return m[1]!.replace(/\*/g, () => replaced.shift() ?? '');
}

describe('off by default', () => {
  it('an organisation without `shapes` has no shape truth, no shape mail, and the same records as `shapes: null`', () => {
    const plain = { mailboxes: 30, messages: 400, campaigns: 1, seed: 5 };
    const a = new OrgGenerator(plain);
    const aLines = [...a.records()].map((r) => JSON.stringify(r));
    const b = new OrgGenerator({ ...plain, shapes: null });
    const bLines = [...b.records()].map((r) => JSON.stringify(r));
    expect(bLines).toEqual(aLines);
    expect(a.truth().shapes).toBeUndefined();
    expect(a.truth().counts.messages.shapes).toBe(0);
  });

  it('options are checked with the field named', () => {
    expect(() => resolveShapeOptions({ waveSize: 5 })).toThrow(/^shapes\.waveSize must be a whole number from 20/);
    expect(() => resolveShapeOptions({ kinds: ['NOPE' as never] })).toThrow(/^shapes\.kinds must hold only/);
    expect(resolveShapeOptions({}).waveSize).toBeGreaterThan(10_000);
    expect(() => new OrgGenerator({ mailboxes: 30, messages: 400, campaigns: 0, seed: 1, shapes: {} })).toThrow(
      /^messages must leave room/,
    );
  });
});

describe('every shape', () => {
  it('is present, the message count stays exact, and campaign messages are disjoint from legitimate ones', () => {
    expect(shapes.campaigns.map((c) => c.shape).sort()).toEqual([...SHAPE_KINDS].sort());
    expect(messages.size).toBe(OPTIONS.messages);
    expect(Object.values(truth.counts.messages).reduce((a, b) => a + b, 0)).toBe(OPTIONS.messages);
    const malicious = shapes.campaigns.flatMap((c) => c.messageIds);
    const legitimate = shapes.legitimate.flatMap((g) => g.messageIds);
    expect(new Set(malicious).size).toBe(malicious.length);
    expect(legitimate.filter((id) => malicious.includes(id))).toEqual([]);
    expect(truth.counts.messages.shapes).toBe(malicious.length + legitimate.length);
    for (const c of shapes.campaigns) {
      const locations = c.messageIds.map((id) => message(id).location);
      expect(c.inMailboxIds).toEqual(c.messageIds.filter((id) => ['INBOX', 'JUNK'].includes(message(id).location)));
      expect(Object.values(c.locations).reduce((a, b) => a + b, 0)).toBe(locations.length);
    }
  });

  it('has alerts in time order that name ingested messages, streamed with the same ids', () => {
    const streamed = new Map(records.flatMap((r) => (r.type === 'alert' ? [[r.id, r] as const] : [])));
    const times = shapes.alerts.map((a) => a.at);
    expect(times).toEqual([...times].sort());
    for (const c of shapes.campaigns) expect(shapes.alerts.some((a) => a.campaign === c.name)).toBe(true);
    for (const a of shapes.alerts) {
      expect(streamed.get(a.id)).toMatchObject({ kind: a.kind });
      if (a.messageId) expect(messages.has(a.messageId)).toBe(true);
      if (a.raise === 'REPORT') expect(a.user).toBe(message(a.messageId!).recipient);
      if (a.campaign) expect(shapes.campaigns.map((c) => c.name)).toContain(a.campaign);
    }
  });
});

describe('WRAPPED_LINKS', () => {
  it('wraps every link with Safe Links or Proofpoint v2/v3, and each decodes to the URL intelligence lists', () => {
    const c = campaign('WRAPPED_LINKS');
    const [listed] = c.indicators;
    expect(listed?.kind).toBe('URL');
    expect(indicators().some((i) => i.kind === 'URL' && i.value === listed!.value && i.verdict === 'MALICIOUS')).toBe(true);
    expect(c.wrappedLinks).toHaveLength(c.messageIds.length);
    const decode = { SAFE_LINKS: decodeSafeLinks, PROOFPOINT_V2: decodeProofpointV2, PROOFPOINT_V3: decodeProofpointV3 };
    for (const w of c.wrappedLinks!) {
      const m = message(w.messageId);
      expect(m.urls).toEqual([w.wrapped]);
      expect(m.body).toContain(w.wrapped);
      expect(hostOf(w.wrapped)).not.toBe(hostOf(listed!.value));
      expect(decode[w.wrapper](w.wrapped)).toBe(listed!.value);
    }
    expect(new Set(c.wrappedLinks!.map((w) => w.wrapper))).toEqual(new Set(['SAFE_LINKS', 'PROOFPOINT_V2', 'PROOFPOINT_V3']));
    expect(new Set(c.wrappedLinks!.map((w) => w.wrapped)).size).toBe(c.messageIds.length);
  });

  it('was missed by the filters: no copy caught or zapped', () => {
    const c = campaign('WRAPPED_LINKS');
    expect(c.zappedMessageIds).toEqual([]);
    expect(c.messageIds.every((id) => message(id).verdict === 'CLEAN')).toBe(true);
  });
});

describe('PARENT_DOMAIN_INDICATOR', () => {
  it('links to hosts below the listed parent domain, and intelligence lists no host itself', () => {
    const c = campaign('PARENT_DOMAIN_INDICATOR');
    const parent = c.indicators[0]!.value;
    expect(c.indicators).toEqual([{ kind: 'DOMAIN', value: parent }]);
    const hosts = new Set(c.messageIds.flatMap((id) => message(id).urls ?? []).map(hostOf));
    expect(hosts.size).toBeGreaterThan(1);
    for (const h of hosts) expect(h.endsWith(`.${parent}`)).toBe(true);
    const listed = new Set(indicators().map((i) => i.value));
    for (const h of hosts) expect(listed.has(h)).toBe(false);
    expect(shapes.alerts.filter((a) => a.campaign === c.name).map((a) => a.kind)).toEqual(['USER_REPORTED', 'URL_VERDICT_CHANGE']);
  });
});

describe('IDN_LOOKALIKE', () => {
  it('sends from and links to a punycode domain that reads as the organisation’s own, with no intelligence', () => {
    const c = campaign('IDN_LOOKALIKE');
    const idn = c.idn!;
    expect(idn.ascii).toMatch(/^xn--/);
    expect(url.domainToUnicode(idn.ascii)).toBe(idn.unicode);
    expect(idn.unicode).toMatch(/[\u0400-\u04ff]/);
    expect(idn.unicode).toMatch(/[a-z]/);
    const latin: Record<string, string> = { а: 'a', с: 'c', е: 'e', і: 'i', ј: 'j', о: 'o', р: 'p', ѕ: 's', х: 'x', у: 'y' };
    expect([...idn.unicode].map((ch) => latin[ch] ?? ch).join('')).toBe(truth.options.domain);
    expect(c.indicators).toEqual([]);
    for (const id of c.messageIds) {
      const m = message(id);
      expect(m.sender.endsWith(`@${idn.ascii}`)).toBe(true);
      expect(hostOf(m.urls![0]!)).toBe(idn.ascii);
    }
    expect(indicators().some((i) => i.value.includes(idn.ascii))).toBe(false);
  });
});

describe('REPLY_CHAIN_HIJACK', () => {
  const announcement = () => shapes.legitimate.find((g) => g.kind === 'ANNOUNCEMENT')!;

  it('the announcement reaches every mailbox through the one relay, and every copy is labelled legitimate', () => {
    const g = announcement();
    expect(g.messageIds).toHaveLength(OPTIONS.mailboxes);
    const copies = g.messageIds.map(message);
    expect(new Set(copies.map((m) => m.recipient)).size).toBe(OPTIONS.mailboxes);
    expect(new Set(copies.map((m) => m.senderIp))).toEqual(new Set(g.senderIps));
    expect(new Set(copies.map((m) => m.internetMessageId)).size).toBe(1);
    expect(copies.every((m) => m.direction === 'INTERNAL' && m.sender === g.sender)).toBe(true);
    expect(shapes.legitimateSenders).toContain(g.sender);
    for (const c of shapes.campaigns) expect(c.messageIds.filter((id) => g.messageIds.includes(id))).toEqual([]);
  });

  it('the reply comes from the compromised colleague’s real account, quotes the announcement and adds a link', () => {
    const g = announcement();
    const c = campaign('REPLY_CHAIN_HIJACK');
    const original = message(g.messageIds[0]!);
    const [colleague] = c.compromisedUsers;
    expect(c.senders).toEqual([colleague]);
    expect(shapes.legitimateSenders).toContain(colleague);
    for (const id of c.messageIds) {
      const m = message(id);
      expect(m.sender).toBe(colleague);
      expect(m.subject).toBe(`RE: ${original.subject}`);
      expect(m.body).toContain(original.body);
      expect(m.body.length).toBeGreaterThan(original.body.length);
      // Same relay, same authentication results: infrastructure cannot tell the two apart.
      expect({ ip: m.senderIp, auth: m.auth, direction: m.direction }).toEqual({
        ip: original.senderIp,
        auth: original.auth,
        direction: 'INTERNAL',
      });
      expect(hostOf(m.urls![0]!)).toBe(c.domains[0]);
      expect(m.urls).toContain(original.urls![0]);
      expect(m.recipient).not.toBe(colleague);
    }
  });

  it('the colleague was compromised before the reply: a HIGH-risk sign-in, then a forwarding rule, in the window', () => {
    const c = campaign('REPLY_CHAIN_HIJACK');
    const [k] = shapes.compromises;
    expect(shapes.compromisedUsers).toEqual(c.compromisedUsers);
    const signIn = records.find((r) => r.id === k!.signInId) as SignInRecord;
    expect(signIn).toMatchObject({ user: k!.user, risk: 'HIGH', result: 'SUCCESS', ip: k!.signInIp });
    const rule = records.find((r) => r.id === k!.ruleId);
    expect(rule).toMatchObject({ type: 'inbox_rule', mailbox: k!.user, forwardTo: k!.forwardTo, createdFromIp: k!.signInIp });
    const firstReply = c.messageIds.map((id) => message(id).receivedAt).sort()[0]!;
    expect(k!.window.from < firstReply && firstReply <= k!.window.to).toBe(true);
    expect(signIn.at).toBe(k!.window.from);
    expect(shapes.alerts.some((a) => a.raise === 'INVESTIGATE_USER' && a.user === k!.user)).toBe(true);
  });

  it('staff clicked the intranet link, one of them from abroad, and none of them is compromised', () => {
    const g = announcement();
    expect(g.clickedUsers.length).toBeGreaterThan(0);
    expect(shapes.legitimateClickers.length).toBeGreaterThan(0);
    for (const u of shapes.legitimateClickers) expect(shapes.compromisedUsers).not.toContain(u);
    const travellers = records.filter(
      (r): r is SignInRecord => r.type === 'sign_in' && r.risk === 'LOW' && g.clickedUsers.includes(r.user),
    );
    expect(travellers.length).toBeGreaterThan(0);
    const benign = shapes.alerts.find((a) => a.campaign === null && a.messageId !== undefined && g.messageIds.includes(a.messageId));
    expect(benign?.kind).toBe('USER_REPORTED');
  });
});

describe('POLYMORPHIC_ATTACHMENTS', () => {
  it('gives every copy a different attachment hash and body, from one /24 and one return-path domain', () => {
    const c = campaign('POLYMORPHIC_ATTACHMENTS');
    const copies = c.messageIds.map(message);
    const hashes = copies.map((m) => m.attachments![0]!.sha256);
    expect(new Set(hashes).size).toBe(copies.length);
    expect([...hashes].sort()).toEqual([...c.sha256s].sort());
    expect(new Set(copies.map((m) => m.body)).size).toBe(copies.length);
    expect(new Set(copies.map((m) => m.senderIp!.split('.').slice(0, 3).join('.'))).size).toBe(1);
    expect(new Set(copies.map((m) => m.senderIp)).size).toBeGreaterThan(1);
    expect(new Set(copies.map((m) => m.returnPath!.split('@')[1]))).toEqual(new Set(c.returnPathDomains));
    expect(c.returnPathDomains).toHaveLength(1);
    expect(new Set(copies.map((m) => m.sender.split('@')[1])).size).toBeGreaterThan(1);
    const zap = shapes.alerts.find((a) => a.campaign === c.name)!;
    expect(zap.kind).toBe('MALWARE_ZAPPED');
    expect(zap.sha256).toBe(message(zap.messageId!).attachments![0]!.sha256);
  });
});

describe('TEMPLATE_IMPERSONATION', () => {
  it('copies the real service’s template from a look-alike failing authentication, beside authenticated real notifications', () => {
    const c = campaign('TEMPLATE_IMPERSONATION');
    const g = shapes.legitimate.find((x) => x.kind === 'NOTIFICATIONS')!;
    const real = g.messageIds.map(message);
    expect(real.every((m) => m.auth?.dmarc === 'pass' && m.auth.spf === 'pass' && m.sender === g.sender)).toBe(true);
    expect(shapes.legitimateSenders).toContain(g.sender);
    const phish = c.messageIds.map(message);
    expect(phish.every((m) => m.auth?.dmarc === 'fail' && m.sender !== g.sender)).toBe(true);
    const realDomain = g.sender.split('@')[1]!;
    expect(phish.every((m) => m.sender.split('@')[1]!.startsWith(realDomain.split('.')[0]!))).toBe(true);
    // The template's fixed paragraphs are the same word for word.
    const fixed = (m: MessageRecord) => m.body.split('\n\n').slice(-3).join('\n\n');
    expect(new Set([...real, ...phish].map(fixed)).size).toBe(1);
    expect(c.zappedMessageIds.length).toBeGreaterThan(c.messageIds.length / 3);
    const alerts = shapes.alerts.filter((a) => a.campaign === c.name || (a.messageId && g.messageIds.includes(a.messageId)));
    expect(alerts.map((a) => [a.kind, a.campaign === null])).toEqual([
      ['PHISH_ZAPPED', false],
      ['USER_REPORTED', true],
    ]);
  });
});

describe('PARTIALLY_CLEANED', () => {
  it('has copies already zapped, deleted and junked, and only the rest counts as still in mailboxes', () => {
    const c = campaign('PARTIALLY_CLEANED');
    expect(c.locations.QUARANTINE).toBeGreaterThan(0);
    expect(c.locations.DELETED).toBeGreaterThan(0);
    expect(c.locations.JUNK).toBeGreaterThan(0);
    expect(c.inMailboxIds.length).toBeLessThan(c.messageIds.length * 0.8);
    const zaps = new Set(records.flatMap((r) => (r.type === 'zap' ? [r.messageId] : [])));
    for (const id of c.zappedMessageIds) {
      expect(zaps.has(id)).toBe(true);
      expect(['QUARANTINE', 'DELETED']).toContain(message(id).location);
    }
  });
});

describe('LARGE_WAVE', () => {
  it('is one campaign of `waveSize` messages with several senders, IPs and subjects', () => {
    const c = campaign('LARGE_WAVE');
    const copies = c.messageIds.map(message);
    expect(copies).toHaveLength(OPTIONS.shapes.waveSize);
    expect(new Set(copies.map((m) => m.sender)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(copies.map((m) => m.senderIp)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(copies.map((m) => m.subject.replace(/\d+%|\S+@\S+/g, ''))).size).toBeGreaterThanOrEqual(3);
    // Bigger than the organisation: people get it more than once.
    expect(new Set(copies.map((m) => m.recipient)).size).toBe(OPTIONS.mailboxes);
  });
});
