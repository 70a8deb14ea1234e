import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { scopedRows } from '../common/aggregate.js';
import { sql } from '../db/sql.js';
import { AlertKind } from '../domain/alert.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { InboxRule, SignIn, UrlClick, ZapEvent } from '../telemetry/activity.entity.js';
import { Device, DeviceFile } from '../telemetry/device.entity.js';
import { Indicator } from '../telemetry/indicator.entity.js';
import { Mailbox } from '../telemetry/mailbox.entity.js';
import { Alert } from '../alerts/alert.entity.js';
import { estimateSimilarity } from '../telemetry/fingerprint.js';
import { IndicatorKind } from '../domain/telemetry.js';
import { domainIndicatorKeys } from '../domain/host.js';
import { normaliseUrl } from '../domain/url.js';
import { ANALYST_SOURCE, analystKindOf, AnalystVerdictKind } from '../domain/analyst-verdict.js';
import { AnalystVerdict } from '../intel/analyst-verdict.entity.js';
import type {
  AlertsPort,
  ContentFingerprint,
  DevicesPort,
  IdentityPort,
  IntelPort,
  MailPort,
  MessageFacts,
  PlaybookPorts,
  SignInFacts,
} from './ports.js';

/** MinHash similarity above which an LSH candidate counts as the same content. */
export const SIMILAR_CONTENT_THRESHOLD = 0.5;
/** Past this many candidates a cluster query stops reading: the cluster is flagged as truncated. */
export const CLUSTER_CANDIDATE_LIMIT = 50_000;

/** The columns behind MessageFacts: partial loads, since a cluster query can return 50,000 rows. */
const FACTS = [
  'id',
  'externalId',
  'recipient',
  'sender',
  'senderName',
  'replyTo',
  'returnPath',
  'senderIp',
  'subject',
  'urls',
  'links',
  'attachments',
  'direction',
  'receivedAt',
  'location',
  'verdict',
  'auth',
  'senderSource',
  'upstream',
  'zappedAt',
  'urlKeys',
  'domains',
  'attachmentHashes',
  'senderDomain',
  'subjectKey',
] as const;

const attributionOf = (v: AnalystVerdict) => ({ by: v.decidedBy, at: v.decidedAt, comment: v.comment });

/** Plain data out of a (partially loaded) entity: steps never hold an entity the unit of work tracks. */
const factsOf = (m: EmailMessage): MessageFacts => ({
  id: m.id,
  externalId: m.externalId,
  recipient: m.recipient,
  sender: m.sender,
  senderName: m.senderName,
  replyTo: m.replyTo,
  returnPath: m.returnPath,
  senderIp: m.senderIp,
  subject: m.subject,
  urls: m.urls,
  links: m.links.map((l) => ({ url: l.url, text: l.text, wrapped: l.wrapped })),
  attachmentNames: m.attachments.map((a) => a.name),
  direction: m.direction,
  receivedAt: m.receivedAt,
  location: m.location,
  verdict: m.verdict,
  auth: m.auth
    ? { spf: m.auth.spf, dkim: m.auth.dkim, dmarc: m.auth.dmarc, compauth: m.auth.compauth, compauthReason: m.auth.compauthReason }
    : m.auth,
  senderSource: m.senderSource,
  upstream: m.upstream.map((u) => ({ ...u, raw: { ...u.raw } })),
  zappedAt: m.zappedAt,
  urlKeys: m.urlKeys,
  domains: m.domains,
  attachmentHashes: m.attachmentHashes,
  senderDomain: m.senderDomain,
  subjectKey: m.subjectKey,
});

const signInOf = (s: SignIn): SignInFacts => ({
  externalId: s.externalId,
  user: s.user,
  ip: s.ip,
  country: s.country,
  at: s.at,
  risk: s.risk,
  result: s.result,
});

/**
 * The ports over the investigation's tenant-scoped EntityManager: every look-up a tenant-scoped index
 * lookup, never a scan of the tenant's mail (raw statements name `tenantId` themselves; ORM ones get the filter). Each query runs on its own fork, so concurrent steps of
 * one investigation never share a unit of work.
 */
export function portsFor(em: EntityManager, tenantId: string): PlaybookPorts {
  const facts = async (where: object, limit = CLUSTER_CANDIDATE_LIMIT): Promise<MessageFacts[]> => {
    const rows = await em.fork().find(EmailMessage, where as never, { fields: [...FACTS] as never, limit, orderBy: { id: 'asc' } });
    return (rows as EmailMessage[]).map(factsOf);
  };

  const mail: MailPort = {
    async message(externalId) {
      const m = (await em
        .fork()
        .findOne(EmailMessage, { externalId }, { fields: [...FACTS, 'minhash', 'lshBands', 'body'] as never })) as EmailMessage | null;
      return m ? { ...factsOf(m), minhash: m.minhash, lshBands: m.lshBands, body: m.body } : null;
    },
    byDomains: async (domains) => (domains.length ? facts({ domains: { $overlap: domains } }) : []),
    async bySenderInfrastructure(senderIp, returnPathDomain, like) {
      // The sender network by its prefix (inet's `<<=`), the Return-Path by its domain: one index read of
      // the network's messages, filtered.
      const rows = await sql<{ id: string }>(
        em.fork(),
        `select id from email_messages where tenant_id = ? and sender_ip <<= network(set_masklen(?::inet, case when family(?::inet) = 4 then 24 else 48 end))
           and split_part(return_path, '@', 2) = ? limit ?`,
        [tenantId, senderIp, senderIp, returnPathDomain, CLUSTER_CANDIDATE_LIMIT],
      );
      if (!rows.length) return [];
      const found = (await em.fork().find(
        EmailMessage,
        { id: { $in: rows.map((r) => r.id) } },
        {
          fields: [...FACTS, 'minhash'] as never,
        },
      )) as EmailMessage[];
      return found.map((m) => ({ ...factsOf(m), similarity: estimateSimilarity(m.minhash, like.minhash) }));
    },
    async senderDomainHistory(domain, before, longBefore, cap) {
      const [row] = await sql<{ messages: number; long: boolean }>(
        em.fork(),
        `select (select count(*) from (select 1 from email_messages where tenant_id = ? and sender_domain = ? and received_at < ? limit ?) s)::int as messages,
                exists (select 1 from email_messages where tenant_id = ? and sender_domain = ? and received_at < ?) as long`,
        [tenantId, domain, before, cap, tenantId, domain, longBefore],
      );
      return { messages: row?.messages ?? 0, long: row?.long ?? false };
    },
    async linkedBefore(domains, before, cap) {
      if (!domains.length) return new Map();
      const rows = await sql<{ domain: string; n: number }>(
        em.fork(),
        `select d as domain, (select count(*) from (select 1 from email_messages where tenant_id = ? and domains @> array[d] and received_at < ? limit ?) s)::int as n
         from unnest(?::text[]) as d`,
        [tenantId, before, cap, [...new Set(domains)]],
      );
      return new Map(rows.map((r) => [r.domain, r.n]));
    },
    async peopleNamed(name) {
      const people = await em.fork().find(Mailbox, { displayName: { $ilike: name.replace(/[%_\\]/g, '\\$&') } }, { limit: 20 });
      return people.map((p) => ({ name: p.displayName ?? name, address: p.address }));
    },
    async similarTo(of: ContentFingerprint) {
      if (of.lshBands.length === 0) return [];
      const candidates = (await em.fork().find(EmailMessage, { lshBands: { $overlap: of.lshBands } } as never, {
        fields: [...FACTS, 'minhash'] as never,
        limit: CLUSTER_CANDIDATE_LIMIT,
      })) as EmailMessage[];
      return candidates.filter((m) => estimateSimilarity(m.minhash, of.minhash) >= SIMILAR_CONTENT_THRESHOLD).map(factsOf);
    },
    bySender: (sender) => facts({ sender }),
    bySenderIpAndSubject: (senderIp, subjectKey) => facts({ senderIp, subjectKey }),
    byUrlKeys: async (urlKeys) => (urlKeys.length ? facts({ urlKeys: { $overlap: urlKeys } }) : []),
    byAttachmentHashes: async (hashes) => (hashes.length ? facts({ attachmentHashes: { $overlap: hashes } }) : []),
    sentBy: (user) => facts({ sender: user }),
    async seenBefore(where, before) {
      return (await em.fork().count(EmailMessage, { ...where, receivedAt: { $lt: before } } as never)) > 0;
    },
    async zapsOf(messageExternalIds) {
      if (!messageExternalIds.length) return [];
      const zaps = await em.fork().find(ZapEvent, { messageExternalId: { $in: messageExternalIds } });
      return zaps.map((z) => ({ messageExternalId: z.messageExternalId, reason: z.reason }));
    },
    async clicksOn(urls, messageExternalIds) {
      const or: object[] = [];
      if (urls.length) or.push({ url: { $in: [...new Set(urls)] } });
      if (messageExternalIds.length) or.push({ messageExternalId: { $in: messageExternalIds } });
      if (!or.length) return [];
      const clicks = await em.fork().find(UrlClick, { $or: or } as never);
      return clicks.map((c) => ({ url: c.url, user: c.user, at: c.at, action: c.action, messageExternalId: c.messageExternalId }));
    },
    async inboxRules(mailboxes) {
      if (!mailboxes.length) return [];
      const rules = await em.fork().find(InboxRule, { mailbox: { $in: mailboxes } });
      return rules.map((r) => ({
        externalId: r.externalId,
        mailbox: r.mailbox,
        name: r.name,
        forwardTo: r.forwardTo,
        deleteMessages: r.deleteMessages,
        enabled: r.enabled,
        createdAt: r.createdAt,
        createdFromIp: r.createdFromIp,
      }));
    },
    // One DISTINCT aggregate: the steps that need it run it once each, and a tenant's mailboxes can
    // number in the hundred thousands.
    async internalDomains() {
      const rows = await scopedRows<{ domain: string }>(
        em
          .fork()
          .createQueryBuilder(Mailbox, 'm')
          .select([raw(`distinct split_part(m.address, '@', 2) as domain`)] as never) as never,
      );
      return new Set(rows.map((r) => r.domain));
    },
  };

  const intel: IntelPort = {
    // A DOMAIN indicator covers its subdomains: each host is looked up with its parents up to its
    // registrable domain (domain/host.ts), never a public suffix.
    async indicators(kind: IndicatorKind, values: string[]) {
      if (!values.length) return [];
      const keys = [...new Set(kind === IndicatorKind.DOMAIN ? domainIndicatorKeys(values) : values)];
      // Analysts' URL verdicts are stored normalised: a raw URL finds them through its normal form too.
      const analystKeys = kind === IndicatorKind.URL ? [...new Set([...keys, ...keys.map(normaliseUrl)])] : keys;
      const [found, judged] = await Promise.all([
        em.fork().find(Indicator, { kind, value: { $in: keys } }),
        em.fork().find(AnalystVerdict, { kind: analystKindOf(kind), value: { $in: analystKeys } }),
      ]);
      return [
        ...found.map((i) => ({
          externalId: i.externalId,
          kind: i.kind,
          value: i.value,
          verdict: i.verdict,
          campaign: i.campaign,
          source: i.source,
        })),
        ...judged.map((v) => ({
          externalId: v.id,
          kind,
          value: v.value,
          verdict: v.verdict,
          source: ANALYST_SOURCE,
          analyst: attributionOf(v),
        })),
      ];
    },
    async analystVerdicts(messageExternalIds) {
      if (!messageExternalIds.length) return [];
      const judged = await em
        .fork()
        .find(AnalystVerdict, { kind: AnalystVerdictKind.MESSAGE, value: { $in: [...new Set(messageExternalIds)] } });
      return judged.map((v) => ({ messageExternalId: v.value, verdict: v.verdict, analyst: attributionOf(v) }));
    },
  };

  const identity: IdentityPort = {
    async signIns(users, after) {
      return users.length ? (await em.fork().find(SignIn, { user: { $in: users }, at: { $gte: after } })).map(signInOf) : [];
    },
    async lastSignIn(user) {
      const [last] = await em.fork().find(SignIn, { user }, { orderBy: { at: 'desc' }, limit: 1, fields: ['at'] as never });
      return last?.at ?? null;
    },
    async usualSignIns(users, before) {
      if (!users.length) return [];
      return (await em.fork().find(SignIn, { user: { $in: users }, at: { $lt: before } }, { limit: 5000 })).map(signInOf);
    },
  };

  const devices: DevicesPort = {
    async filesSeen(sha256s) {
      if (!sha256s.length) return [];
      const files = await em.fork().find(DeviceFile, { sha256: { $in: sha256s } });
      const found = files.length
        ? await em.fork().find(Device, { externalId: { $in: [...new Set(files.map((f) => f.deviceExternalId))] } })
        : [];
      const byId = new Map(found.map((d) => [d.externalId, { externalId: d.externalId, name: d.name, user: d.user, os: d.os }]));
      return files.flatMap((f) =>
        byId.has(f.deviceExternalId) ? [{ device: byId.get(f.deviceExternalId)!, file: { sha256: f.sha256, path: f.path } }] : [],
      );
    },
  };

  const alerts: AlertsPort = {
    async byId(id) {
      const a = await em.fork().findOne(Alert, { id });
      return a ? { kind: a.kind, messageExternalId: a.messageExternalId, url: a.url, user: a.user } : null;
    },
    async reportersOf(messageExternalIds) {
      if (!messageExternalIds.length) return [];
      const rows = await em
        .fork()
        .find(
          Alert,
          { kind: AlertKind.USER_REPORTED, messageExternalId: { $in: messageExternalIds }, user: { $ne: null } },
          { fields: ['user'] as never, limit: 1000 },
        );
      return [...new Set(rows.flatMap((r) => (r.user ? [r.user.toLowerCase()] : [])))];
    },
  };

  return { mail, intel, identity, devices, alerts };
}
