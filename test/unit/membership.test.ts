import { Signal } from '../../src/domain/evidence.js';
import { DetectionVerdict, MailDirection, Verdict } from '../../src/domain/telemetry.js';
import { EMPTY_ROOT } from '../../src/playbooks/steps/root.step.js';
import { judgeMember, type CampaignTraits } from '../../src/playbooks/steps/membership.js';
import type { MessageFacts } from '../../src/playbooks/ports.js';
import { message } from './support/fake-ports.js';

/*
 * Cluster membership, one rule per case: a message found by a hunting query is MALICIOUS only on
 * evidence of its own — a known-bad artifact or its own detection (strong), or campaign evidence AND
 * the same content (inherits the root's verdict); authenticated mail of another domain and internal
 * mail never inherit by resemblance.
 */
const root = {
  ...EMPTY_ROOT,
  kind: 'message' as const,
  messageExternalId: 'r',
  sender: 'billing@sign-docs.example',
  senderDomain: 'sign-docs.example',
  senderIp: '203.0.113.9',
  returnPathDomain: 'bounce.sign-docs.example',
  subjectKey: 'please sign',
  attachmentHashes: ['f00d'],
};
const traits = (over: Partial<CampaignTraits> = {}): CampaignTraits => ({
  root,
  rootVerdict: Verdict.MALICIOUS,
  maliciousUrlKeys: new Set(['https://evil.example/login']),
  maliciousDomains: new Set(['evil.example']),
  maliciousHashes: new Set(),
  rareLandingDomains: new Set(['fresh-landing.example']),
  campaignSender: root.sender,
  similarIds: new Set(['similar']),
  infrastructure: new Map(),
  zapped: new Set(),
  org: { internalDomains: new Set(['contoso.example']), people: [] },
  ...over,
});
const member = (over: Partial<MessageFacts>) => message({ externalId: 'x', id: 'other', sender: 'a@elsewhere.example', ...over });

test.each<[string, Partial<MessageFacts>, Partial<CampaignTraits>, Verdict, boolean]>([
  ['carries the known-bad URL: malicious, strong', { urlKeys: ['https://evil.example/login'] }, {}, Verdict.MALICIOUS, true],
  ['links under a known-bad domain: malicious, strong', { domains: ['x1.evil.example', 'evil.example'] }, {}, Verdict.MALICIOUS, true],
  ['detected on arrival: malicious, strong', { verdict: DetectionVerdict.PHISH }, {}, Verdict.MALICIOUS, true],
  ['zapped after delivery: malicious, strong', {}, { zapped: new Set(['x']) }, Verdict.MALICIOUS, true],
  [
    'same attached file: campaign evidence and content — inherits, not strong',
    { attachmentHashes: ['f00d'] },
    {},
    Verdict.MALICIOUS,
    false,
  ],
  ['similar text and a rare landing domain: inherits', { id: 'similar', domains: ['fresh-landing.example'] }, {}, Verdict.MALICIOUS, false],
  ['same outside sender and subject: inherits', { sender: root.sender, subjectKey: 'please sign' }, {}, Verdict.MALICIOUS, false],
  ['similar text alone: suspicious, nothing moves', { id: 'similar' }, {}, Verdict.SUSPICIOUS, false],
  ['same sender, other content: suspicious', { sender: root.sender, subjectKey: 'invoice' }, {}, Verdict.SUSPICIOUS, false],
  [
    'same sender network and Return-Path, text 45 % alike (a polymorphic copy): inherits',
    { id: 'poly' },
    { infrastructure: new Map([['poly', 0.45]]) },
    Verdict.MALICIOUS,
    false,
  ],
  ['same sender network, text unlike: suspicious', { id: 'poly' }, { infrastructure: new Map([['poly', 0.1]]) }, Verdict.SUSPICIOUS, false],
  [
    'authenticated mail of another domain, same template: the real service never inherits',
    { id: 'similar', sender: 'notify@sign.example', senderDomain: 'sign.example', subjectKey: 'please sign', auth: { dmarc: 'pass' } },
    {},
    Verdict.CLEAN,
    false,
  ],
  [
    'internal mail quoted by a hijacked reply: never inherits',
    {
      id: 'similar',
      sender: 'ceo@contoso.example',
      senderDomain: 'contoso.example',
      direction: MailDirection.INTERNAL,
      subjectKey: 'please sign',
    },
    {},
    Verdict.CLEAN,
    false,
  ],
  [
    'internal mail carrying the known-bad URL (a compromised colleague): malicious, strong',
    {
      sender: 'bob@contoso.example',
      senderDomain: 'contoso.example',
      direction: MailDirection.INTERNAL,
      urlKeys: ['https://evil.example/login'],
    },
    {},
    Verdict.MALICIOUS,
    true,
  ],
  [
    'a clean root: resemblance makes nothing malicious',
    { attachmentHashes: ['f00d'] },
    { rootVerdict: Verdict.CLEAN },
    Verdict.CLEAN,
    false,
  ],
  [
    'a suspicious root: campaign members are suspicious',
    { attachmentHashes: ['f00d'] },
    { rootVerdict: Verdict.SUSPICIOUS },
    Verdict.SUSPICIOUS,
    false,
  ],
])('%s', (_, facts, over, verdict, strong) => {
  const judged = judgeMember(member(facts), traits(over));
  expect({ verdict: judged.verdict, strong: judged.strong }).toEqual({ verdict, strong });
  if (verdict !== Verdict.CLEAN) expect(judged.evidence.length).toBeGreaterThan(0);
});

test('the evidence names what tied the member to the campaign', () => {
  const judged = judgeMember(member({ attachmentHashes: ['f00d'] }), traits());
  expect(judged.evidence).toContainEqual(
    expect.objectContaining({ signal: Signal.CAMPAIGN_ARTIFACT, detail: 'same content as the reported message and shares f00d' }),
  );
});
