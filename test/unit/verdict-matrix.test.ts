import { ClusterQuery, Playbook } from '../../src/domain/investigation.js';
import { Verdict } from '../../src/domain/telemetry.js';
import { verdictStep } from '../../src/playbooks/steps/verdict.step.js';
import { clusterStep } from '../../src/playbooks/steps/similar-messages.step.js';
import { sentMailStep } from '../../src/playbooks/steps/sent-mail.step.js';
import type { RootFindings } from '../../src/playbooks/steps/findings.js';
import { fakePorts, message } from './support/fake-ports.js';
import { runStep } from './support/run-steps.js';

/*
 * The verdict matrix: which signals give which verdict, for the root and for the clusters. Strong
 * signals (any one: MALICIOUS) — a known-bad indicator or a phish/malware detection (threat_type's
 * threats), zapped or detected near-duplicates, a URL verdict change. Weak signals (two: MALICIOUS,
 * one: SUSPICIOUS) — a look-alike sender domain; a first-time sender failing authentication.
 * Nothing: CLEAN, or UNKNOWN for a user root.
 */
const investigation = { playbook: Playbook.USER_SUBMITTED_MESSAGE };
const root = (over: Partial<RootFindings> = {}): RootFindings => ({
  kind: 'message',
  messageExternalId: 'm1',
  sender: 'x@outside.example',
  senderDomain: 'outside.example',
  subject: 'Hello',
  urls: [],
  urlKeys: [],
  domains: [],
  attachmentHashes: [],
  recipients: ['alice@contoso.example'],
  authFailed: false,
  minhash: [],
  lshBands: [],
  ...over,
});

interface Signals {
  threats?: string[];
  zapped?: number;
  detected?: number;
  urlRoot?: boolean;
  userRoot?: boolean;
  lookalike?: boolean;
  authFailed?: boolean;
  firstTimeSender?: boolean;
}

async function verdictOf(s: Signals) {
  const findings = {
    root: root({ kind: s.urlRoot ? 'url' : s.userRoot ? 'user' : 'message', authFailed: s.authFailed ?? false }),
    threat_type: { threats: s.threats ?? [], campaigns: [] },
    sender_reputation: {
      firstTimeSender: s.firstTimeSender ?? false,
      lookalikeOf: s.lookalike ? 'contoso.example' : null,
      internalSender: false,
    },
    zap_check: { zapped: s.zapped ?? 0, detected: s.detected ?? 0 },
  };
  return (await runStep(verdictStep, fakePorts({}), findings, investigation)).findings;
}

describe('root verdict', () => {
  test.each<[string, Signals, Verdict, string[]]>([
    ['no signal', {}, Verdict.CLEAN, []],
    ['no signal, user root', { userRoot: true }, Verdict.UNKNOWN, []],
    ['known-bad indicator', { threats: ['Phish url'] }, Verdict.MALICIOUS, ['Phish url']],
    ['detected as phish', { threats: ['Detected as phish'] }, Verdict.MALICIOUS, ['Detected as phish']],
    ['zapped near-duplicates', { zapped: 2 }, Verdict.MALICIOUS, ['2 similar message(s) zapped']],
    ['detected near-duplicates', { detected: 3 }, Verdict.MALICIOUS, ['3 similar message(s) detected as phish or malware']],
    ['URL verdict change', { urlRoot: true }, Verdict.MALICIOUS, ['URL verdict changed to malicious']],
    ['look-alike domain alone', { lookalike: true }, Verdict.SUSPICIOUS, ['sender domain imitates contoso.example']],
    [
      'first-time sender failing authentication',
      { firstTimeSender: true, authFailed: true },
      Verdict.SUSPICIOUS,
      ['first-time sender failing authentication'],
    ],
    ['authentication failure alone (known sender)', { authFailed: true }, Verdict.CLEAN, []],
    ['first-time sender alone (authenticated)', { firstTimeSender: true }, Verdict.CLEAN, []],
    [
      'both weak signals',
      { lookalike: true, firstTimeSender: true, authFailed: true },
      Verdict.MALICIOUS,
      ['sender domain imitates contoso.example', 'first-time sender failing authentication'],
    ],
    [
      'strong and weak',
      { threats: ['Phish domain'], lookalike: true },
      Verdict.MALICIOUS,
      ['Phish domain', 'sender domain imitates contoso.example'],
    ],
    ['weak signal on a user root', { userRoot: true, lookalike: true }, Verdict.SUSPICIOUS, ['sender domain imitates contoso.example']],
  ])('%s: %j → %s', async (_, signals, verdict, reasons) => {
    expect(await verdictOf(signals)).toEqual({ verdict, reasons, campaigns: [] });
  });

  test('the root message entity carries the verdict and its reasons; campaigns pass through', async () => {
    const outcome = await runStep(
      verdictStep,
      fakePorts({}),
      { root: root(), threat_type: { threats: ['Phish url'], campaigns: ['payroll'] }, sender_reputation: {}, zap_check: {} },
      investigation,
    );
    expect(outcome.findings).toEqual({ verdict: Verdict.MALICIOUS, reasons: ['Phish url'], campaigns: ['payroll'] });
    expect(outcome.entities).toEqual([expect.objectContaining({ value: 'm1', verdict: Verdict.MALICIOUS, threats: ['Phish url'] })]);
  });

  test('skipped threat, sender and zap checks (empty findings) are no signals', async () => {
    const outcome = await runStep(
      verdictStep,
      fakePorts({}),
      { root: root(), threat_type: {}, sender_reputation: {}, zap_check: {} },
      investigation,
    );
    expect(outcome.findings).toEqual({ verdict: Verdict.CLEAN, reasons: [], campaigns: [] });
  });
});

describe('cluster verdicts', () => {
  const sibling = message({ externalId: 'm2', sender: 'x@outside.example' });

  test.each<[Verdict, string[] | undefined, Verdict, string[]]>([
    [Verdict.MALICIOUS, ['Phish url'], Verdict.MALICIOUS, ['Phish url']],
    // Malicious on weak or sibling signals only: the cluster's threat is named generically.
    [Verdict.MALICIOUS, [], Verdict.MALICIOUS, ['Phish']],
    [Verdict.SUSPICIOUS, [], Verdict.SUSPICIOUS, []],
    [Verdict.CLEAN, [], Verdict.CLEAN, []],
    [Verdict.UNKNOWN, [], Verdict.CLEAN, []],
  ])('root %s with threats %j → clusters %s, threats %j', async (rootVerdict, threats, clusterVerdict, clusterThreats) => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({ messages: [sibling] }),
      {
        root: root(),
        verdict: { verdict: rootVerdict, reasons: [], campaigns: [] },
        threat_type: { threats },
        sender_reputation: { internalSender: false },
      },
      investigation,
    );
    expect(outcome.clusters?.map((c) => [c.query, c.verdict, c.threats])).toEqual([
      [ClusterQuery.SAME_SENDER, clusterVerdict, clusterThreats],
    ]);
  });

  // The user-compromise playbook's sent mail: per subject, by volume, outside share and compromise.
  const sent = (n: number, outside: number) =>
    Array.from({ length: n }, (_, i) =>
      message({
        externalId: `s${n}-${i}`,
        sender: 'bob@contoso.example',
        subject: `Batch ${n}`,
        recipient: i < outside ? `p${i}@partner.example` : `c${i}@contoso.example`,
      }),
    );
  test.each<[string, number, number, boolean, Verdict]>([
    ['mass mail, mostly outside, compromised', 10, 6, true, Verdict.MALICIOUS],
    ['mass mail, mostly outside, not compromised', 10, 6, false, Verdict.SUSPICIOUS],
    ['mass mail, half outside, compromised', 10, 5, true, Verdict.SUSPICIOUS],
    ['a few messages outside, compromised', 9, 9, true, Verdict.CLEAN],
  ])('sent mail: %s → %s', async (_, n, outside, compromised, verdict) => {
    const outcome = await runStep(
      sentMailStep,
      fakePorts({ mailboxes: ['bob@contoso.example'], messages: sent(n, outside) }),
      {
        root: root({ kind: 'user', user: 'bob@contoso.example' }),
        user_compromise: { compromised: compromised ? [{ user: 'bob@contoso.example', rules: [], signIns: [] }] : [] },
      },
      { playbook: Playbook.USER_COMPROMISED },
    );
    expect(outcome.clusters?.map((c) => c.verdict)).toEqual([verdict]);
  });
});
