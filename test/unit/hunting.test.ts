import { ClusterQuery, EntityKind, Playbook } from '../../src/domain/investigation.js';
import { DeliveryLocation, SignInResult, SignInRisk, Verdict, ZapReason } from '../../src/domain/telemetry.js';
import { clusterStep } from '../../src/playbooks/steps/similar-messages.step.js';
import { devicesStep } from '../../src/playbooks/steps/device-files.step.js';
import { compromiseStep } from '../../src/playbooks/steps/user-compromise.step.js';
import type { RootFindings } from '../../src/playbooks/steps/findings.js';
import type { InboxRuleFacts, SignInFacts } from '../../src/playbooks/ports.js';
import { fakePorts, message } from './support/fake-ports.js';
import { runStep } from './support/run-steps.js';

const investigation = { playbook: Playbook.USER_SUBMITTED_MESSAGE };
const root = (over: Partial<RootFindings> = {}): RootFindings => ({
  kind: 'message',
  messageExternalId: 'm1',
  sender: 'payroll@contoso-hr.example',
  senderDomain: 'contoso-hr.example',
  senderIp: '203.0.113.9',
  subject: 'Payroll',
  subjectKey: 'payroll',
  urls: ['https://contoso-hr.example/login?id=a', 'https://contoso.example/help'],
  urlKeys: ['https://contoso-hr.example/login', 'https://contoso.example/help'],
  domains: [],
  attachmentHashes: ['f00d'],
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
const campaign = [
  message({
    externalId: 'm1',
    sender: 'payroll@contoso-hr.example',
    senderIp: '203.0.113.9',
    subjectKey: 'payroll',
    minhash: [1, 2, 3, 4],
    lshBands: ['b00:1'],
    urls: ['https://contoso-hr.example/login?id=a'],
    urlKeys: ['https://contoso-hr.example/login'],
    attachmentHashes: ['f00d'],
  }),
  message({
    externalId: 'm2',
    recipient: 'bob@contoso.example',
    sender: 'hr@contoso-hr.example',
    senderIp: '203.0.113.9',
    subjectKey: 'payroll',
    minhash: [1, 2, 3, 5],
    lshBands: ['b00:1'],
    urls: ['https://contoso-hr.example/login?id=b'],
    urlKeys: ['https://contoso-hr.example/login'],
    location: DeliveryLocation.QUARANTINE,
  }),
  message({
    externalId: 'm3',
    recipient: 'carol@contoso.example',
    sender: 'payroll@contoso-hr.example',
    attachmentHashes: ['f00d'],
    location: DeliveryLocation.JUNK,
  }),
  // The real brand's page: linked by the phish, but not a reason to cluster.
  message({
    externalId: 'm4',
    sender: 'it@contoso.example',
    urls: ['https://contoso.example/help'],
    urlKeys: ['https://contoso.example/help'],
  }),
];
const upstream = (verdict: Verdict, internalSender = false) => {
  const known = verdict === Verdict.MALICIOUS;
  return {
    verdict: { verdict, reasons: [], campaigns: [], evidence: [], score: 0, strong: known },
    threat_type: known ? { maliciousUrlKeys: ['https://contoso-hr.example/login'], threats: ['Phish url'] } : {},
    sender_reputation: { internalSender, established: false, rareLandingDomains: [] },
    zap_check: {},
  };
};

describe('similar_messages', () => {
  test('a malicious root: every applicable query is a cluster, and later steps get the malicious mail', async () => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({ messages: campaign }),
      { root: root(), ...upstream(Verdict.MALICIOUS) },
      investigation,
    );
    const summary = outcome.findings as {
      clusters: unknown[];
      messageExternalIds: string[];
      recipients: string[];
      attachmentHashes: string[];
      urls: string[];
    };
    expect(summary.clusters).toEqual([
      {
        key: 'SIMILAR_CONTENT:m1',
        query: ClusterQuery.SIMILAR_CONTENT,
        queryValue: 'm1',
        verdict: Verdict.MALICIOUS,
        inMailbox: 1,
        size: 2,
        weak: 0,
        protected: 0,
      },
      {
        key: 'SAME_SENDER:payroll@contoso-hr.example',
        query: ClusterQuery.SAME_SENDER,
        queryValue: 'payroll@contoso-hr.example',
        verdict: Verdict.MALICIOUS,
        inMailbox: 2,
        size: 2,
        weak: 1,
        protected: 0,
      },
      {
        key: 'SAME_SENDER_IP_AND_SUBJECT:203.0.113.9 payroll',
        query: ClusterQuery.SAME_SENDER_IP_AND_SUBJECT,
        queryValue: '203.0.113.9 payroll',
        verdict: Verdict.MALICIOUS,
        inMailbox: 1,
        size: 2,
        weak: 0,
        protected: 0,
      },
      {
        key: 'SAME_URL:https://contoso-hr.example/login',
        query: ClusterQuery.SAME_URL,
        queryValue: 'https://contoso-hr.example/login',
        verdict: Verdict.MALICIOUS,
        inMailbox: 1,
        size: 2,
        weak: 0,
        protected: 0,
      },
      {
        key: 'SAME_ATTACHMENT:f00d',
        query: ClusterQuery.SAME_ATTACHMENT,
        queryValue: 'f00d',
        verdict: Verdict.MALICIOUS,
        inMailbox: 2,
        size: 2,
        weak: 1,
        protected: 0,
      },
    ]);
    expect(summary.messageExternalIds.sort()).toEqual(['m1', 'm2', 'm3']);
    expect(summary.recipients.sort()).toEqual(['alice@contoso.example', 'bob@contoso.example', 'carol@contoso.example']);
    expect(summary.attachmentHashes).toEqual(['f00d']);
    expect(outcome.edges).toHaveLength(5);
    expect(outcome.edges?.[0]).toEqual({
      from: { cluster: 'SIMILAR_CONTENT:m1' },
      to: { kind: EntityKind.EMAIL, value: 'm1' },
      relation: 'similar to',
    });
  });

  test('a clean root: clusters for the record, no attachment query, nothing for later steps to follow', async () => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({ messages: campaign }),
      { root: root(), ...upstream(Verdict.CLEAN) },
      investigation,
    );
    expect(outcome.clusters?.map((c) => [c.query, c.verdict])).toEqual([
      [ClusterQuery.SIMILAR_CONTENT, Verdict.CLEAN],
      [ClusterQuery.SAME_SENDER, Verdict.CLEAN],
      [ClusterQuery.SAME_SENDER_IP_AND_SUBJECT, Verdict.CLEAN],
    ]);
    expect(outcome.findings).toMatchObject({ messageExternalIds: [], urls: [], recipients: [], attachmentHashes: [] });
  });

  test('a clean root beside a zapped look-alike: the look-alike is judged MALICIOUS, but later steps follow nothing', async () => {
    // The real service's notification was reported; a phish copying its template was zapped on arrival.
    const lookalike = message({
      externalId: 'm9',
      recipient: 'dan@contoso.example',
      sender: 'dse@sign-contoso.example',
      senderIp: '198.51.100.7',
      minhash: [1, 2, 3, 4],
      lshBands: ['b00:1'],
      urls: ['https://sign-farm.example/review?t=1'],
      urlKeys: ['https://sign-farm.example/review'],
    });
    const outcome = await runStep(
      clusterStep,
      fakePorts({
        messages: [campaign[0]!, lookalike],
        zaps: [{ messageExternalId: 'm9', reason: ZapReason.PHISH }],
      }),
      { root: root(), ...upstream(Verdict.CLEAN) },
      investigation,
    );
    const similar = outcome.clusters!.find((c) => c.query === ClusterQuery.SIMILAR_CONTENT)!;
    expect(Object.values(similar.members!).map((m) => m.verdict)).toContain(Verdict.MALICIOUS);
    expect(outcome.findings).toMatchObject({ messageExternalIds: [], urls: [], recipients: [], attachmentHashes: [] });
  });

  test('an internal sender gets no same-sender cluster', async () => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({ messages: campaign }),
      { root: root(), ...upstream(Verdict.MALICIOUS, true) },
      investigation,
    );
    expect(outcome.clusters?.map((c) => c.query)).not.toContain(ClusterQuery.SAME_SENDER);
  });

  test('a user root is skipped', async () => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({}),
      { root: root({ kind: 'user' }), ...upstream(Verdict.UNKNOWN) },
      investigation,
    );
    expect(outcome).toEqual({ skipped: true, findings: {} });
  });
});

describe('device_files', () => {
  test('machines holding the files: entities, edges, machines for remediation', async () => {
    const laptop = { externalId: 'd1', name: 'LAPTOP-1', user: 'alice@contoso.example', os: 'Windows 11' };
    const ports = fakePorts({
      files: [
        { device: laptop, file: { sha256: 'f00d', path: 'C:/Users/alice/Downloads/payroll.xlsm' } },
        { device: laptop, file: { sha256: 'f00d', path: 'C:/Temp/payroll.xlsm' } },
        { device: { externalId: 'd2', name: 'DESKTOP-2' }, file: { sha256: 'beef' } },
      ],
    });
    const outcome = await runStep(devicesStep, ports, { similar_messages: { attachmentHashes: ['f00d'] } }, investigation);
    expect(outcome.findings).toEqual({ machines: ['LAPTOP-1'], hashes: ['f00d'] });
    expect(outcome.entities?.map((e) => [e.kind, e.value, e.verdict])).toEqual([
      [EntityKind.MACHINE, 'LAPTOP-1', Verdict.MALICIOUS],
      [EntityKind.FILE, 'f00d', Verdict.MALICIOUS],
    ]);
    expect(outcome.entities?.[0]?.details).toEqual({
      user: 'alice@contoso.example',
      os: 'Windows 11',
      files: [
        { sha256: 'f00d', path: 'C:/Users/alice/Downloads/payroll.xlsm' },
        { sha256: 'f00d', path: 'C:/Temp/payroll.xlsm' },
      ],
    });
    expect(outcome.edges).toHaveLength(2);
  });

  test('no attachments: skipped', async () => {
    expect(await runStep(devicesStep, fakePorts({}), { similar_messages: {} }, investigation)).toEqual({ skipped: true, findings: {} });
  });
});

describe('user_compromise (email playbooks)', () => {
  const click = '2025-03-10T12:00:00.000Z';
  const rule = (over: Partial<InboxRuleFacts>): InboxRuleFacts => ({
    externalId: 'r1',
    mailbox: 'alice@contoso.example',
    name: 'fwd',
    deleteMessages: false,
    enabled: true,
    createdAt: new Date('2025-03-10T13:00:00Z'),
    ...over,
  });
  const signIn = (over: Partial<SignInFacts>): SignInFacts => ({
    externalId: 's1',
    user: 'alice@contoso.example',
    ip: '192.0.2.7',
    country: 'NL',
    at: new Date('2025-03-10T14:00:00Z'),
    risk: SignInRisk.NONE,
    result: SignInResult.SUCCESS,
    ...over,
  });
  const run = (rules: InboxRuleFacts[], signIns: SignInFacts[]) =>
    runStep(
      compromiseStep,
      fakePorts({ mailboxes: ['alice@contoso.example'], rules, signIns }),
      { root: root(), url_clicks: { clickers: ['alice@contoso.example'], firstClick: { 'alice@contoso.example': click } } },
      investigation,
    );
  const usual = signIn({ externalId: 's0', at: new Date('2025-03-01T08:00:00Z') });

  test.each<[string, InboxRuleFacts[], SignInFacts[], boolean]>([
    ['a rule forwarding outside, after the click', [rule({ forwardTo: 'drop@evil.example' })], [], true],
    ['a rule deleting mail, after the click', [rule({ deleteMessages: true })], [], true],
    ['a rule forwarding inside', [rule({ forwardTo: 'bob@contoso.example' })], [], false],
    [
      'a rule forwarding outside, before the click',
      [rule({ forwardTo: 'drop@evil.example', createdAt: new Date('2025-03-10T11:00:00Z') })],
      [],
      false,
    ],
    ['a disabled rule', [rule({ forwardTo: 'drop@evil.example', enabled: false })], [], false],
    ['a high-risk sign-in after the click', [], [usual, signIn({ risk: SignInRisk.HIGH })], true],
    ['a medium-risk sign-in after the click', [], [usual, signIn({ risk: SignInRisk.MEDIUM })], true],
    ['a failed high-risk sign-in', [], [usual, signIn({ risk: SignInRisk.HIGH, result: SignInResult.FAILURE })], false],
    // A new country alone is a traveller as often as an attacker: suspected (a SUSPICIOUS user), not compromised.
    ['a sign-in from a new country', [], [usual, signIn({ country: 'RU' })], false],
    ['a sign-in from the usual country', [], [usual, signIn({})], false],
    ['a sign-in from a country, with no history to compare', [], [signIn({ country: 'RU' })], false],
    ['a high-risk sign-in before the click', [], [usual, signIn({ risk: SignInRisk.HIGH, at: new Date('2025-03-10T11:00:00Z') })], false],
  ])('%s → compromised: %s', async (_, rules, signIns, compromised) => {
    const outcome = await run(rules, signIns);
    expect((outcome.findings as { compromised: unknown[] }).compromised.length > 0).toBe(compromised);
  });

  test('a traveller who clicked: a SUSPICIOUS user for a human, no compromise, nothing to reset', async () => {
    const outcome = await run([], [usual, signIn({ country: 'RU' })]);
    expect(outcome.findings).toEqual({ compromised: [] });
    expect(outcome.entities?.map((e) => [e.kind, e.value, e.verdict])).toEqual([
      [EntityKind.USER, 'alice@contoso.example', Verdict.SUSPICIOUS],
    ]);
  });

  test('a compromised user: findings (JSON), entities, edges', async () => {
    const outcome = await run(
      [rule({ forwardTo: 'drop@evil.example', createdFromIp: '192.0.2.66' })],
      [usual, signIn({ externalId: 's2', ip: '192.0.2.66', country: 'RU' })],
    );
    expect(outcome.findings).toEqual({
      compromised: [
        {
          user: 'alice@contoso.example',
          rules: [{ externalId: 'r1', name: 'fwd', forwardTo: 'drop@evil.example', deleteMessages: false }],
          signIns: [{ externalId: 's2', ip: '192.0.2.66', country: 'RU', risk: SignInRisk.NONE, at: '2025-03-10T14:00:00.000Z' }],
          // The earlier of the rule and the sign-in: where the compromise window opens.
          since: '2025-03-10T13:00:00.000Z',
        },
      ],
    });
    expect(outcome.entities?.map((e) => [e.kind, e.value, e.verdict])).toEqual([
      [EntityKind.USER, 'alice@contoso.example', Verdict.MALICIOUS],
      [EntityKind.INBOX_RULE, 'r1', Verdict.MALICIOUS],
      [EntityKind.IP, '192.0.2.66', Verdict.SUSPICIOUS],
    ]);
    expect(outcome.entities?.[0]?.threats).toEqual(['Suspicious inbox rule', 'Risky sign-in', 'Compromised user']);
    expect(outcome.edges).toEqual([
      {
        from: { kind: EntityKind.IP, value: '192.0.2.66' },
        to: { kind: EntityKind.USER, value: 'alice@contoso.example' },
        relation: 'signed in as',
      },
    ]);
  });

  test('a manual investigation of a user checks the last 30 days without clicks', async () => {
    const recent = new Date(Date.now() - 24 * 3600_000);
    const ports = fakePorts({ rules: [rule({ mailbox: 'bob@contoso.example', deleteMessages: true, createdAt: recent })] });
    const outcome = await runStep(
      compromiseStep,
      ports,
      { root: root({ kind: 'user', user: 'bob@contoso.example' }), url_clicks: {} },
      investigation,
    );
    expect(outcome.findings).toMatchObject({ compromised: [{ user: 'bob@contoso.example' }] });
  });

  test('nobody clicked: skipped', async () => {
    expect(await runStep(compromiseStep, fakePorts({}), { root: root(), url_clicks: {} }, investigation)).toEqual({
      skipped: true,
      findings: {},
    });
  });
});
