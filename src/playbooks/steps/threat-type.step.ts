import { EntityKind, Phase } from '../../domain/investigation.js';
import { IndicatorKind, Verdict } from '../../domain/telemetry.js';
import { normaliseUrl } from '../../domain/url.js';
import type { EntityFinding } from '../playbook.types.js';
import { defineStep, MALICIOUS_DETECTIONS } from './step.js';
import { Signal } from '../../domain/evidence.js';
import { evidence, GRADES, SIGNAL_WEIGHTS } from '../signals/weights.js';

/** An indicator's entity kind: the kinds share names except domain and sender. */
const entityKindOf = (kind: IndicatorKind): EntityKind =>
  kind === IndicatorKind.DOMAIN ? EntityKind.DOMAIN : kind === IndicatorKind.SENDER ? EntityKind.SENDER : (kind as unknown as EntityKind);

/** Threat type: threat intelligence on the URLs, domains, files, sender and IP; authentication; detection. */
export const threatStep = defineStep({
  key: 'threat_type',
  name: 'Determine the threat type',
  description:
    'Look up the URLs, domains, attachments, sender and sender IP in threat intelligence; check authentication and the detection verdict.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root');
    if (root.kind === 'user') return { skipped: true, findings: {} };
    const { intel } = ctx;
    const hits = [
      ...(await intel.indicators(IndicatorKind.URL, [...root.urls, ...root.urlKeys, ...(root.url ? [root.url] : [])])),
      ...(await intel.indicators(IndicatorKind.DOMAIN, [...root.domains, ...(root.senderDomain ? [root.senderDomain] : [])])),
      ...(await intel.indicators(IndicatorKind.FILE, root.attachmentHashes)),
      ...(await intel.indicators(IndicatorKind.SENDER, root.sender ? [root.sender] : [])),
      ...(await intel.indicators(IndicatorKind.IP, root.senderIp ? [root.senderIp] : [])),
    ];
    const malicious = hits.filter((h) => h.verdict === Verdict.MALICIOUS);
    const messageVerdicts = (root.messageExternalId ? await intel.analystVerdicts([root.messageExternalId]) : []).filter(
      (v) => v.verdict === Verdict.MALICIOUS || v.verdict === Verdict.CLEAN,
    );
    const threats = [...new Set(malicious.map((h) => `${h.kind === IndicatorKind.FILE ? 'Malware' : 'Phish'} ${h.kind.toLowerCase()}`))];
    if (root.detection && MALICIOUS_DETECTIONS.has(root.detection)) threats.push(`Detected as ${root.detection.toLowerCase()}`);
    const entities: EntityFinding[] = hits.map((h) => ({
      kind: entityKindOf(h.kind),
      value: h.value,
      displayName: h.value,
      externalId: h.externalId,
      verdict: h.verdict,
      threats: h.verdict === Verdict.MALICIOUS ? ['Known bad indicator'] : [],
      details: { campaign: h.campaign, source: h.source },
    }));
    if (root.sender)
      entities.push({
        kind: EntityKind.SENDER,
        value: root.sender,
        displayName: root.sender,
        verdict: malicious.some((h) => h.kind === IndicatorKind.SENDER) ? Verdict.MALICIOUS : Verdict.UNKNOWN,
        details: { domain: root.senderDomain, authenticationFailed: root.authFailed },
      });
    if (root.senderIp)
      entities.push({
        kind: EntityKind.IP,
        value: root.senderIp,
        displayName: root.senderIp,
        verdict: malicious.some((h) => h.kind === IndicatorKind.IP) ? Verdict.MALICIOUS : Verdict.UNKNOWN,
      });
    return {
      findings: {
        indicatorHits: hits.map((h) => ({ kind: h.kind, value: h.value, verdict: h.verdict, campaign: h.campaign })),
        maliciousUrlKeys: [...new Set(malicious.filter((h) => h.kind === IndicatorKind.URL).map((h) => normaliseUrl(h.value)))],
        maliciousDomains: malicious.filter((h) => h.kind === IndicatorKind.DOMAIN).map((h) => h.value),
        maliciousHashes: malicious.filter((h) => h.kind === IndicatorKind.FILE).map((h) => h.value),
        campaigns: [...new Set(hits.map((h) => h.campaign).filter((c): c is string => Boolean(c)))],
        threats,
        authenticationFailed: root.authFailed,
        evidence: [
          ...malicious.map((h) =>
            h.analyst
              ? evidence(Signal.ANALYST_VERDICT, `an analyst (${h.analyst.by}) judged ${h.kind.toLowerCase()} ${h.value} malicious`)
              : evidence(
                  Signal.THREAT_INTELLIGENCE,
                  `${h.kind.toLowerCase()} ${h.value} is known malicious${h.source ? ` (${h.source})` : ''}${h.campaign ? `, campaign ${h.campaign}` : ''}`,
                ),
          ),
          // An analyst's CLEAN on the sender or the message itself speaks for it; on a link it says only that
          // the link is fine — a phish links real pages too.
          ...hits
            .filter((h) => h.analyst && h.verdict === Verdict.CLEAN && (h.kind === IndicatorKind.SENDER || h.kind === IndicatorKind.DOMAIN))
            .filter((h) => h.kind === IndicatorKind.SENDER || h.value === root.senderDomain)
            .map((h) =>
              evidence(
                Signal.ANALYST_VERDICT,
                `an analyst (${h.analyst!.by}) judged the sender ${h.value} legitimate`,
                GRADES.ANALYST_CLEAN,
              ),
            ),
          ...messageVerdicts.map((v) =>
            evidence(
              Signal.ANALYST_VERDICT,
              `an analyst (${v.analyst.by}) judged this message ${v.verdict.toLowerCase()}`,
              v.verdict === Verdict.MALICIOUS ? SIGNAL_WEIGHTS[Signal.ANALYST_VERDICT] : GRADES.ANALYST_CLEAN,
            ),
          ),
          ...(root.kind === 'url' && root.url
            ? [evidence(Signal.THREAT_INTELLIGENCE, `the verdict on ${root.url} changed to malicious`)]
            : []),
        ],
      },
      entities,
    };
  },
});
