import { DeliveryLocation, IndicatorKind, MailDirection } from '../../../src/domain/telemetry.js';
import { domainIndicatorKeys } from '../../../src/domain/host.js';
import type {
  AlertFacts,
  ClickFacts,
  ContentFingerprint,
  FileSighting,
  IndicatorFacts,
  InboxRuleFacts,
  MessageFacts,
  MessageVerdictFacts,
  PlaybookPorts,
  SignInFacts,
  ZapFacts,
} from '../../../src/playbooks/ports.js';

/**
 * Hand-written in-memory ports: a small world of telemetry, and look-ups that answer the way
 * playbooks/ports.orm.ts does over PostgreSQL (same filters, same similarity threshold), so a step's
 * unit test reads like the case it checks.
 */
export interface World {
  mailboxes?: string[];
  messages?: (MessageFacts & Partial<ContentFingerprint> & { body?: string })[];
  /** Display names of mailboxes, by address. */
  people?: { name: string; address: string }[];
  zaps?: ZapFacts[];
  clicks?: ClickFacts[];
  rules?: InboxRuleFacts[];
  /** Feed indicators and analyst verdicts on indicators alike (an analyst's carries `source: 'analyst'` and `analyst`). */
  indicators?: IndicatorFacts[];
  /** Analysts' verdicts on messages (`IntelPort.analystVerdicts`). */
  messageVerdicts?: MessageVerdictFacts[];
  signIns?: SignInFacts[];
  files?: FileSighting[];
  alerts?: (AlertFacts & { id: string })[];
}

const overlaps = (a: string[], b: string[]) => a.some((x) => b.includes(x));
const similarity = (a: number[], b: number[]) =>
  a.length === 0 || a.length !== b.length ? 0 : a.filter((x, i) => x === b[i]).length / a.length;
/** Plain facts, as the ORM port returns them: no fingerprint on cluster members. */
const facts = ({
  minhash: _m,
  lshBands: _l,
  body: _b,
  ...m
}: MessageFacts & Partial<ContentFingerprint> & { body?: string }): MessageFacts => m;
const networkOf = (ip = '') => ip.split('.').slice(0, 3).join('.');

export function fakePorts(world: World): PlaybookPorts {
  const messages = world.messages ?? [];
  const where = (keep: (m: MessageFacts & Partial<ContentFingerprint>) => boolean) => messages.filter(keep).map(facts);
  return {
    mail: {
      async message(externalId) {
        const m = messages.find((x) => x.externalId === externalId);
        return m ? { ...facts(m), minhash: m.minhash ?? [], lshBands: m.lshBands ?? [], body: m.body ?? '' } : null;
      },
      bySenderInfrastructure: async (ip, returnPathDomain, like) =>
        messages
          .filter((m) => networkOf(m.senderIp) === networkOf(ip) && m.returnPath?.split('@')[1] === returnPathDomain)
          .map((m) => ({ ...facts(m), similarity: similarity(m.minhash ?? [], like.minhash) })),
      byDomains: async (domains) => where((m) => overlaps(m.domains, domains)),
      senderDomainHistory: async (domain, before, longBefore, cap) => {
        const from = messages.filter((m) => m.senderDomain === domain && m.receivedAt < before);
        return { messages: Math.min(cap, from.length), long: from.some((m) => m.receivedAt < longBefore) };
      },
      linkedBefore: async (domains, before, cap) =>
        new Map(domains.map((d) => [d, Math.min(cap, messages.filter((m) => m.domains.includes(d) && m.receivedAt < before).length)])),
      peopleNamed: async (name) => (world.people ?? []).filter((p) => p.name.toLowerCase() === name.toLowerCase()),
      async similarTo(of) {
        return where((m) => overlaps(m.lshBands ?? [], of.lshBands) && similarity(m.minhash ?? [], of.minhash) >= 0.5);
      },
      bySender: async (sender) => where((m) => m.sender === sender),
      bySenderIpAndSubject: async (ip, subjectKey) => where((m) => m.senderIp === ip && m.subjectKey === subjectKey),
      byUrlKeys: async (keys) => where((m) => overlaps(m.urlKeys, keys)),
      byAttachmentHashes: async (hashes) => where((m) => overlaps(m.attachmentHashes, hashes)),
      sentBy: async (user) => where((m) => m.sender === user),
      seenBefore: async (w, before) =>
        messages.some((m) => (!w.sender || m.sender === w.sender) && (!w.senderIp || m.senderIp === w.senderIp) && m.receivedAt < before),
      zapsOf: async (ids) => (world.zaps ?? []).filter((z) => ids.includes(z.messageExternalId)),
      clicksOn: async (urls, ids) =>
        (world.clicks ?? []).filter(
          (c) => urls.includes(c.url) || (c.messageExternalId !== undefined && ids.includes(c.messageExternalId)),
        ),
      inboxRules: async (mailboxes) => (world.rules ?? []).filter((r) => mailboxes.includes(r.mailbox)),
      internalDomains: async () => new Set((world.mailboxes ?? []).map((a) => a.split('@')[1] ?? '')),
    },
    intel: {
      // The ORM port's matching rule: DOMAIN values walk up to their registrable domain.
      indicators: async (kind, values) => {
        const keys = kind === IndicatorKind.DOMAIN ? domainIndicatorKeys(values) : values;
        return (world.indicators ?? []).filter((i) => i.kind === kind && keys.includes(i.value));
      },
      analystVerdicts: async (ids) => (world.messageVerdicts ?? []).filter((v) => ids.includes(v.messageExternalId)),
    },
    identity: {
      signIns: async (users, after) => (world.signIns ?? []).filter((s) => users.includes(s.user) && s.at >= after),
      usualSignIns: async (users, before) => (world.signIns ?? []).filter((s) => users.includes(s.user) && s.at < before),
      lastSignIn: async (user) =>
        (world.signIns ?? []).filter((s) => s.user === user).reduce<Date | null>((last, s) => (!last || s.at > last ? s.at : last), null),
    },
    devices: {
      filesSeen: async (hashes) => (world.files ?? []).filter((f) => hashes.includes(f.file.sha256)),
    },
    alerts: {
      byId: async (id) => (world.alerts ?? []).find((a) => a.id === id) ?? null,
      reportersOf: async (ids) => [
        ...new Set(
          (world.alerts ?? []).flatMap((a) => (a.user && a.messageExternalId && ids.includes(a.messageExternalId) ? [a.user] : [])),
        ),
      ],
    },
  };
}

let seq = 0;

/** A delivered inbound message with every fingerprint empty unless given. */
export function message(
  m: Partial<MessageFacts & ContentFingerprint> & Pick<MessageFacts, 'externalId'>,
): MessageFacts & ContentFingerprint {
  return {
    id: `id-${m.externalId}-${++seq}`,
    recipient: 'alice@contoso.example',
    sender: 'someone@outside.example',
    subject: 'Hello',
    urls: [],
    links: [],
    attachmentNames: [],
    direction: MailDirection.INBOUND,
    receivedAt: new Date('2025-03-01T09:00:00Z'),
    location: DeliveryLocation.INBOX,
    upstream: [],
    urlKeys: [],
    domains: [],
    attachmentHashes: [],
    senderDomain: (m.sender ?? 'someone@outside.example').split('@')[1] ?? '',
    subjectKey: (m.subject ?? 'Hello').toLowerCase(),
    minhash: [],
    lshBands: [],
    ...m,
  };
}
