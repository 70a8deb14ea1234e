import { ActionType } from '../domain/action.js';
import { ClusterQuery, EntityKind, Phase } from '../domain/investigation.js';
import { domainOf, normaliseUrl } from '../telemetry/fingerprint.js';
import { ClickAction, DeliveryLocation, DetectionVerdict, IndicatorKind, SignInRisk, SignInResult, Verdict } from '../domain/telemetry.js';
import type { MessageFacts, TelemetryLookups } from './lookups.js';
import type { ActionFinding, ClusterFinding, EntityFinding, StepContext, StepDefinition, StepOutcome } from './playbook.types.js';
import { AlertKind } from '../domain/alert.js';

/*
 * The step library of the email playbooks. Each step reads what the steps it depends on found
 * (`ctx.results`) and the organisation's telemetry (`ctx.lookups`), and returns findings; the engine
 * stores them. Steps never touch the ORM, so each can be reasoned about — and tested — alone.
 */

type Ctx = StepContext<TelemetryLookups>;
type Step = StepDefinition<TelemetryLookups>;

/** What the root step established: the message (or URL, or user) the investigation is about. */
export interface RootFindings {
  [key: string]: unknown;
  kind: 'message' | 'url' | 'user' | 'none';
  messageExternalId?: string;
  sender?: string;
  senderDomain?: string;
  senderIp?: string;
  subject?: string;
  subjectKey?: string;
  receivedAt?: string;
  urls: string[];
  urlKeys: string[];
  domains: string[];
  attachmentHashes: string[];
  recipients: string[];
  authFailed: boolean;
  detection?: string;
  minhash: number[];
  lshBands: string[];
  /** For the URL-verdict playbook: the URL that turned malicious. */
  url?: string;
  /** For the user-compromise playbook: the user. */
  user?: string;
}

const MALICIOUS_DETECTIONS = new Set<string>([DetectionVerdict.PHISH, DetectionVerdict.MALWARE]);
const IN_MAILBOX = new Set<string>([DeliveryLocation.INBOX, DeliveryLocation.JUNK]);
const authFailed = (m: Pick<MessageFacts, 'auth'>) =>
  ['spf', 'dkim', 'dmarc'].some((k) => /fail|none|softfail/i.test(String(m.auth?.[k as 'spf'] ?? '')));

/** Parse a manual investigation's subject: `message:<id>`, `user:<address>` or `url:<url>`. */
export function parseSubject(subject: string | undefined): { kind: 'message' | 'user' | 'url'; value: string } | undefined {
  const m = /^(message|user|url):(.+)$/.exec(subject ?? '');
  return m ? { kind: m[1] as 'message' | 'user' | 'url', value: m[2] } : undefined;
}

async function messageRoot(ctx: Ctx, externalId: string): Promise<RootFindings | undefined> {
  const m = await ctx.lookups.message(externalId);
  if (!m) return undefined;
  return {
    kind: 'message',
    messageExternalId: m.externalId,
    sender: m.sender,
    senderDomain: m.senderDomain,
    senderIp: m.senderIp,
    subject: m.subject,
    subjectKey: m.subjectKey,
    receivedAt: m.receivedAt.toISOString(),
    urls: m.urls,
    urlKeys: m.urlKeys,
    domains: m.domains,
    attachmentHashes: m.attachmentHashes,
    recipients: [m.recipient],
    authFailed: authFailed(m),
    detection: m.verdict,
    minhash: m.minhash,
    lshBands: m.lshBands,
  };
}

const EMPTY_ROOT: RootFindings = {
  kind: 'none',
  urls: [],
  urlKeys: [],
  domains: [],
  attachmentHashes: [],
  recipients: [],
  authFailed: false,
  minhash: [],
  lshBands: [],
};

/** Root investigation: find what the alert (or the admin) points at. */
export const rootStep: Step = {
  key: 'root',
  name: 'Identify the root',
  description: 'Resolve the reported, zapped or named message, URL or user the investigation starts from.',
  phase: Phase.ROOT_INVESTIGATION,
  async run(ctx) {
    const alert = ctx.investigation.triggeringAlertId ? await ctx.lookups.alert(ctx.investigation.triggeringAlertId) : null;
    const subject = parseSubject(ctx.investigation.subject);
    const messageId = alert?.messageExternalId ?? (subject?.kind === 'message' ? subject.value : undefined);
    const url = alert?.kind === AlertKind.URL_VERDICT_CHANGE ? alert.url : subject?.kind === 'url' ? subject.value : undefined;
    const user = alert?.user ?? (subject?.kind === 'user' ? subject.value : undefined);
    let root: RootFindings | undefined;
    if (messageId) root = await messageRoot(ctx, messageId);
    else if (url) {
      // A URL turned malicious: the investigation is rooted at the URL; its first message gives the template.
      const [first] = await ctx.lookups.byUrlKeys([normaliseUrl(url)]);
      root = first
        ? { ...(await messageRoot(ctx, first.externalId))!, kind: 'url', url }
        : { ...EMPTY_ROOT, kind: 'url', url, urls: [url], urlKeys: [normaliseUrl(url)] };
    } else if (user) root = { ...EMPTY_ROOT, kind: 'user', user, recipients: [user] };
    if (!root) {
      throw new Error(
        messageId ? `message '${messageId}' has not been ingested` : 'the alert names no message, URL or user to investigate',
      );
    }
    const entities: EntityFinding[] = [];
    if (root.messageExternalId) {
      entities.push({
        kind: EntityKind.EMAIL,
        value: root.messageExternalId,
        externalId: root.messageExternalId,
        displayName: root.subject ?? '(no subject)',
        verdict: Verdict.UNKNOWN,
        details: { sender: root.sender, recipient: root.recipients[0], receivedAt: root.receivedAt },
      });
    }
    if (root.url)
      entities.push({
        kind: EntityKind.URL,
        value: root.url,
        displayName: root.url,
        verdict: Verdict.MALICIOUS,
        threats: ['URL verdict changed to malicious'],
      });
    if (root.user) entities.push({ kind: EntityKind.USER, value: root.user, displayName: root.user, verdict: Verdict.UNKNOWN });
    return { findings: root, entities };
  },
};

/** Threat type: threat intelligence on the URLs, domains, files, sender and IP; authentication; detection. */
export const threatStep: Step = {
  key: 'threat_type',
  name: 'Determine the threat type',
  description:
    'Look up the URLs, domains, attachments, sender and sender IP in threat intelligence; check authentication and the detection verdict.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    if (root.kind === 'user') return { skipped: true, findings: {} };
    const l = ctx.lookups;
    const hits = [
      ...(await l.indicators(IndicatorKind.URL, [...root.urls, ...root.urlKeys, ...(root.url ? [root.url] : [])])),
      ...(await l.indicators(IndicatorKind.DOMAIN, [...root.domains, ...(root.senderDomain ? [root.senderDomain] : [])])),
      ...(await l.indicators(IndicatorKind.FILE, root.attachmentHashes)),
      ...(await l.indicators(IndicatorKind.SENDER, root.sender ? [root.sender] : [])),
      ...(await l.indicators(IndicatorKind.IP, root.senderIp ? [root.senderIp] : [])),
    ];
    const malicious = hits.filter((h) => h.verdict === Verdict.MALICIOUS);
    const threats = [...new Set(malicious.map((h) => `${h.kind === IndicatorKind.FILE ? 'Malware' : 'Phish'} ${h.kind.toLowerCase()}`))];
    if (root.detection && MALICIOUS_DETECTIONS.has(root.detection)) threats.push(`Detected as ${root.detection.toLowerCase()}`);
    const entities: EntityFinding[] = [
      ...hits.map((h) => ({
        kind:
          h.kind === IndicatorKind.DOMAIN
            ? EntityKind.DOMAIN
            : h.kind === IndicatorKind.SENDER
              ? EntityKind.SENDER
              : (h.kind as unknown as EntityKind),
        value: h.value,
        displayName: h.value,
        externalId: h.externalId,
        verdict: h.verdict,
        threats: h.verdict === Verdict.MALICIOUS ? ['Known bad indicator'] : [],
        details: { campaign: h.campaign, source: h.source },
      })),
    ];
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
        campaigns: [...new Set(hits.map((h) => h.campaign).filter(Boolean))],
        threats,
        authenticationFailed: root.authFailed,
      },
      entities,
    };
  },
};

/** Levenshtein distance ≤ 2 after undoing the usual homoglyphs, between two different domains. */
export function isLookalike(domain: string, of: string): boolean {
  if (domain === of) return false;
  const fold = (s: string) => s.replace(/0/g, 'o').replace(/1/g, 'l').replace(/rn/g, 'm').replace(/vv/g, 'w');
  const [a, b] = [fold(domain.split('.')[0]), fold(of.split('.')[0])];
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] <= 2 || a.includes(b) || b.includes(a);
}

/** Who sent it: first time this sender or IP mails the organisation; look-alike of one of its domains. */
export const senderStep: Step = {
  key: 'sender_reputation',
  name: 'Assess the sender',
  description: 'Whether the sender or its IP mailed the organisation before, and whether its domain imitates one of the organisation’s.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    if (!root.sender || !root.receivedAt) return { skipped: true, findings: {} };
    const before = new Date(root.receivedAt);
    const internal = await ctx.lookups.internalDomains();
    const lookalikeOf = [...internal].find((d) => root.senderDomain && isLookalike(root.senderDomain, d));
    const findings = {
      firstTimeSender: !(await ctx.lookups.seenBefore({ sender: root.sender }, before)),
      firstTimeIp: root.senderIp ? !(await ctx.lookups.seenBefore({ senderIp: root.senderIp }, before)) : false,
      internalSender: internal.has(root.senderDomain ?? ''),
      lookalikeOf: lookalikeOf ?? null,
    };
    return { findings };
  },
};

/** Whether other instances were zapped, or detected as phish or malware. */
export const zapStep: Step = {
  key: 'zap_check',
  name: 'Check zapped instances',
  description: 'Whether zero-hour auto purge already removed other instances of this message, or detection flagged them.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    if (root.minhash.length === 0) return { skipped: true, findings: {} };
    const similar = await ctx.lookups.similarContent(root);
    const zaps = await ctx.lookups.zapsOf(similar.map((m) => m.externalId));
    const zapped = new Set([...zaps.map((z) => z.messageExternalId), ...similar.filter((m) => m.zappedAt).map((m) => m.externalId)]);
    const detected = similar.filter((m) => m.verdict && MALICIOUS_DETECTIONS.has(m.verdict)).length;
    return { findings: { similar: similar.length, zapped: zapped.size, detected, reasons: [...new Set(zaps.map((z) => z.reason))] } };
  },
};

/** The root verdict: what the evidence of the root investigation adds up to. */
export const verdictStep: Step = {
  key: 'verdict',
  name: 'Decide the root verdict',
  description: 'Weigh threat intelligence, detection, zapped instances, authentication and sender reputation into a verdict.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root', 'threat_type', 'sender_reputation', 'zap_check'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const threat = ctx.results('threat_type') as { threats?: string[]; campaigns?: string[] };
    const sender = ctx.results('sender_reputation') as { firstTimeSender?: boolean; lookalikeOf?: string | null; internalSender?: boolean };
    const zap = ctx.results('zap_check') as { zapped?: number; detected?: number };
    const reasons = [...(threat.threats ?? [])];
    if ((zap.zapped ?? 0) > 0) reasons.push(`${zap.zapped} similar message(s) zapped`);
    if ((zap.detected ?? 0) > 0) reasons.push(`${zap.detected} similar message(s) detected as phish or malware`);
    if (root.kind === 'url') reasons.push('URL verdict changed to malicious');
    const suspicious: string[] = [];
    if (sender.lookalikeOf) suspicious.push(`sender domain imitates ${sender.lookalikeOf}`);
    if (root.authFailed && sender.firstTimeSender) suspicious.push('first-time sender failing authentication');
    // Two independent weak signals together are as telling as one strong one.
    const verdict =
      reasons.length > 0 || suspicious.length >= 2
        ? Verdict.MALICIOUS
        : suspicious.length
          ? Verdict.SUSPICIOUS
          : root.kind === 'user'
            ? Verdict.UNKNOWN
            : Verdict.CLEAN;
    const entities: EntityFinding[] = root.messageExternalId
      ? [
          {
            kind: EntityKind.EMAIL,
            value: root.messageExternalId,
            externalId: root.messageExternalId,
            displayName: root.subject ?? '(no subject)',
            verdict,
            threats: [...reasons, ...suspicious],
          },
        ]
      : [];
    return { findings: { verdict, reasons: [...reasons, ...suspicious], campaigns: threat.campaigns ?? [] }, entities };
  },
};

interface ClusterSummary {
  [key: string]: unknown;
  clusters: { key: string; query: ClusterQuery; queryValue: string; verdict: Verdict; inMailbox: number; size: number }[];
  messageExternalIds: string[];
  urls: string[];
  recipients: string[];
  attachmentHashes: string[];
}

/** Hunting: similar messages grouped into email clusters by each query that applies. */
export const clusterStep: Step = {
  key: 'similar_messages',
  name: 'Hunt similar messages',
  description:
    'Group messages similar to the root into email clusters: similar content, same sender, same sender IP and subject, same URL, same attachment.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'verdict', 'threat_type', 'sender_reputation'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const { verdict } = ctx.results('verdict') as { verdict: Verdict };
    const threat = ctx.results('threat_type') as { maliciousUrlKeys?: string[]; maliciousDomains?: string[]; threats?: string[] };
    const sender = ctx.results('sender_reputation') as { internalSender?: boolean };
    if (root.kind === 'user') return { skipped: true, findings: {} };
    const l = ctx.lookups;
    const queries: [ClusterQuery, string, () => Promise<MessageFacts[]>][] = [];
    if (root.minhash.length)
      queries.push([ClusterQuery.SIMILAR_CONTENT, root.messageExternalId ?? root.url ?? '', () => l.similarContent(root)]);
    // Same sender only for an outside sender: an internal address also sends the organisation's own mail.
    if (root.sender && !sender.internalSender) queries.push([ClusterQuery.SAME_SENDER, root.sender, () => l.bySender(root.sender!)]);
    if (root.senderIp && root.subjectKey)
      queries.push([
        ClusterQuery.SAME_SENDER_IP_AND_SUBJECT,
        `${root.senderIp} ${root.subjectKey}`,
        () => l.bySenderIpAndSubject(root.senderIp!, root.subjectKey!),
      ]);
    // Same URL only for links known or found bad: a phish often also links the real brand's pages.
    const badUrlKeys = [...new Set([...(threat.maliciousUrlKeys ?? []), ...(root.url ? [normaliseUrl(root.url)] : [])])].filter(
      (k) => root.urlKeys.includes(k) || root.url,
    );
    for (const key of badUrlKeys) queries.push([ClusterQuery.SAME_URL, key, () => l.byUrlKeys([key])]);
    if (verdict === Verdict.MALICIOUS && root.attachmentHashes.length) {
      for (const hash of root.attachmentHashes) queries.push([ClusterQuery.SAME_ATTACHMENT, hash, () => l.byAttachmentHashes([hash])]);
    }
    const clusters: ClusterFinding[] = [];
    const summary: ClusterSummary = { clusters: [], messageExternalIds: [], urls: [], recipients: [], attachmentHashes: [] };
    const seen = new Map<string, MessageFacts>();
    for (const [i, [query, value, run]] of queries.entries()) {
      await ctx.progress((i / queries.length) * 100, `running ${query.toLowerCase().replace(/_/g, ' ')} query`);
      const messages = await run();
      if (messages.length === 0) continue;
      for (const m of messages) seen.set(m.id, m);
      const key = `${query}:${value}`;
      const inMailbox = messages.filter((m) => IN_MAILBOX.has(m.location)).length;
      clusters.push({
        key,
        name: `${query.replace(/_/g, ' ').toLowerCase()}: ${value}`.slice(0, 200),
        query,
        queryValue: value,
        verdict: verdict === Verdict.MALICIOUS ? Verdict.MALICIOUS : verdict === Verdict.SUSPICIOUS ? Verdict.SUSPICIOUS : Verdict.CLEAN,
        threats: verdict === Verdict.MALICIOUS ? (threat.threats?.length ? threat.threats : ['Phish']) : [],
        messageIds: messages.map((m) => m.id),
      });
      summary.clusters.push({ key, query, queryValue: value, verdict: clusters.at(-1)!.verdict, inMailbox, size: messages.length });
    }
    if (verdict === Verdict.MALICIOUS) {
      // Later steps follow the malicious mail: who clicked its links, where its attachments landed.
      for (const m of seen.values()) {
        summary.messageExternalIds.push(m.externalId);
        summary.urls.push(...m.urls);
        summary.recipients.push(m.recipient);
        summary.attachmentHashes.push(...m.attachmentHashes);
      }
      summary.urls = [...new Set(summary.urls)];
      summary.recipients = [...new Set(summary.recipients)];
      summary.attachmentHashes = [...new Set(summary.attachmentHashes)];
    }
    return {
      findings: summary,
      clusters,
      edges: root.messageExternalId
        ? clusters.map((c) => ({
            from: { cluster: c.key },
            to: { kind: EntityKind.EMAIL, value: root.messageExternalId! },
            relation: 'similar to',
          }))
        : [],
    };
  },
};

/** Hunting: clicks on the malicious mail's links, and Safe-Links misses. */
export const clicksStep: Step = {
  key: 'url_clicks',
  name: 'Find clicks',
  description:
    'Who clicked the links of the malicious messages, and which clicks were allowed although the URL is now known bad (Safe Links misses).',
  phase: Phase.HUNTING,
  dependsOn: ['similar_messages'],
  async run(ctx) {
    const hunt = ctx.results('similar_messages') as Partial<ClusterSummary>;
    if (!hunt.messageExternalIds?.length) return { skipped: true, findings: {} };
    const clicks = await ctx.lookups.clicksOn(hunt.urls ?? [], hunt.messageExternalIds);
    const allowed = clicks.filter((c) => c.action === ClickAction.ALLOWED);
    const users = [...new Set(allowed.map((c) => c.user))];
    const entities: EntityFinding[] = [
      ...users.map((u) => ({
        kind: EntityKind.USER,
        value: u,
        displayName: u,
        verdict: Verdict.SUSPICIOUS,
        threats: ['Clicked a malicious link'],
        details: { clicks: allowed.filter((c) => c.user === u).map((c) => ({ url: c.url, at: c.at })) },
      })),
      ...[...new Set(clicks.map((c) => normaliseUrl(c.url)))].map((u) => ({
        kind: EntityKind.URL,
        value: u,
        displayName: u,
        verdict: Verdict.MALICIOUS,
        threats: ['Malicious URL'],
      })),
    ];
    const firstClick = Object.fromEntries(
      users.map((u) => [
        u,
        allowed
          .filter((c) => c.user === u)
          .reduce((min, c) => (c.at < min ? c.at : min), allowed[0].at)
          .toISOString(),
      ]),
    );
    return {
      findings: {
        clicks: clicks.length,
        blocked: clicks.length - allowed.length,
        safeLinksMisses: allowed.length,
        clickers: users,
        firstClick,
      },
      entities,
      edges: users.map((u) => ({
        from: { kind: EntityKind.USER, value: u },
        to: { kind: EntityKind.URL, value: normaliseUrl(allowed.find((c) => c.user === u)!.url) },
        relation: 'clicked',
      })),
    };
  },
};

/** Hunting: devices that hold the malicious attachments (the signal shared with endpoint protection). */
export const devicesStep: Step = {
  key: 'device_files',
  name: 'Find the attachments on devices',
  description: 'Pass the attachments’ hashes to endpoint protection and find the machines that hold them.',
  phase: Phase.HUNTING,
  dependsOn: ['similar_messages'],
  async run(ctx) {
    const hunt = ctx.results('similar_messages') as Partial<ClusterSummary>;
    if (!hunt.attachmentHashes?.length) return { skipped: true, findings: {} };
    const found = await ctx.lookups.devicesWithFiles(hunt.attachmentHashes);
    const devices = [...new Map(found.map((f) => [f.device.externalId, f])).values()];
    return {
      findings: { machines: devices.map((d) => d.device.name), hashes: hunt.attachmentHashes },
      entities: [
        ...devices.map(({ device }) => ({
          kind: EntityKind.MACHINE,
          value: device.name,
          externalId: device.externalId,
          displayName: device.name,
          verdict: Verdict.MALICIOUS,
          threats: ['Malicious file present'],
          details: {
            user: device.user,
            os: device.os,
            files: found
              .filter((f) => f.device.externalId === device.externalId)
              .map((f) => ({ sha256: f.file.sha256, path: f.file.path })),
          },
        })),
        ...[...new Set(found.map((f) => f.file.sha256))].map((sha) => ({
          kind: EntityKind.FILE,
          value: sha,
          displayName: sha,
          verdict: Verdict.MALICIOUS,
          threats: ['Malware'],
        })),
      ],
      edges: found.map((f) => ({
        from: { kind: EntityKind.FILE, value: f.file.sha256 },
        to: { kind: EntityKind.MACHINE, value: f.device.name },
        relation: 'found on',
      })),
    };
  },
};

const FORWARD_RISK = new Set<string>([SignInRisk.HIGH, SignInRisk.MEDIUM]);

/** Compromise checks: forwarding or deleting inbox rules after the click, risky sign-ins. */
export async function compromiseOf(ctx: Ctx, users: string[], since: Record<string, string>, internal: Set<string>) {
  const l = ctx.lookups;
  const earliest = new Date(Math.min(...Object.values(since).map((s) => new Date(s).getTime())) - 30 * 24 * 3600_000);
  const [rules, signIns, usual] = await Promise.all([l.inboxRulesOf(users), l.signInsOf(users, earliest), l.usualSignIns(users, earliest)]);
  return users.flatMap((user) => {
    const from = new Date(since[user]);
    const countries = new Set([...usual, ...signIns].filter((s) => s.user === user && s.at < from && s.country).map((s) => s.country));
    const badRules = rules.filter(
      (r) =>
        r.mailbox === user &&
        r.enabled &&
        r.createdAt >= from &&
        ((r.forwardTo && !internal.has(domainOf(r.forwardTo))) || r.deleteMessages),
    );
    const risky = signIns.filter(
      (s) =>
        s.user === user &&
        s.at >= from &&
        s.result === SignInResult.SUCCESS &&
        (FORWARD_RISK.has(s.risk) || (s.country && countries.size > 0 && !countries.has(s.country))),
    );
    return badRules.length || risky.length ? [{ user, rules: badRules, signIns: risky }] : [];
  });
}

export const compromiseStep: Step = {
  key: 'user_compromise',
  name: 'Check users for compromise',
  description: 'For every user who clicked: inbox rules that forward outside or delete mail created after the click, and risky sign-ins.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'url_clicks'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const clicks = ctx.results('url_clicks') as { clickers?: string[]; firstClick?: Record<string, string> };
    // A manual investigation of a user checks that user over the last 30 days.
    const users = root.kind === 'user' ? [root.user!] : (clicks.clickers ?? []);
    const since = root.kind === 'user' ? { [root.user!]: new Date(Date.now() - 30 * 24 * 3600_000).toISOString() } : clicks.firstClick;
    if (!users.length || !since) return { skipped: true, findings: {} };
    const internal = await ctx.lookups.internalDomains();
    const compromised = await compromiseOf(ctx, users, since, internal);
    return compromiseOutcome(compromised);
  },
};

function compromiseOutcome(compromised: Awaited<ReturnType<typeof compromiseOf>>): StepOutcome {
  return {
    findings: {
      compromised: compromised.map((c) => ({
        user: c.user,
        rules: c.rules.map((r) => ({ externalId: r.externalId, name: r.name, forwardTo: r.forwardTo, deleteMessages: r.deleteMessages })),
        signIns: c.signIns.map((s) => ({ externalId: s.externalId, ip: s.ip, country: s.country, risk: s.risk, at: s.at })),
      })),
    },
    entities: compromised.flatMap((c) => [
      {
        kind: EntityKind.USER,
        value: c.user,
        displayName: c.user,
        verdict: Verdict.MALICIOUS,
        threats: [...(c.rules.length ? ['Suspicious inbox rule'] : []), ...(c.signIns.length ? ['Risky sign-in'] : []), 'Compromised user'],
        details: { rules: c.rules.map((r) => r.name), signInIps: c.signIns.map((s) => s.ip) },
      },
      ...c.rules.map((r) => ({
        kind: EntityKind.INBOX_RULE,
        value: r.externalId,
        externalId: r.externalId,
        displayName: `${r.name} (${r.mailbox})`,
        verdict: Verdict.MALICIOUS,
        threats: ['Suspicious inbox rule'],
        details: { forwardTo: r.forwardTo, deleteMessages: r.deleteMessages, createdAt: r.createdAt, createdFromIp: r.createdFromIp },
      })),
      ...c.signIns.map((s) => ({
        kind: EntityKind.IP,
        value: s.ip,
        displayName: s.ip,
        verdict: Verdict.SUSPICIOUS,
        threats: ['Risky sign-in'],
        details: { user: c.user, country: s.country, risk: s.risk },
      })),
    ]),
    edges: compromised.flatMap((c) =>
      c.signIns.map((s) => ({
        from: { kind: EntityKind.IP, value: s.ip },
        to: { kind: EntityKind.USER, value: c.user },
        relation: 'signed in as',
      })),
    ),
  };
}

/** Remediation: the actions the findings call for. Nothing found, nothing recommended. */
export const recommendStep: Step = {
  key: 'recommend_actions',
  name: 'Recommend remediation',
  description:
    'Recommend deleting the malicious clusters’ messages still in mailboxes, blocking URLs, senders and files, removing rules, resetting compromised accounts and scanning machines.',
  phase: Phase.REMEDIATION,
  dependsOn: ['root', 'verdict', 'threat_type', 'similar_messages', 'url_clicks', 'device_files', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const { verdict, reasons } = ctx.results('verdict') as { verdict: Verdict; reasons: string[] };
    const threat = ctx.results('threat_type') as { maliciousUrlKeys?: string[]; maliciousHashes?: string[] };
    const hunt = ctx.results('similar_messages') as Partial<ClusterSummary>;
    const devices = ctx.results('device_files') as { machines?: string[] };
    const compromise = ctx.results('user_compromise') as {
      compromised?: { user: string; rules: { externalId: string; name: string }[] }[];
    };
    return { findings: {}, actions: recommendations(root, verdict, reasons, threat, hunt, devices, compromise.compromised ?? []) };
  },
};

export function recommendations(
  root: RootFindings,
  verdict: Verdict,
  reasons: string[],
  threat: { maliciousUrlKeys?: string[]; maliciousHashes?: string[] },
  hunt: Partial<ClusterSummary>,
  devices: { machines?: string[] },
  compromised: { user: string; rules: { externalId: string; name: string }[] }[],
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

/** The user-compromise root checks: rules and sign-ins of one user, whatever triggered it. */
export const userCompromiseRootStep: Step = {
  key: 'user_compromise',
  name: 'Check the user for compromise',
  description: 'Inbox rules that forward outside or delete mail, and risky sign-ins from new countries, over the last 30 days.',
  phase: Phase.ROOT_INVESTIGATION,
  dependsOn: ['root'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const user = root.user ?? root.recipients[0];
    if (!user) return { skipped: true, findings: { compromised: [] } };
    const since = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
    const compromised = await compromiseOf(ctx, [user], { [user]: root.receivedAt ?? since }, await ctx.lookups.internalDomains());
    return compromiseOutcome(compromised);
  },
};

/** User compromise hunting: the user's sent mail, sorted into clean, suspicious and malicious clusters. */
export const sentMailStep: Step = {
  key: 'sent_mail',
  name: 'Review the user’s sent mail',
  description:
    'Sort the mail the user sent into clean, suspicious and malicious clusters by content, looking for a suspicious sending pattern.',
  phase: Phase.HUNTING,
  dependsOn: ['root', 'user_compromise'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const user = root.user ?? root.recipients[0];
    const compromise = ctx.results('user_compromise') as { compromised?: unknown[] };
    if (!user) return { skipped: true, findings: {} };
    const sent = await ctx.lookups.sentBy(user);
    if (!sent.length) return { skipped: true, findings: { sent: 0 } };
    const internal = await ctx.lookups.internalDomains();
    const bySubject = new Map<string, MessageFacts[]>();
    for (const m of sent) bySubject.set(m.subjectKey, [...(bySubject.get(m.subjectKey) ?? []), m]);
    const clusters: ClusterFinding[] = [];
    for (const [subjectKey, messages] of bySubject) {
      const external = messages.filter((m) => !internal.has(domainOf(m.recipient))).length;
      // Mass mail of one subject to outside recipients, from a compromised account: the classic pattern.
      const verdict =
        compromise.compromised?.length && messages.length >= 10 && external / messages.length > 0.5
          ? Verdict.MALICIOUS
          : messages.length >= 10
            ? Verdict.SUSPICIOUS
            : Verdict.CLEAN;
      clusters.push({
        key: `${ClusterQuery.SENT_BY_USER}:${subjectKey}`,
        name: `sent by ${user}: ${messages[0].subject}`.slice(0, 200),
        query: ClusterQuery.SENT_BY_USER,
        queryValue: `${user} ${subjectKey}`,
        verdict,
        threats: verdict === Verdict.MALICIOUS ? ['Suspicious sending pattern'] : [],
        messageIds: messages.map((m) => m.id),
      });
    }
    return {
      findings: { sent: sent.length, clusters: clusters.map((c) => ({ name: c.name, verdict: c.verdict, size: c.messageIds.length })) },
      clusters,
    };
  },
};

export const userRecommendStep: Step = {
  key: 'recommend_actions',
  name: 'Recommend remediation',
  description: 'Remove the suspicious rules, reset the password and revoke the sessions of a compromised user.',
  phase: Phase.REMEDIATION,
  dependsOn: ['root', 'user_compromise', 'sent_mail'],
  async run(ctx) {
    const root = ctx.results('root') as RootFindings;
    const compromise = ctx.results('user_compromise') as {
      compromised?: { user: string; rules: { externalId: string; name: string }[] }[];
    };
    return { findings: {}, actions: recommendations(root, Verdict.UNKNOWN, [], {}, {}, {}, compromise.compromised ?? []) };
  },
};
