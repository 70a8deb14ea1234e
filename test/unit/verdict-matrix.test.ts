import { ClusterQuery, Playbook } from '../../src/domain/investigation.js';
import { Verdict } from '../../src/domain/telemetry.js';
import { verdictStep } from '../../src/playbooks/steps/verdict.step.js';
import { clusterStep } from '../../src/playbooks/steps/similar-messages.step.js';
import { sentMailStep } from '../../src/playbooks/steps/sent-mail.step.js';
import type { RootFindings } from '../../src/playbooks/steps/findings.js';
import { Signal, type Evidence } from '../../src/domain/evidence.js';
import { evidence, MALICIOUS_SCORE, SUSPICIOUS_SCORE } from '../../src/playbooks/signals/weights.js';
import { fakePorts, message } from './support/fake-ports.js';
import type { MessageFacts } from '../../src/playbooks/ports.js';
import { runStep } from './support/run-steps.js';

/*
 * The verdict matrix: a root's verdict is the sum of its evidence's weights (signals/weights.ts) —
 * MALICIOUS from MALICIOUS_SCORE, SUSPICIOUS from SUSPICIOUS_SCORE — gathered from the root's own
 * signals, threat intelligence, its near-duplicates and its sender's history. The weights are passed
 * explicitly here: these cases check the rule, not the calibration.
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
  authPassed: false,
  linkDomains: [],
  internal: false,
  evidence: [],
  minhash: [],
  lshBands: [],
  ...over,
});

interface Found {
  own?: Evidence[];
  intel?: Evidence[];
  zap?: Evidence[];
  sender?: Evidence[];
  userRoot?: boolean;
}

async function judge(f: Found) {
  const findings = {
    root: root({ kind: f.userRoot ? 'user' : 'message', evidence: f.own ?? [] }),
    threat_type: { threats: [], campaigns: ['payroll'], evidence: f.intel ?? [] },
    sender_reputation: { internalSender: false, evidence: f.sender ?? [] },
    zap_check: { evidence: f.zap ?? [] },
  };
  return runStep(verdictStep, fakePorts({}), findings, investigation);
}

const weak = (signal: Signal, weight: number) => evidence(signal, `${signal.toLowerCase()} seen`, weight);
const just = MALICIOUS_SCORE - SUSPICIOUS_SCORE;

describe('root verdict', () => {
  test.each<[string, Found, Verdict, boolean]>([
    ['no evidence', {}, Verdict.CLEAN, false],
    ['no evidence, user root', { userRoot: true }, Verdict.UNKNOWN, false],
    ['threat intelligence alone', { intel: [evidence(Signal.THREAT_INTELLIGENCE, 'url x known malicious')] }, Verdict.MALICIOUS, true],
    ['detected on arrival alone', { own: [evidence(Signal.DETECTED_ON_ARRIVAL, 'detected as phish')] }, Verdict.MALICIOUS, true],
    ['one weak signal below the line', { own: [weak(Signal.REPLY_TO_MISMATCH, SUSPICIOUS_SCORE / 2)] }, Verdict.CLEAN, false],
    [
      'weak signals reaching SUSPICIOUS',
      { own: [weak(Signal.REPLY_TO_MISMATCH, SUSPICIOUS_SCORE / 2)], sender: [weak(Signal.RARE_SENDER_DOMAIN, SUSPICIOUS_SCORE / 2)] },
      Verdict.SUSPICIOUS,
      false,
    ],
    [
      'weak signals from several steps reaching MALICIOUS: malicious, but not strong',
      {
        own: [weak(Signal.CREDENTIAL_WORDING, just), weak(Signal.LINK_TEXT_MISMATCH, SUSPICIOUS_SCORE / 2)],
        zap: [weak(Signal.MULTIPLE_REPORTERS, SUSPICIOUS_SCORE / 2)],
      },
      Verdict.MALICIOUS,
      false,
    ],
    [
      'context alone (a new domain, several reporters) adding up past MALICIOUS: only SUSPICIOUS',
      { sender: [weak(Signal.RARE_SENDER_DOMAIN, SUSPICIOUS_SCORE)], zap: [weak(Signal.MULTIPLE_REPORTERS, SUSPICIOUS_SCORE)] },
      Verdict.SUSPICIOUS,
      false,
    ],
    [
      'an established sender outweighs weak signals',
      { own: [weak(Signal.CREDENTIAL_WORDING, SUSPICIOUS_SCORE)], sender: [weak(Signal.ESTABLISHED_SENDER, -SUSPICIOUS_SCORE)] },
      Verdict.CLEAN,
      false,
    ],
  ])('%s → %s', async (_, found, verdict, strong) => {
    const { findings } = await judge(found);
    expect(findings).toEqual(expect.objectContaining({ verdict, strong, campaigns: ['payroll'] }));
  });

  test('the root message entity carries the verdict and every piece of evidence, strongest first; reasons are the positive ones', async () => {
    const intel = evidence(Signal.THREAT_INTELLIGENCE, 'url https://evil.example/x is known malicious');
    const established = weak(Signal.ESTABLISHED_SENDER, -0.2);
    const outcome = await judge({ intel: [intel], sender: [established], own: [weak(Signal.REPLY_TO_MISMATCH, 0.3)] });
    expect(outcome.findings).toEqual(
      expect.objectContaining({ verdict: Verdict.MALICIOUS, reasons: [intel.detail, 'reply_to_mismatch seen'] }),
    );
    expect(outcome.entities).toEqual([
      expect.objectContaining({
        value: 'm1',
        verdict: Verdict.MALICIOUS,
        evidence: [intel, expect.objectContaining({ signal: Signal.REPLY_TO_MISMATCH }), established],
      }),
    ]);
    expect((outcome.findings as { score: number }).score).toBeCloseTo(intel.weight + 0.3 - 0.2);
  });

  test('skipped threat, sender and zap checks (empty findings) are no evidence', async () => {
    const outcome = await runStep(
      verdictStep,
      fakePorts({}),
      { root: root(), threat_type: {}, sender_reputation: {}, zap_check: {} },
      investigation,
    );
    expect(outcome.findings).toEqual({ verdict: Verdict.CLEAN, reasons: [], campaigns: [], evidence: [], score: 0, strong: false });
  });
});

describe('cluster verdicts', () => {
  // Each member is judged on its own evidence (membership.ts); the cluster takes its worst member's verdict.
  const intelUrl = 'https://evil.example/x';
  test.each<[string, Verdict, Partial<MessageFacts>, Verdict, string[]]>([
    ['malicious root, sibling carries the known-bad URL', Verdict.MALICIOUS, { urlKeys: [intelUrl] }, Verdict.MALICIOUS, ['Phish url']],
    ['malicious root, same outside sender and subject', Verdict.MALICIOUS, { subjectKey: 'hello' }, Verdict.MALICIOUS, ['Phish url']],
    ['malicious root, same sender but other content', Verdict.MALICIOUS, { subjectKey: 'newsletter' }, Verdict.SUSPICIOUS, []],
    ['suspicious root, same sender and subject', Verdict.SUSPICIOUS, { subjectKey: 'hello' }, Verdict.SUSPICIOUS, []],
    ['clean root', Verdict.CLEAN, { subjectKey: 'hello' }, Verdict.CLEAN, []],
  ])('%s: root %s → cluster %s', async (_, rootVerdict, sibling, clusterVerdict, clusterThreats) => {
    const outcome = await runStep(
      clusterStep,
      fakePorts({ messages: [message({ externalId: 'm2', sender: 'x@outside.example', ...sibling })] }),
      {
        root: root({ subjectKey: 'hello' }),
        verdict: { verdict: rootVerdict, reasons: [], campaigns: [], evidence: [], score: 0, strong: false },
        threat_type: { threats: rootVerdict === Verdict.MALICIOUS ? ['Phish url'] : [], maliciousUrlKeys: [intelUrl] },
        sender_reputation: { internalSender: false, established: false, rareLandingDomains: [] },
        zap_check: {},
      },
      investigation,
    );
    expect(outcome.clusters?.map((c) => [c.query, c.verdict, c.threats])).toEqual([
      [ClusterQuery.SAME_SENDER, clusterVerdict, clusterThreats],
    ]);
  });

  // The user-compromise playbook's sent mail: each message judged; in the compromise window it counts,
  // heavier as one of many copies — to colleagues as much as outside.
  const sent = (n: number, outside: number, at = '2025-03-05T09:00:00Z') =>
    Array.from({ length: n }, (_, i) =>
      message({
        externalId: `s${n}-${i}`,
        sender: 'bob@contoso.example',
        subject: `Batch ${n}`,
        recipient: i < outside ? `p${i}@partner.example` : `c${i}@contoso.example`,
        receivedAt: new Date(at),
      }),
    );
  const bob = { user: 'bob@contoso.example', since: '2025-03-01T00:00:00.000Z', rules: [], signIns: [] };
  test.each<[string, MessageFacts[], boolean, Verdict]>([
    ['mass mail to colleagues in the compromise window', sent(10, 0), true, Verdict.MALICIOUS],
    ['mass mail outside in the compromise window', sent(10, 10), true, Verdict.MALICIOUS],
    ['a few messages in the compromise window: suspicious, for a human', sent(3, 3), true, Verdict.SUSPICIOUS],
    ['mass mail before the compromise window', sent(10, 6, '2025-02-01T09:00:00Z'), true, Verdict.CLEAN],
    ['mass mail from an account not compromised (an announcement)', sent(10, 0), false, Verdict.CLEAN],
  ])('sent mail: %s → %s', async (_, messages, compromised, verdict) => {
    const outcome = await runStep(
      sentMailStep,
      fakePorts({ mailboxes: ['bob@contoso.example'], messages }),
      {
        root: root({ kind: 'user', user: 'bob@contoso.example' }),
        user_compromise: { compromised: compromised ? [bob] : [] },
      },
      { playbook: Playbook.USER_COMPROMISED },
    );
    expect(outcome.clusters?.map((c) => c.verdict)).toEqual([verdict]);
    const [summary] = (outcome.findings as { clusters: { inMailbox: number; weak: number }[] }).clusters;
    // Every copy of an account of the organisation is weak: deleting it always waits for a human.
    expect(summary!.weak).toBe(summary!.inMailbox);
  });
});
