import { AlertKind } from '../../domain/alert.js';
import { EntityKind, Phase } from '../../domain/investigation.js';
import { MailDirection, Verdict } from '../../domain/telemetry.js';
import { domainOf, normaliseUrl } from '../../domain/url.js';
import { registrableDomainOf } from '../../domain/host.js';
import { messageEvidence, type SignalMessage } from '../signals/message.signals.js';
import type { EntityFinding } from '../playbook.types.js';
import type { MessageFacts } from '../ports.js';
import type { RootFindings } from './findings.js';
import { defineStep, type StepCtx } from './step.js';

/** SPF, DKIM or DMARC did not pass (a missing result counts as a failure only when it says so). */
export const authFailed = (m: Pick<MessageFacts, 'auth'>) =>
  ['spf', 'dkim', 'dmarc'].some((k) => /fail|none|softfail/i.test(String(m.auth?.[k as 'spf'] ?? '')));

/** The receiver verified the From domain: DMARC passed, or — without a DMARC result — SPF and DKIM both did. */
export const authPassed = (m: Pick<MessageFacts, 'auth'>) =>
  /^pass/i.test(m.auth?.dmarc ?? '') || (!m.auth?.dmarc && /^pass/i.test(m.auth?.spf ?? '') && /^pass/i.test(m.auth?.dkim ?? ''));

/** What a message says about itself, for the signals (playbooks/signals): the root with its text, a member without. */
export const signalMessageOf = (m: MessageFacts & { body?: string }): SignalMessage => ({
  sender: m.sender,
  senderDomain: m.senderDomain,
  senderName: m.senderName,
  replyTo: m.replyTo,
  returnPath: m.returnPath,
  subject: m.subject,
  body: m.body,
  links: m.links,
  attachments: m.attachmentNames.map((name) => ({ name })),
  auth: m.auth,
  upstream: m.upstream,
  detection: m.verdict,
});

/** The registrable domains a message's links lead to. */
export const linkDomainsOf = (m: Pick<MessageFacts, 'urls'>) => [...new Set(m.urls.flatMap((u) => registrableDomainOf(domainOf(u)) ?? []))];

/** Parse a manual investigation's subject: `message:<id>`, `user:<address>` or `url:<url>`. */
export function parseSubject(subject: string | undefined): { kind: 'message' | 'user' | 'url'; value: string } | undefined {
  const m = /^(message|user|url):(.+)$/.exec(subject ?? '');
  // Neither group is optional in the pattern, so a match has both.
  return m ? { kind: m[1] as 'message' | 'user' | 'url', value: m[2]! } : undefined;
}

async function messageRoot(ctx: StepCtx, externalId: string): Promise<RootFindings | undefined> {
  const m = await ctx.mail.message(externalId);
  if (!m) return undefined;
  const [internalDomains, people] = await Promise.all([
    ctx.mail.internalDomains(),
    m.senderName ? ctx.mail.peopleNamed(m.senderName) : Promise.resolve([]),
  ]);
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
    authPassed: authPassed(m),
    returnPathDomain: m.returnPath ? domainOf(m.returnPath) : undefined,
    linkDomains: linkDomainsOf(m),
    internal: m.direction === MailDirection.INTERNAL || m.direction === MailDirection.OUTBOUND,
    evidence: messageEvidence(signalMessageOf(m), { internalDomains, people }),
    detection: m.verdict,
    minhash: m.minhash,
    lshBands: m.lshBands,
  };
}

/** A root with nothing found yet: the URL and user roots start from it (and tests build theirs on it). */
export const EMPTY_ROOT: RootFindings = {
  kind: 'none',
  urls: [],
  urlKeys: [],
  domains: [],
  attachmentHashes: [],
  recipients: [],
  authFailed: false,
  authPassed: false,
  linkDomains: [],
  internal: false,
  evidence: [],
  minhash: [],
  lshBands: [],
};

/** Root investigation: find what the alert (or the admin) points at. */
export const rootStep = defineStep({
  key: 'root',
  name: 'Identify the root',
  description: 'Resolve the reported, zapped or named message, URL or user the investigation starts from.',
  phase: Phase.ROOT_INVESTIGATION,
  async run(ctx) {
    const alert = ctx.investigation.triggeringAlertId ? await ctx.alerts.byId(ctx.investigation.triggeringAlertId) : null;
    const subject = parseSubject(ctx.investigation.subject);
    const messageId = alert?.messageExternalId ?? (subject?.kind === 'message' ? subject.value : undefined);
    const url = alert?.kind === AlertKind.URL_VERDICT_CHANGE ? alert.url : subject?.kind === 'url' ? subject.value : undefined;
    const user = alert?.user ?? (subject?.kind === 'user' ? subject.value : undefined);
    let root: RootFindings | undefined;
    if (messageId) root = await messageRoot(ctx, messageId);
    else if (url) {
      // A URL turned malicious: the investigation is rooted at the URL; its first message gives the template.
      const [first] = await ctx.mail.byUrlKeys([normaliseUrl(url)]);
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
});
