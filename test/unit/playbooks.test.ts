import { ActionType } from '../../src/domain/action.js';
import { AlertKind } from '../../src/domain/alert.js';
import { ClusterQuery, EntityKind, Playbook } from '../../src/domain/investigation.js';
import { ClickAction, DeliveryLocation, IndicatorKind, SignInResult, SignInRisk, Verdict } from '../../src/domain/telemetry.js';
import { EMAIL_STEPS, USER_COMPROMISE_STEPS } from '../../src/playbooks/playbooks.js';
import { recommendations, type Judgement } from '../../src/playbooks/steps/recommend-actions.step.js';
import type { RootFindings } from '../../src/playbooks/steps/findings.js';
import { EMPTY_ROOT } from '../../src/playbooks/steps/root.step.js';
import { fakePorts, message } from './support/fake-ports.js';
import { runPlaybook } from './support/run-steps.js';

const day = 24 * 3600_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * day);

describe('USER_COMPROMISED', () => {
  const bob = 'bob@contoso.example';
  const world = () => ({
    mailboxes: ['alice@contoso.example', bob],
    alerts: [{ id: 'a1', kind: AlertKind.USER_COMPROMISED, user: bob }],
    rules: [
      {
        externalId: 'r1',
        mailbox: bob,
        name: 'hide replies',
        deleteMessages: true,
        enabled: true,
        createdAt: ago(2),
        createdFromIp: '198.51.100.66',
      },
      {
        externalId: 'r2',
        mailbox: bob,
        name: 'to alice',
        forwardTo: 'alice@contoso.example',
        deleteMessages: false,
        enabled: true,
        createdAt: ago(2),
      },
    ],
    signIns: [
      { externalId: 's0', user: bob, ip: '192.0.2.1', country: 'NL', at: ago(40), risk: SignInRisk.NONE, result: SignInResult.SUCCESS },
      { externalId: 's1', user: bob, ip: '198.51.100.66', country: 'BR', at: ago(2), risk: SignInRisk.LOW, result: SignInResult.SUCCESS },
    ],
    messages: [
      // Forty copies of one lure to outside addresses, and a normal thread inside.
      ...Array.from({ length: 40 }, (_, i) =>
        message({
          externalId: `out-${i}`,
          sender: bob,
          recipient: `p${i}@partner.example`,
          subject: 'Invoice 123 overdue',
          subjectKey: 'invoice 0 overdue',
          receivedAt: ago(1),
        }),
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        message({
          externalId: `in-${i}`,
          sender: bob,
          recipient: 'alice@contoso.example',
          subject: 'Lunch?',
          subjectKey: 'lunch?',
          receivedAt: ago(3),
        }),
      ),
    ],
  });

  test('rules and a sign-in from a new country make the user compromised; the mass mail is malicious; rules removed, password reset, sessions revoked, the mail deleted once a human approves', async () => {
    const run = await runPlaybook(USER_COMPROMISE_STEPS, fakePorts(world()), {
      playbook: Playbook.USER_COMPROMISED,
      triggeringAlertId: 'a1',
    });
    expect([...run.outcomes.keys()]).toEqual(['root', 'user_compromise', 'sent_mail', 'recommend_actions']);
    expect(run.skipped).toEqual([]);
    expect(run.findings.root).toMatchObject({ kind: 'user', user: bob });
    expect(run.findings.user_compromise).toEqual({
      compromised: [
        {
          user: bob,
          rules: [{ externalId: 'r1', name: 'hide replies', deleteMessages: true }],
          signIns: [
            {
              externalId: 's1',
              ip: '198.51.100.66',
              country: 'BR',
              risk: SignInRisk.LOW,
              at: ago(2).toISOString(),
            },
          ],
          // The window opens with the earliest evidence: the rule and the sign-in, both two days ago.
          since: ago(2).toISOString(),
        },
      ],
    });
    expect(run.findings.sent_mail).toEqual({
      sent: 43,
      clusters: [
        expect.objectContaining({ name: `sent by ${bob}: Invoice 123 overdue`, verdict: Verdict.MALICIOUS, size: 40, inMailbox: 40 }),
        // Sent before the compromise began: nothing against it.
        expect.objectContaining({ name: `sent by ${bob}: Lunch?`, verdict: Verdict.CLEAN, size: 3, inMailbox: 0 }),
      ],
    });
    const sent = run.outcomes.get('sent_mail')!;
    expect(sent.clusters?.map((c) => [c.query, c.queryValue, c.verdict, c.threats])).toEqual([
      [ClusterQuery.SENT_BY_USER, `${bob} invoice 0 overdue`, Verdict.MALICIOUS, ['Sent from a compromised account']],
      [ClusterQuery.SENT_BY_USER, `${bob} lunch?`, Verdict.CLEAN, []],
    ]);
    expect(run.outcomes.get('user_compromise')!.entities?.map((e) => [e.kind, e.value, e.verdict])).toEqual([
      [EntityKind.USER, bob, Verdict.MALICIOUS],
      [EntityKind.INBOX_RULE, 'r1', Verdict.MALICIOUS],
      [EntityKind.IP, '198.51.100.66', Verdict.SUSPICIOUS],
    ]);
    expect(run.actions.map((a) => [a.type, a.clusterRef?.queryValue ?? a.targets?.[0]?.value, a.humanRequired])).toEqual([
      [ActionType.SOFT_DELETE_EMAILS, `${bob} invoice 0 overdue`, 'mail sent by an account of the organisation: an analyst decides'],
      [ActionType.REMOVE_INBOX_RULE, 'r1', undefined],
      [ActionType.RESET_PASSWORD, bob, undefined],
      [ActionType.REVOKE_SESSIONS, bob, undefined],
    ]);
  });

  test('no evidence: nothing compromised, the mass mail (an announcement, maybe) clean, nothing recommended', async () => {
    const quiet = { ...world(), rules: [], signIns: [] };
    const run = await runPlaybook(USER_COMPROMISE_STEPS, fakePorts(quiet), {
      playbook: Playbook.USER_COMPROMISED,
      triggeringAlertId: 'a1',
    });
    expect(run.findings.user_compromise).toEqual({ compromised: [] });
    expect((run.findings.sent_mail as { clusters: { verdict: Verdict }[] }).clusters.map((c) => c.verdict)).toEqual([
      Verdict.CLEAN,
      Verdict.CLEAN,
    ]);
    expect(run.actions).toEqual([]);
  });

  test('a user who sent nothing: sent_mail skipped, the rest still runs', async () => {
    const run = await runPlaybook(USER_COMPROMISE_STEPS, fakePorts({ ...world(), messages: [] }), {
      playbook: Playbook.USER_COMPROMISED,
      triggeringAlertId: 'a1',
    });
    expect(run.skipped).toEqual(['sent_mail']);
    expect(run.findings.sent_mail).toEqual({ sent: 0 });
    expect(run.actions.map((a) => a.type)).toEqual([ActionType.REMOVE_INBOX_RULE, ActionType.RESET_PASSWORD, ActionType.REVOKE_SESSIONS]);
  });
});

describe('email playbook, in memory', () => {
  const lure = (i: number, location = DeliveryLocation.INBOX) =>
    message({
      externalId: `m${i}`,
      recipient: `u${i}@contoso.example`,
      sender: 'payroll@c0ntoso.example',
      senderIp: '203.0.113.9',
      subject: 'Payroll update',
      subjectKey: 'payroll update',
      urls: [`https://c0ntoso.example/login?id=u${i}@contoso.example`],
      urlKeys: ['https://c0ntoso.example/login'],
      domains: ['c0ntoso.example'],
      minhash: [1, 2, 3, 4],
      lshBands: ['b00:1'],
      receivedAt: new Date('2025-03-10T09:00:00Z'),
      location,
    });

  test('a reported phish: malicious verdict, clusters, the clicker compromised, every remediation', async () => {
    const ports = fakePorts({
      mailboxes: ['u0@contoso.example', 'u1@contoso.example', 'u2@contoso.example'],
      messages: [lure(0), lure(1), lure(2, DeliveryLocation.QUARANTINE)],
      alerts: [{ id: 'a1', kind: AlertKind.USER_REPORTED, messageExternalId: 'm0' }],
      indicators: [
        {
          externalId: 'i1',
          kind: IndicatorKind.URL,
          value: 'https://c0ntoso.example/login',
          verdict: Verdict.MALICIOUS,
          campaign: 'payroll',
        },
      ],
      clicks: [
        {
          url: 'https://c0ntoso.example/login?id=u1@contoso.example',
          user: 'u1@contoso.example',
          at: new Date('2025-03-10T10:00:00Z'),
          action: ClickAction.ALLOWED,
          messageExternalId: 'm1',
        },
      ],
      rules: [
        {
          externalId: 'r9',
          mailbox: 'u1@contoso.example',
          name: 'fw',
          forwardTo: 'x@evil.example',
          deleteMessages: false,
          enabled: true,
          createdAt: new Date('2025-03-10T11:00:00Z'),
        },
      ],
    });
    const run = await runPlaybook(EMAIL_STEPS, ports, { playbook: Playbook.USER_SUBMITTED_MESSAGE, triggeringAlertId: 'a1' });
    expect(run.skipped).toEqual(['device_files']);
    expect(run.findings.verdict).toMatchObject({ verdict: Verdict.MALICIOUS, strong: true, campaigns: ['payroll'] });
    const { reasons } = run.findings.verdict as { reasons: string[] };
    expect(reasons[0]).toBe('url https://c0ntoso.example/login is known malicious, campaign payroll');
    expect(run.findings.url_clicks).toMatchObject({
      clickers: ['u1@contoso.example'],
      firstClick: { 'u1@contoso.example': '2025-03-10T10:00:00.000Z' },
    });
    expect(run.actions.map((a) => [a.type, a.clusterRef?.query ?? a.targets?.[0]?.value])).toEqual([
      [ActionType.SOFT_DELETE_EMAILS, ClusterQuery.SIMILAR_CONTENT],
      [ActionType.SOFT_DELETE_EMAILS, ClusterQuery.SAME_SENDER],
      [ActionType.SOFT_DELETE_EMAILS, ClusterQuery.SAME_SENDER_IP_AND_SUBJECT],
      [ActionType.SOFT_DELETE_EMAILS, ClusterQuery.SAME_URL],
      [ActionType.BLOCK_URL, 'https://c0ntoso.example/login'],
      [ActionType.BLOCK_SENDER, 'payroll@c0ntoso.example'],
      [ActionType.REMOVE_INBOX_RULE, 'r9'],
      [ActionType.RESET_PASSWORD, 'u1@contoso.example'],
      [ActionType.REVOKE_SESSIONS, 'u1@contoso.example'],
    ]);
    expect(run.actions[0]?.evidence).toEqual({
      reasons,
      clusterSize: 3,
      inMailbox: 2,
      withoutStrongEvidence: 0,
    });
  });

  test('a benign report (a known, authenticated sender): CLEAN, nothing followed, nothing recommended', async () => {
    const news = message({
      externalId: 'n1',
      sender: 'news@vendor.example',
      senderIp: '198.51.100.1',
      minhash: [5, 6, 7, 8],
      lshBands: ['b01:9'],
      receivedAt: new Date('2025-03-10T09:00:00Z'),
    });
    const older = { ...news, id: 'older', externalId: 'n0', receivedAt: new Date('2025-02-10T09:00:00Z') };
    const ports = fakePorts({
      mailboxes: ['alice@contoso.example'],
      messages: [older, news],
      alerts: [{ id: 'a1', kind: AlertKind.USER_REPORTED, messageExternalId: 'n1' }],
    });
    const run = await runPlaybook(EMAIL_STEPS, ports, { playbook: Playbook.USER_SUBMITTED_MESSAGE, triggeringAlertId: 'a1' });
    // One message before is still a rare domain: a weak signal, far from a threat.
    expect(run.findings.verdict).toMatchObject({ verdict: Verdict.CLEAN, campaigns: [], strong: false });
    expect(run.skipped).toEqual(['url_clicks', 'device_files', 'user_compromise']);
    expect(run.actions).toEqual([]);
  });
});

describe('recommendations', () => {
  const root: RootFindings = { ...EMPTY_ROOT, kind: 'message', sender: 's@evil.example' };
  const cluster = (verdict: Verdict, inMailbox: number) => ({
    key: 'k',
    query: ClusterQuery.SAME_SENDER,
    queryValue: 's@evil.example',
    verdict,
    inMailbox,
    size: 5,
    weak: 0,
  });

  test.each<[string, Verdict, ReturnType<typeof cluster>[], ActionType[]]>([
    [
      'malicious root, malicious cluster in mailboxes',
      Verdict.MALICIOUS,
      [cluster(Verdict.MALICIOUS, 2)],
      [ActionType.SOFT_DELETE_EMAILS, ActionType.BLOCK_URL, ActionType.BLOCK_SENDER, ActionType.BLOCK_FILE, ActionType.SCAN_MACHINE],
    ],
    [
      'malicious root, cluster already out of mailboxes',
      Verdict.MALICIOUS,
      [cluster(Verdict.MALICIOUS, 0)],
      [ActionType.BLOCK_URL, ActionType.BLOCK_SENDER, ActionType.BLOCK_FILE, ActionType.SCAN_MACHINE],
    ],
    [
      'suspicious root: deleting its cluster is recommended for a human to decide; no blocks; machines still scanned',
      Verdict.SUSPICIOUS,
      [cluster(Verdict.SUSPICIOUS, 2)],
      [ActionType.SOFT_DELETE_EMAILS, ActionType.SCAN_MACHINE],
    ],
  ])('%s', (_, verdict, clusters, types) => {
    const actions = recommendations(
      root,
      { verdict, reasons: ['Phish url'], strong: true },
      { maliciousUrlKeys: ['https://evil.example/x'], maliciousHashes: ['f00d'] },
      { clusters },
      { machines: ['PC-1'] },
      [],
    );
    expect(actions.map((a) => a.type)).toEqual(types);
    if (verdict === Verdict.SUSPICIOUS) expect(actions[0]?.humanRequired).toMatch(/an analyst decides/);
    else expect(actions.every((a) => a.humanRequired === undefined)).toBe(true);
  });

  const judged = (over: Partial<Judgement> = {}) =>
    recommendations(
      root,
      { verdict: Verdict.MALICIOUS, reasons: ['weak signals'], strong: false, ...over },
      {},
      { clusters: [{ ...cluster(Verdict.MALICIOUS, 4), weak: 3 }] },
      {},
      [],
    );
  test('automation may not act on members without strong evidence of their own, nor block on weak evidence', () => {
    const [remove, block] = judged();
    expect(remove).toMatchObject({
      type: ActionType.SOFT_DELETE_EMAILS,
      humanRequired: '3 of 4 message(s) have no strong evidence of their own',
    });
    expect(block).toMatchObject({ type: ActionType.BLOCK_SENDER, humanRequired: expect.stringMatching(/no evidence strong alone/) });
  });

  test("mail of the organisation's own or an established sender is never deleted automatically, however strong the evidence", () => {
    const [remove] = recommendations(
      root,
      { verdict: Verdict.MALICIOUS, reasons: ['known-bad URL'], strong: true },
      {},
      { clusters: [{ ...cluster(Verdict.MALICIOUS, 4), protected: 4 }] },
      {},
      [],
    );
    expect(remove?.humanRequired).toBe(
      "4 of 4 message(s) were sent by the organisation's own or an established sender: an analyst decides",
    );
  });

  test('an internal or established sender is never blocked automatically, however strong the evidence', () => {
    const block = judged({ strong: true, protectedSender: 'an address of the organisation' }).find(
      (a) => a.type === ActionType.BLOCK_SENDER,
    );
    expect(block?.humanRequired).toBe('an address of the organisation: never blocked automatically');
  });
});
