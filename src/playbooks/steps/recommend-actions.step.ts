import { ActionType } from '../../domain/action.js';
import { EntityKind, Phase } from '../../domain/investigation.js';
import { Verdict } from '../../domain/telemetry.js';
import { normaliseUrl } from '../../domain/url.js';
import type { ActionFinding } from '../playbook.types.js';
import type { CompromisedUser, DeviceFindings, HuntFindings, RootFindings, ThreatFindings } from './findings.js';
import { defineStep } from './step.js';

/**
 * The actions the findings call for. Email actions only on a malicious root; a compromised user's
 * rules, password and sessions, and machines holding the files, whatever the root's verdict.
 */
export function recommendations(
  root: RootFindings,
  verdict: Verdict,
  reasons: string[],
  threat: Pick<Partial<ThreatFindings>, 'maliciousUrlKeys' | 'maliciousHashes'>,
  hunt: Partial<HuntFindings>,
  devices: Partial<DeviceFindings>,
  compromised: Pick<CompromisedUser, 'user' | 'rules'>[],
): ActionFinding[] {
  const actions: ActionFinding[] = [];
  if (verdict === Verdict.MALICIOUS) {
    for (const c of hunt.clusters ?? []) {
      if (c.verdict !== Verdict.MALICIOUS || c.inMailbox === 0) continue;
      actions.push({
        type: ActionType.SOFT_DELETE_EMAILS,
        rationale: `${c.inMailbox} message(s) of a malicious cluster (${c.query.toLowerCase().replace(/_/g, ' ')}) are still in mailboxes`,
        clusterRef: { query: c.query, queryValue: c.queryValue },
        evidence: { reasons, clusterSize: c.size, inMailbox: c.inMailbox },
      });
    }
    const urls = [...new Set([...(threat.maliciousUrlKeys ?? []), ...(root.url ? [normaliseUrl(root.url)] : [])])];
    for (const url of urls)
      actions.push({ type: ActionType.BLOCK_URL, rationale: 'URL is malicious', targets: [{ kind: EntityKind.URL, value: url }] });
    if (root.sender)
      actions.push({
        type: ActionType.BLOCK_SENDER,
        rationale: `Sender of malicious mail: ${reasons.join('; ')}`,
        targets: [{ kind: EntityKind.SENDER, value: root.sender }],
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
  dependsOn: ['root', 'verdict', 'threat_type', 'similar_messages', 'url_clicks', 'device_files', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root');
    const { verdict, reasons } = ctx.results('verdict');
    const threat = ctx.results('threat_type');
    const hunt = ctx.results('similar_messages');
    const devices = ctx.results('device_files');
    const compromise = ctx.results('user_compromise');
    return { findings: {}, actions: recommendations(root, verdict, reasons, threat, hunt, devices, compromise.compromised ?? []) };
  },
});

/** The user-compromise playbook's remediation: the compromised user's rules, password and sessions. */
export const userRecommendStep = defineStep({
  key: 'recommend_actions',
  name: 'Recommend remediation',
  description: 'Remove the suspicious rules, reset the password and revoke the sessions of a compromised user.',
  phase: Phase.REMEDIATION,
  dependsOn: ['root', 'user_compromise', 'sent_mail'],
  async run(ctx) {
    const root = ctx.results('root');
    const compromise = ctx.results('user_compromise');
    return { findings: {}, actions: recommendations(root, Verdict.UNKNOWN, [], {}, {}, {}, compromise.compromised ?? []) };
  },
});
