import { AlertKind } from '../../src/domain/alert.js';
import { EntityKind, Playbook } from '../../src/domain/investigation.js';
import { DetectionVerdict, IndicatorKind, Verdict, ZapReason } from '../../src/domain/telemetry.js';
import { parseSubject, rootStep } from '../../src/playbooks/steps/root.step.js';
import { threatStep } from '../../src/playbooks/steps/threat-type.step.js';
import { isLookalike, senderStep } from '../../src/playbooks/steps/sender-reputation.step.js';
import { zapStep } from '../../src/playbooks/steps/zap-check.step.js';
import type { RootFindings } from '../../src/playbooks/steps/findings.js';
import { Signal, type Evidence } from '../../src/domain/evidence.js';
import { SIGNAL_WEIGHTS } from '../../src/playbooks/signals/weights.js';
import { fakePorts, message } from './support/fake-ports.js';
import { runStep } from './support/run-steps.js';

const reported = { playbook: Playbook.USER_SUBMITTED_MESSAGE, triggeringAlertId: 'alert-1' };
const phish = message({
  externalId: 'm1',
  sender: 'payroll@contoso-hr.example',
  senderIp: '203.0.113.9',
  subject: 'Update your payroll details',
  urls: ['https://contoso-hr.example/login?id=alice@contoso.example'],
  urlKeys: ['https://contoso-hr.example/login'],
  domains: ['contoso-hr.example'],
  attachmentHashes: ['f00d'],
  auth: { spf: 'fail', dkim: 'pass', dmarc: 'pass' },
  verdict: DetectionVerdict.PHISH,
  minhash: [1, 2, 3, 4],
  lshBands: ['b00:1'],
});
const root = (over: Partial<RootFindings> = {}): RootFindings => ({
  kind: 'message',
  messageExternalId: 'm1',
  sender: 'payroll@contoso-hr.example',
  senderDomain: 'contoso-hr.example',
  senderIp: '203.0.113.9',
  subject: 'Update your payroll details',
  subjectKey: 'update your payroll details',
  receivedAt: '2025-03-01T09:00:00.000Z',
  urls: [],
  urlKeys: [],
  domains: [],
  attachmentHashes: [],
  recipients: ['alice@contoso.example'],
  authFailed: false,
  authPassed: false,
  linkDomains: [],
  internal: false,
  evidence: [],
  minhash: [1, 2, 3, 4],
  lshBands: ['b00:1'],
  ...over,
});

describe('root', () => {
  test('a reported message: its facts, authentication and detection, and an EMAIL entity', async () => {
    const ports = fakePorts({ messages: [phish], alerts: [{ id: 'alert-1', kind: AlertKind.USER_REPORTED, messageExternalId: 'm1' }] });
    const outcome = await runStep(rootStep, ports, {}, reported);
    expect(outcome.findings).toEqual({
      kind: 'message',
      messageExternalId: 'm1',
      sender: 'payroll@contoso-hr.example',
      senderDomain: 'contoso-hr.example',
      senderIp: '203.0.113.9',
      subject: 'Update your payroll details',
      subjectKey: 'update your payroll details',
      receivedAt: '2025-03-01T09:00:00.000Z',
      urls: phish.urls,
      urlKeys: phish.urlKeys,
      domains: ['contoso-hr.example'],
      attachmentHashes: ['f00d'],
      recipients: ['alice@contoso.example'],
      authFailed: true,
      // DMARC passed: the From domain is the sender's own, whatever SPF said.
      authPassed: true,
      linkDomains: ['contoso-hr.example'],
      internal: false,
      // What the message says about itself (signals/message.signals.ts; their own tests cover each).
      evidence: expect.any(Array),
      detection: DetectionVerdict.PHISH,
      minhash: [1, 2, 3, 4],
      lshBands: ['b00:1'],
    });
    expect(outcome.entities).toEqual([
      expect.objectContaining({ kind: EntityKind.EMAIL, value: 'm1', externalId: 'm1', verdict: Verdict.UNKNOWN }),
    ]);
  });

  test.each([
    [{ spf: 'pass', dkim: 'pass', dmarc: 'pass' }, false],
    [{ spf: 'softfail' }, true],
    [{ dmarc: 'none' }, true],
    [undefined, false],
  ])('authentication %j fails: %s', async (auth, failed) => {
    const ports = fakePorts({ messages: [message({ externalId: 'm1', auth })] });
    const outcome = await runStep(rootStep, ports, {}, { playbook: Playbook.MANUAL_INVESTIGATION, subject: 'message:m1' });
    expect(outcome.findings?.authFailed).toBe(failed);
  });

  test('a URL that turned malicious is rooted at the URL, with its first message as the template', async () => {
    const ports = fakePorts({
      messages: [phish],
      alerts: [{ id: 'alert-1', kind: AlertKind.URL_VERDICT_CHANGE, url: 'https://contoso-hr.example/login?utm_source=mail' }],
    });
    const outcome = await runStep(rootStep, ports, {}, { playbook: Playbook.URL_VERDICT_CHANGE, triggeringAlertId: 'alert-1' });
    expect(outcome.findings).toMatchObject({
      kind: 'url',
      url: 'https://contoso-hr.example/login?utm_source=mail',
      messageExternalId: 'm1',
    });
    expect(outcome.entities?.map((e) => [e.kind, e.verdict])).toEqual([
      [EntityKind.EMAIL, Verdict.UNKNOWN],
      [EntityKind.URL, Verdict.MALICIOUS],
    ]);
  });

  test('a URL no message carried: the URL alone', async () => {
    const outcome = await runStep(
      rootStep,
      fakePorts({}),
      {},
      { playbook: Playbook.MANUAL_INVESTIGATION, subject: 'url:https://x.example/a' },
    );
    expect(outcome.findings).toMatchObject({
      kind: 'url',
      url: 'https://x.example/a',
      urls: ['https://x.example/a'],
      urlKeys: ['https://x.example/a'],
      minhash: [],
    });
  });

  test('a user', async () => {
    const outcome = await runStep(
      rootStep,
      fakePorts({}),
      {},
      { playbook: Playbook.MANUAL_INVESTIGATION, subject: 'user:bob@contoso.example' },
    );
    expect(outcome.findings).toMatchObject({ kind: 'user', user: 'bob@contoso.example', recipients: ['bob@contoso.example'] });
    expect(outcome.entities).toEqual([
      { kind: EntityKind.USER, value: 'bob@contoso.example', displayName: 'bob@contoso.example', verdict: Verdict.UNKNOWN },
    ]);
  });

  test('a message not ingested, or nothing named, fails the step with the reason', async () => {
    await expect(
      runStep(rootStep, fakePorts({}), {}, { playbook: Playbook.MANUAL_INVESTIGATION, subject: 'message:nope' }),
    ).rejects.toThrow("message 'nope' has not been ingested");
    await expect(runStep(rootStep, fakePorts({}), {}, { playbook: Playbook.MANUAL_INVESTIGATION, subject: 'nonsense' })).rejects.toThrow(
      'the alert names no message, URL or user to investigate',
    );
  });

  test('parseSubject', () => {
    expect(parseSubject('message:abc')).toEqual({ kind: 'message', value: 'abc' });
    expect(parseSubject('url:https://a.example/x:1')).toEqual({ kind: 'url', value: 'https://a.example/x:1' });
    expect(parseSubject('device:abc')).toBeUndefined();
    expect(parseSubject(undefined)).toBeUndefined();
  });
});

describe('threat_type', () => {
  const indicators = [
    {
      externalId: 'i1',
      kind: IndicatorKind.URL,
      value: 'https://contoso-hr.example/login',
      verdict: Verdict.MALICIOUS,
      campaign: 'payroll',
    },
    { externalId: 'i2', kind: IndicatorKind.FILE, value: 'f00d', verdict: Verdict.MALICIOUS, campaign: 'payroll' },
    { externalId: 'i3', kind: IndicatorKind.IP, value: '203.0.113.9', verdict: Verdict.SUSPICIOUS },
    { externalId: 'i4', kind: IndicatorKind.DOMAIN, value: 'contoso-hr.example', verdict: Verdict.MALICIOUS },
  ];

  test('indicator hits become threats, entities and the malicious keys later steps hunt by', async () => {
    const outcome = await runStep(
      threatStep,
      fakePorts({ indicators }),
      {
        root: root({
          urlKeys: ['https://contoso-hr.example/login'],
          attachmentHashes: ['f00d'],
          domains: ['contoso-hr.example'],
          detection: DetectionVerdict.MALWARE,
          authFailed: true,
        }),
      },
      reported,
    );
    expect(outcome.findings).toEqual({
      indicatorHits: [
        { kind: IndicatorKind.URL, value: 'https://contoso-hr.example/login', verdict: Verdict.MALICIOUS, campaign: 'payroll' },
        { kind: IndicatorKind.DOMAIN, value: 'contoso-hr.example', verdict: Verdict.MALICIOUS },
        { kind: IndicatorKind.FILE, value: 'f00d', verdict: Verdict.MALICIOUS, campaign: 'payroll' },
        { kind: IndicatorKind.IP, value: '203.0.113.9', verdict: Verdict.SUSPICIOUS },
      ],
      maliciousUrlKeys: ['https://contoso-hr.example/login'],
      maliciousDomains: ['contoso-hr.example'],
      maliciousHashes: ['f00d'],
      campaigns: ['payroll'],
      threats: ['Phish url', 'Phish domain', 'Malware file', 'Detected as malware'],
      authenticationFailed: true,
      // Each malicious hit is evidence strong alone; the suspicious IP is an entity, not evidence.
      evidence: [
        expect.objectContaining({
          signal: Signal.THREAT_INTELLIGENCE,
          detail: expect.stringContaining('https://contoso-hr.example/login'),
        }),
        expect.objectContaining({ signal: Signal.THREAT_INTELLIGENCE, detail: expect.stringContaining('domain contoso-hr.example') }),
        expect.objectContaining({ signal: Signal.THREAT_INTELLIGENCE, detail: expect.stringContaining('file f00d') }),
      ],
    });
    const byKind = (kind: EntityKind) => outcome.entities?.filter((e) => e.kind === kind).map((e) => [e.value, e.verdict]);
    expect(byKind(EntityKind.URL)).toEqual([['https://contoso-hr.example/login', Verdict.MALICIOUS]]);
    expect(byKind(EntityKind.DOMAIN)).toEqual([['contoso-hr.example', Verdict.MALICIOUS]]);
    // The IP is reported as an indicator (suspicious), then as the sender IP: not malicious without a malicious hit.
    expect(byKind(EntityKind.IP)).toEqual([
      ['203.0.113.9', Verdict.SUSPICIOUS],
      ['203.0.113.9', Verdict.UNKNOWN],
    ]);
    expect(byKind(EntityKind.SENDER)).toEqual([['payroll@contoso-hr.example', Verdict.UNKNOWN]]);
  });

  test('a known-bad sender makes the sender entity malicious', async () => {
    const ports = fakePorts({
      indicators: [{ externalId: 'i5', kind: IndicatorKind.SENDER, value: 'payroll@contoso-hr.example', verdict: Verdict.MALICIOUS }],
    });
    const outcome = await runStep(threatStep, ports, { root: root() }, reported);
    expect(outcome.findings?.threats).toEqual(['Phish sender']);
    expect(outcome.entities?.filter((e) => e.kind === EntityKind.SENDER).map((e) => e.verdict)).toEqual([
      Verdict.MALICIOUS,
      Verdict.MALICIOUS,
    ]);
  });

  test('nothing known: no threats (a clean detection adds none)', async () => {
    const outcome = await runStep(threatStep, fakePorts({}), { root: root({ detection: DetectionVerdict.SPAM }) }, reported);
    expect(outcome.findings).toMatchObject({ indicatorHits: [], threats: [], campaigns: [] });
  });

  test('a user root is skipped', async () => {
    expect(await runStep(threatStep, fakePorts({}), { root: root({ kind: 'user', user: 'bob@contoso.example' }) }, reported)).toEqual({
      skipped: true,
      findings: {},
    });
  });
});

describe('sender_reputation', () => {
  const mailboxes = ['alice@contoso.example', 'bob@contoso.example'];
  const earlier = message({
    externalId: 'old',
    sender: 'news@vendor.example',
    senderIp: '198.51.100.1',
    receivedAt: new Date('2025-02-01T00:00:00Z'),
  });

  test.each([
    [
      'a first-time sender from a first-time IP',
      { sender: 'x@new.example', senderDomain: 'new.example', senderIp: '192.0.2.1' },
      { firstTimeSender: true, firstTimeIp: true, internalSender: false, lookalikeOf: null, established: false },
      [Signal.RARE_SENDER_DOMAIN],
    ],
    [
      'a known sender and IP (one message: still a rare domain)',
      { sender: 'news@vendor.example', senderDomain: 'vendor.example', senderIp: '198.51.100.1' },
      { firstTimeSender: false, firstTimeIp: false, internalSender: false, lookalikeOf: null, established: false },
      [Signal.RARE_SENDER_DOMAIN],
    ],
    [
      'a look-alike of the organisation',
      { sender: 'ceo@c0ntoso.example', senderDomain: 'c0ntoso.example', senderIp: undefined },
      { firstTimeSender: true, firstTimeIp: false, internalSender: false, lookalikeOf: 'contoso.example', established: false },
      [Signal.RARE_SENDER_DOMAIN],
    ],
    [
      'an internal sender',
      { sender: 'bob@contoso.example', senderDomain: 'contoso.example', senderIp: undefined },
      { firstTimeSender: true, firstTimeIp: false, internalSender: true, lookalikeOf: null, established: false },
      [Signal.INTERNAL_SENDER],
    ],
  ])('%s', async (_, over, findings, signals) => {
    const outcome = await runStep(senderStep, fakePorts({ mailboxes, messages: [earlier] }), { root: root(over), zap_check: {} }, reported);
    expect(outcome.findings).toMatchObject(findings);
    expect((outcome.findings?.evidence as Evidence[]).map((e) => e.signal)).toEqual(signals);
  });

  // Eleven messages over a month from vendor.example, before the campaign's first copy.
  const history = Array.from({ length: 11 }, (_, i) =>
    message({ externalId: `h${i}`, sender: 'news@vendor.example', receivedAt: new Date(Date.UTC(2025, 0, 20 + i)) }),
  );
  test.each<[string, Partial<RootFindings>, Signal[], boolean]>([
    ['authenticated, long and often seen: established', { authPassed: true }, [Signal.ESTABLISHED_SENDER], true],
    ['long and often seen but not authenticated: half the weight', {}, [Signal.ESTABLISHED_SENDER], false],
    ['long and often seen but failing authentication: nothing in its favour', { authFailed: true }, [], false],
  ])('history: %s', async (_, over, signals, established) => {
    const outcome = await runStep(
      senderStep,
      fakePorts({ mailboxes, messages: history }),
      { root: root({ sender: 'offers@vendor.example', senderDomain: 'vendor.example', ...over }), zap_check: {} },
      reported,
    );
    expect(outcome.findings).toMatchObject({ established });
    const found = outcome.findings?.evidence as Evidence[];
    expect(found.map((e) => e.signal)).toEqual(signals);
    if (signals.length && !established) expect(found[0]!.weight).toBe(SIGNAL_WEIGHTS[Signal.ESTABLISHED_SENDER] / 2);
  });

  test("history is counted before the campaign's first copy: its own earlier copies never make it familiar", async () => {
    const outcome = await runStep(
      senderStep,
      fakePorts({ mailboxes, messages: history }),
      {
        root: root({ sender: 'offers@vendor.example', senderDomain: 'vendor.example', authPassed: true }),
        zap_check: { firstCopyAt: '2025-01-01T00:00:00.000Z' },
      },
      reported,
    );
    expect(outcome.findings).toMatchObject({ established: false, firstTimeSender: true });
  });

  test('link domains nobody here was sent before are rare landing domains; known ones and the sender’s own are not', async () => {
    const linked = message({ externalId: 'l1', domains: ['known.example'], receivedAt: new Date('2025-02-01T00:00:00Z') });
    const outcome = await runStep(
      senderStep,
      fakePorts({ mailboxes, messages: [linked] }),
      { root: root({ linkDomains: ['known.example', 'fresh-login.example', 'contoso-hr.example'] }), zap_check: {} },
      reported,
    );
    expect(outcome.findings).toMatchObject({ rareLandingDomains: ['fresh-login.example'] });
  });

  test('mail only after this one does not make the sender known', async () => {
    const later = { ...earlier, receivedAt: new Date('2025-04-01T00:00:00Z') };
    const outcome = await runStep(
      senderStep,
      fakePorts({ mailboxes, messages: [later] }),
      { root: root({ sender: 'news@vendor.example', senderIp: '198.51.100.1' }), zap_check: {} },
      reported,
    );
    expect(outcome.findings).toMatchObject({ firstTimeSender: true, firstTimeIp: true });
  });

  test('no sender (a user or a bare URL): skipped', async () => {
    expect(await runStep(senderStep, fakePorts({}), { root: root({ sender: undefined }), zap_check: {} }, reported)).toEqual({
      skipped: true,
      findings: {},
    });
  });

  test.each([
    ['c0ntoso.example', 'contoso.example', true],
    ['contosoo.example', 'contoso.example', true],
    // Contains the name, but three letters longer: the edit-distance gate comes first.
    ['contoso-hr.example', 'contoso.example', false],
    ['rnicrosoft.example', 'microsoft.example', true],
    ['contoso.example', 'contoso.example', false],
    ['fabrikam.example', 'contoso.example', false],
  ])('isLookalike(%s, %s) = %s', (domain, of, expected) => {
    expect(isLookalike(domain, of)).toBe(expected);
  });
});

describe('zap_check', () => {
  test('zapped siblings (by event or by mark) and detected ones are counted', async () => {
    const twins = [
      message({ externalId: 'a', minhash: [1, 2, 3, 4], lshBands: ['b00:1'], verdict: DetectionVerdict.PHISH }),
      message({ externalId: 'b', minhash: [1, 2, 3, 9], lshBands: ['b00:1'], zappedAt: new Date('2025-03-01T10:00:00Z') }),
      message({ externalId: 'c', minhash: [1, 2, 8, 9], lshBands: ['b00:1'] }),
      // Shares a band, but too little content: not similar.
      message({ externalId: 'd', minhash: [1, 7, 8, 9], lshBands: ['b00:1'], verdict: DetectionVerdict.MALWARE }),
    ];
    const ports = fakePorts({ messages: twins, zaps: [{ messageExternalId: 'c', reason: ZapReason.PHISH }] });
    const outcome = await runStep(zapStep, ports, { root: root() }, reported);
    expect(outcome.findings).toEqual({
      similar: 3,
      zapped: 2,
      detected: 1,
      reasons: [ZapReason.PHISH],
      firstCopyAt: '2025-03-01T09:00:00.000Z',
      templateFirstAt: '2025-03-01T09:00:00.000Z',
      reporters: 0,
      evidence: [expect.objectContaining({ signal: Signal.SIMILAR_DETECTED })],
    });
  });

  test("an authenticated root ignores zapped near-duplicates from other domains: a phish copying a real service's template", async () => {
    const template = { minhash: [1, 2, 3, 4], lshBands: ['b00:1'] };
    const ports = fakePorts({
      messages: [
        message({ externalId: 'real', sender: 'notify@sign.example', ...template }),
        message({ externalId: 'fake', sender: 'notify@sign-docs.example', verdict: DetectionVerdict.PHISH, ...template }),
      ],
      zaps: [{ messageExternalId: 'fake', reason: ZapReason.PHISH }],
    });
    const real = root({ messageExternalId: 'real', sender: 'notify@sign.example', senderDomain: 'sign.example' });
    const trusting = await runStep(zapStep, ports, { root: { ...real, authPassed: true } }, reported);
    expect(trusting.findings).toMatchObject({ zapped: 0, detected: 0, evidence: [] });
    // Unauthenticated, the root could be the phish itself: its zapped twins count.
    const doubting = await runStep(zapStep, ports, { root: real }, reported);
    expect(doubting.findings).toMatchObject({ zapped: 1, detected: 1 });
  });

  test('several users reporting near-duplicates add weight, bounded', async () => {
    const twins = ['a', 'b', 'c', 'd'].map((id) => message({ externalId: id, minhash: [1, 2, 3, 4], lshBands: ['b00:1'] }));
    const alerts = twins.map((m, i) => ({
      id: `r${i}`,
      kind: AlertKind.USER_REPORTED,
      messageExternalId: m.externalId,
      user: `u${i}@contoso.example`,
    }));
    const outcome = await runStep(zapStep, fakePorts({ messages: twins, alerts }), { root: root() }, reported);
    expect(outcome.findings).toMatchObject({ reporters: 4 });
    const [reports] = outcome.findings?.evidence as Evidence[];
    expect(reports).toMatchObject({ signal: Signal.MULTIPLE_REPORTERS, weight: 2 * SIGNAL_WEIGHTS[Signal.MULTIPLE_REPORTERS] });
  });

  test('no fingerprint: skipped', async () => {
    expect(await runStep(zapStep, fakePorts({}), { root: root({ minhash: [] }) }, reported)).toEqual({ skipped: true, findings: {} });
  });
});
