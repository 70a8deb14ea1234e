import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { scopedRows } from '../common/aggregate.js';
import { EmailMessage } from '../telemetry/email-message.entity.js';
import { InboxRule, SignIn, UrlClick, ZapEvent } from '../telemetry/activity.entity.js';
import { Device, DeviceFile } from '../telemetry/device.entity.js';
import { Indicator } from '../telemetry/indicator.entity.js';
import { Mailbox } from '../telemetry/mailbox.entity.js';
import { Alert } from '../alerts/alert.entity.js';
import { estimateSimilarity } from '../telemetry/fingerprint.js';
import type { IndicatorKind } from '../domain/telemetry.js';

/** MinHash similarity above which an LSH candidate counts as the same content. */
export const SIMILAR_CONTENT_THRESHOLD = 0.5;
/** Past this many candidates a cluster query stops reading: the cluster is flagged as truncated. */
export const CLUSTER_CANDIDATE_LIMIT = 50_000;

/** The fields of a message steps reason about (no bodies: clusters can hold thousands). */
export type MessageFacts = Pick<
  EmailMessage,
  | 'id'
  | 'externalId'
  | 'recipient'
  | 'sender'
  | 'senderIp'
  | 'subject'
  | 'urls'
  | 'attachments'
  | 'receivedAt'
  | 'location'
  | 'verdict'
  | 'auth'
  | 'direction'
  | 'zappedAt'
  | 'urlKeys'
  | 'domains'
  | 'attachmentHashes'
  | 'senderDomain'
  | 'subjectKey'
>;

const FACTS = [
  'id',
  'externalId',
  'recipient',
  'sender',
  'senderIp',
  'subject',
  'urls',
  'attachments',
  'receivedAt',
  'location',
  'verdict',
  'auth',
  'direction',
  'zappedAt',
  'urlKeys',
  'domains',
  'attachmentHashes',
  'senderDomain',
  'subjectKey',
] as const;

/**
 * The typed look-ups playbook steps get: every one a tenant-scoped index lookup (the EntityManager
 * is the investigation's tenant fork), never a scan of the tenant's mail.
 */
export class TelemetryLookups {
  constructor(private readonly em: EntityManager) {}

  private facts(where: object, limit = CLUSTER_CANDIDATE_LIMIT): Promise<MessageFacts[]> {
    return this.em.fork().find(EmailMessage, where as never, { fields: [...FACTS] as never, limit, orderBy: { id: 'asc' } }) as Promise<
      MessageFacts[]
    >;
  }

  async alert(id: string): Promise<Alert | null> {
    return this.em.fork().findOne(Alert, { id });
  }

  /** A message by the id it was ingested with, with its fingerprint. */
  async message(externalId: string): Promise<(MessageFacts & { minhash: number[]; lshBands: string[] }) | null> {
    return (await this.em.fork().findOne(EmailMessage, { externalId }, { fields: [...FACTS, 'minhash', 'lshBands'] as never })) as never;
  }

  /** Messages whose subject and body are near-duplicates of `of` (LSH candidates re-checked by MinHash). */
  async similarContent(of: { minhash: number[]; lshBands: string[] }): Promise<MessageFacts[]> {
    if (of.lshBands.length === 0) return [];
    const candidates = (await this.em.fork().find(EmailMessage, { lshBands: { $overlap: of.lshBands } } as never, {
      fields: [...FACTS, 'minhash'] as never,
      limit: CLUSTER_CANDIDATE_LIMIT,
    })) as unknown as (MessageFacts & { minhash: number[] })[];
    return candidates.filter((m) => estimateSimilarity(m.minhash, of.minhash) >= SIMILAR_CONTENT_THRESHOLD);
  }

  bySender = (sender: string) => this.facts({ sender });
  bySenderIpAndSubject = (senderIp: string, subjectKey: string) => this.facts({ senderIp, subjectKey });
  byUrlKeys = (urlKeys: string[]) => (urlKeys.length ? this.facts({ urlKeys: { $overlap: urlKeys } }) : Promise.resolve([]));
  byAttachmentHashes = (hashes: string[]) => (hashes.length ? this.facts({ attachmentHashes: { $overlap: hashes } }) : Promise.resolve([]));
  byExternalIds = (ids: string[]) => (ids.length ? this.facts({ externalId: { $in: ids } }) : Promise.resolve([]));
  sentBy = (user: string) => this.facts({ sender: user });

  /** Has this sender (or IP) mailed the organisation before `before`? */
  async seenBefore(where: { sender?: string; senderIp?: string }, before: Date): Promise<boolean> {
    return (await this.em.fork().count(EmailMessage, { ...where, receivedAt: { $lt: before } } as never)) > 0;
  }

  indicators(kind: IndicatorKind, values: string[]): Promise<Indicator[]> {
    return values.length ? this.em.fork().find(Indicator, { kind, value: { $in: [...new Set(values)] } }) : Promise.resolve([]);
  }

  zapsOf(messageExternalIds: string[]): Promise<ZapEvent[]> {
    return messageExternalIds.length
      ? this.em.fork().find(ZapEvent, { messageExternalId: { $in: messageExternalIds } })
      : Promise.resolve([]);
  }

  /** Clicks on any of these URLs (raw, as the messages carried them) or on links of these messages. */
  async clicksOn(urls: string[], messageExternalIds: string[]): Promise<UrlClick[]> {
    const or: object[] = [];
    if (urls.length) or.push({ url: { $in: [...new Set(urls)] } });
    if (messageExternalIds.length) or.push({ messageExternalId: { $in: messageExternalIds } });
    return or.length ? this.em.fork().find(UrlClick, { $or: or } as never) : [];
  }

  signInsOf(users: string[], after: Date): Promise<SignIn[]> {
    return users.length ? this.em.fork().find(SignIn, { user: { $in: users }, at: { $gte: after } }) : Promise.resolve([]);
  }

  /** Sign-ins of these users before `before`, to learn where they usually come from. */
  usualSignIns(users: string[], before: Date): Promise<SignIn[]> {
    return users.length ? this.em.fork().find(SignIn, { user: { $in: users }, at: { $lt: before } }, { limit: 5000 }) : Promise.resolve([]);
  }

  inboxRulesOf(mailboxes: string[]): Promise<InboxRule[]> {
    return mailboxes.length ? this.em.fork().find(InboxRule, { mailbox: { $in: mailboxes } }) : Promise.resolve([]);
  }

  async devicesWithFiles(sha256s: string[]): Promise<{ device: Device; file: DeviceFile }[]> {
    if (!sha256s.length) return [];
    const files = await this.em.fork().find(DeviceFile, { sha256: { $in: sha256s } });
    const devices = files.length
      ? await this.em.fork().find(Device, { externalId: { $in: [...new Set(files.map((f) => f.deviceExternalId))] } })
      : [];
    const byId = new Map(devices.map((d) => [d.externalId, d]));
    return files.flatMap((file) => (byId.has(file.deviceExternalId) ? [{ device: byId.get(file.deviceExternalId)!, file }] : []));
  }

  /**
   * The organisation's own mail domains: those of its mailboxes. One DISTINCT aggregate — the steps
   * that need it run it once each, and a tenant's mailboxes can number in the hundred thousands.
   */
  async internalDomains(): Promise<Set<string>> {
    const rows = await scopedRows<{ domain: string }>(
      this.em
        .fork()
        .createQueryBuilder(Mailbox, 'm')
        .select([raw(`distinct split_part(m.address, '@', 2) as domain`)] as never) as never,
    );
    return new Set(rows.map((r) => r.domain));
  }
}
