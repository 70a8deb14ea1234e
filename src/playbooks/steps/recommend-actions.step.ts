import { ActionType } from '../../domain/action.js';
import { EntityKind, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import { normaliseUrl } from '../../domain/url.js';
import type { ActionFinding } from '../playbook.types.js';
import type { CompromisedUser, DeviceFindings, HuntFindings, RootFindings, ThreatFindings } from './findings.js';
import { defineStep } from './step.js';

/** What the root's judgement tells automation: whether the verdict rests on strong evidence, and who sent it. */
export interface Judgement {
  verdict: Verdict;
  reasons: string[];
  /** The verdict rests on evidence strong alone (threat intelligence, an analyst, the filter's detection). */
  strong: boolean;
  /** The sender is inside the organisation, or an established, authenticated one: never blocked without a human. */
  protectedSender?: string;
  /** Why no email action may run without a human, whatever its members' evidence (mail of the organisation's own account). */
  emailsNeedHuman?: string;
}

/**
 * The actions the findings call for. Email actions on a malicious root's malicious clusters, and — for a
 * human to decide — on a suspicious root's; a compromised user's rules, password and sessions, and
 * machines holding the files, whatever the root's verdict. An action automation may not run carries
 * `humanRequired`: a member without strong evidence of its own, a verdict without strong evidence, an
 * internal or established sender.
 */
export function recommendations(
  root: RootFindings,
  judgement: Judgement,
  threat: Pick<Partial<ThreatFindings>, 'maliciousUrlKeys' | 'maliciousHashes'>,
  hunt: Partial<HuntFindings>,
  devices: Partial<DeviceFindings>,
  compromised: Pick<CompromisedUser, 'user' | 'rules'>[],
): ActionFinding[] {
  const { verdict, reasons } = judgement;
  const actions: ActionFinding[] = [];
  if (verdict === Verdict.MALICIOUS || verdict === Verdict.SUSPICIOUS) {
    for (const c of hunt.clusters ?? []) {
      if (c.verdict === Verdict.CLEAN || c.verdict === Verdict.UNKNOWN || c.inMailbox === 0) continue;
      const query = c.query.toLowerCase().replace(/_/g, ' ');
      actions.push({
        type: ActionType.SOFT_DELETE_EMAILS,
        rationale: `${c.inMailbox} ${c.verdict.toLowerCase()} message(s) of a cluster (${query}) are still in mailboxes`,
        clusterRef: { query: c.query, queryValue: c.queryValue },
        evidence: { reasons, clusterSize: c.size, inMailbox: c.inMailbox, withoutStrongEvidence: c.weak },
        humanRequired:
          judgement.emailsNeedHuman ??
          (verdict === Verdict.SUSPICIOUS || c.verdict === Verdict.SUSPICIOUS
            ? 'the messages are suspicious, not proven malicious: an analyst decides'
            : (c.protected ?? 0) > 0
              ? `${c.protected} of ${c.inMailbox} message(s) were sent by the organisation's own or an established sender: an analyst decides`
              : c.weak > 0
                ? `${c.weak} of ${c.inMailbox} message(s) have no strong evidence of their own`
                : undefined),
      });
    }
  }
  if (verdict === Verdict.MALICIOUS) {
    const urls = [...new Set([...(threat.maliciousUrlKeys ?? []), ...(root.url ? [normaliseUrl(root.url)] : [])])];
    for (const url of urls)
      actions.push({ type: ActionType.BLOCK_URL, rationale: 'URL is malicious', targets: [{ kind: EntityKind.URL, value: url }] });
    if (root.sender)
      actions.push({
        type: ActionType.BLOCK_SENDER,
        rationale: `Sender of malicious mail: ${reasons.slice(0, 3).join('; ')}`,
        targets: [{ kind: EntityKind.SENDER, value: root.sender }],
        humanRequired: judgement.protectedSender
          ? `${judgement.protectedSender}: never blocked automatically`
          : judgement.strong
            ? undefined
            : 'the verdict rests on no evidence strong alone: an analyst decides whether to block the sender',
      });
    for (const sha of threat.maliciousHashes ?? [])
      actions.push({
        type: ActionType.BLOCK_FILE,
        rationale: 'Attachment is known malware',
        targets: [{ kind: EntityKind.FILE, value: sha }],
      });
  }
  for (const c of compromised) {
    for (const r of c.rules)
      actions.push({
        type: ActionType.REMOVE_INBOX_RULE,
        rationale: `Inbox rule '${r.name}' created after compromise`,
        targets: [{ kind: EntityKind.INBOX_RULE, value: r.externalId, externalId: r.externalId }],
      });
    actions.push({
      type: ActionType.RESET_PASSWORD,
      rationale: 'User is compromised',
      targets: [{ kind: EntityKind.USER, value: c.user }],
    });
    actions.push({
      type: ActionType.REVOKE_SESSIONS,
      rationale: 'User is compromised',
      targets: [{ kind: EntityKind.USER, value: c.user }],
    });
  }
  for (const machine of devices.machines ?? [])
    actions.push({
      type: ActionType.SCAN_MACHINE,
      rationale: 'A malicious attachment is on this machine',
      targets: [{ kind: EntityKind.MACHINE, value: machine }],
    });
  return actions;
}

/** Email playbooks' remediation. Nothing found, nothing recommended. */
export const recommendStep = defineStep({
  key: 'recommend_actions',
  name: 'Recommend remediation',
  description:
    'Recommend deleting the malicious clusters’ messages still in mailboxes, blocking URLs, senders and files, removing rules, resetting compromised accounts and scanning machines.',
  phase: Phase.REMEDIATION,
  dependsOn: ['root', 'verdict', 'sender_reputation', 'threat_type', 'similar_messages', 'url_clicks', 'device_files', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root');
    const { verdict, reasons, strong } = ctx.results('verdict');
    const sender = ctx.results('sender_reputation');
    const threat = ctx.results('threat_type');
    const hunt = ctx.results('similar_messages');
    const devices = ctx.results('device_files');
    const compromise = ctx.results('user_compromise');
    const protectedSender = sender.internalSender
      ? 'an address of the organisation'
      : sender.established
        ? 'an established, authenticated sender'
        : undefined;
    return {
      findings: {},
      actions: recommendations(root, { verdict, reasons, strong, protectedSender }, threat, hunt, devices, compromise.compromised ?? []),
    };
  },
});

/**
 * The user-compromise playbook's remediation: the compromised user's rules, password and sessions, and
 * deleting the malicious mail the account sent in its compromise window — always for a human to approve.
 */
export const userRecommendStep = defineStep({
  key: 'recommend_actions',
  name: 'Recommend remediation',
  description:
    'Remove the suspicious rules, reset the password and revoke the sessions of a compromised user, and delete the malicious mail it sent.',
  phase: Phase.REMEDIATION,
  dependsOn: ['root', 'user_compromise', 'sent_mail'],
  async run(ctx) {
    const root = ctx.results('root');
    const compromise = ctx.results('user_compromise');
    const sent = ctx.results('sent_mail');
    const clusters = (sent.clusters ?? []).filter((c) => c.verdict === Verdict.MALICIOUS);
    const judgement: Judgement = {
      verdict: clusters.length ? Verdict.MALICIOUS : Verdict.UNKNOWN,
      reasons: clusters.length ? ['sent from a compromised account in its compromise window'] : [],
      strong: false,
      emailsNeedHuman: 'mail sent by an account of the organisation: an analyst decides',
    };
    return { findings: {}, actions: recommendations(root, judgement, {}, { clusters }, {}, compromise.compromised ?? []) };
  },
});
