import type { AlertKind } from '../domain/alert.js';
import type {
  ClickAction,
  DeliveryLocation,
  DetectionVerdict,
  IndicatorKind,
  MailDirection,
  SenderSource,
  SignInResult,
  SignInRisk,
  Verdict,
  ZapReason,
} from '../domain/telemetry.js';
import type { UpstreamVerdictFacts } from '../domain/upstream.js';

/*
 * The ports playbook steps see, one per source of evidence. WORKER-SAFE: plain data in and out — no
 * ORM entities, no GraphQL, no pg — so a step runs as well against the in-memory fakes of its unit
 * tests as against ports.orm.ts, the database-backed implementation the engine hands it. Every
 * look-up is scoped to the investigation's tenant by the implementation, never by the step.
 */

/** The fields of a message steps reason about (no bodies: clusters can hold thousands). */
export interface MessageFacts {
  /** Internal id: what cluster members point at. */
  id: string;
  /** The id the message was ingested with. */
  externalId: string;
  recipient: string;
  sender: string;
  /** The From header's display name. */
  senderName?: string;
  replyTo?: string;
  returnPath?: string;
  senderIp?: string;
  subject: string;
  urls: string[];
  /** Each link with the text it displays. */
  links: { url: string; text?: string; wrapped?: string }[];
  attachmentNames: string[];
  direction: MailDirection;
  receivedAt: Date;
  location: DeliveryLocation;
  /** What the mail filter decided on arrival. */
  verdict?: DetectionVerdict;
  auth?: { spf?: string; dkim?: string; dmarc?: string; compauth?: string; compauthReason?: string };
  /** Which header `sender` came from (From, Sender, Return-Path); absent when the producer named the sender. */
  senderSource?: SenderSource;
  /** What the receiving service's own filters concluded (Microsoft 365, SpamAssassin, rspamd), one per filter. */
  upstream: UpstreamVerdictFacts[];
  zappedAt?: Date;
  /** Ingestion's fingerprints (telemetry/fingerprint.ts): normalised URLs, their domains, attachment SHA-256s. */
  urlKeys: string[];
  domains: string[];
  attachmentHashes: string[];
  senderDomain: string;
  subjectKey: string;
}

/** A message's content fingerprint: MinHash slots and the LSH band keys indexed for look-up. */
export interface ContentFingerprint {
  minhash: number[];
  lshBands: string[];
}

export interface ZapFacts {
  messageExternalId: string;
  reason: ZapReason;
}

export interface ClickFacts {
  /** The URL as the message carried it (not normalised). */
  url: string;
  user: string;
  at: Date;
  action: ClickAction;
  messageExternalId?: string;
}

export interface InboxRuleFacts {
  externalId: string;
  mailbox: string;
  name: string;
  forwardTo?: string;
  deleteMessages: boolean;
  enabled: boolean;
  createdAt: Date;
  createdFromIp?: string;
}

/** Mail: messages and their fingerprints, zaps, Safe Links clicks, mailboxes' rules, the organisation's domains. */
export interface MailPort {
  /** A message by the id it was ingested with, with its content fingerprint and its own text (quotes excluded). */
  message(externalId: string): Promise<(MessageFacts & ContentFingerprint & { body: string }) | null>;
  /**
   * Messages from the same sender network (the /24 of an IPv4 address, /48 of IPv6) with this Return-Path
   * domain, each with its content similarity to `like` (0–1, MinHash estimate).
   */
  bySenderInfrastructure(
    senderIp: string,
    returnPathDomain: string,
    like: ContentFingerprint,
  ): Promise<(MessageFacts & { similarity: number })[]>;
  /** Messages linking to any of these domains (hosts or registrable domains). */
  byDomains(domains: string[]): Promise<MessageFacts[]>;
  /**
   * The organisation's history with a sender domain before `before`: how many messages it sent (counted up
   * to `cap`), and whether any is older than `longBefore`.
   */
  senderDomainHistory(domain: string, before: Date, longBefore: Date, cap: number): Promise<{ messages: number; long: boolean }>;
  /** For each domain, how many messages linked to it before `before` (counted up to `cap`). */
  linkedBefore(domains: string[], before: Date, cap: number): Promise<Map<string, number>>;
  /** The organisation's people whose display name is this one (case-insensitive). */
  peopleNamed(name: string): Promise<{ name: string; address: string }[]>;
  /** Messages whose subject and body are near-duplicates of `of` (MinHash similarity ≥ 0.5). */
  similarTo(of: ContentFingerprint): Promise<MessageFacts[]>;
  bySender(sender: string): Promise<MessageFacts[]>;
  bySenderIpAndSubject(senderIp: string, subjectKey: string): Promise<MessageFacts[]>;
  /** Messages carrying any of these normalised URLs. */
  byUrlKeys(urlKeys: string[]): Promise<MessageFacts[]>;
  byAttachmentHashes(sha256s: string[]): Promise<MessageFacts[]>;
  /** Mail a user sent. */
  sentBy(user: string): Promise<MessageFacts[]>;
  /** Has this sender (or IP) mailed the organisation before `before`? */
  seenBefore(where: { sender?: string; senderIp?: string }, before: Date): Promise<boolean>;
  zapsOf(messageExternalIds: string[]): Promise<ZapFacts[]>;
  /** Clicks on any of these URLs (raw, as the messages carried them) or on links of these messages. */
  clicksOn(urls: string[], messageExternalIds: string[]): Promise<ClickFacts[]>;
  inboxRules(mailboxes: string[]): Promise<InboxRuleFacts[]>;
  /** The organisation's own mail domains: those of its mailboxes. */
  internalDomains(): Promise<Set<string>>;
}

/** Who gave an analyst verdict, when, and why. */
export interface AnalystAttribution {
  /** The analyst's subject (`sub`). */
  by: string;
  at: Date;
  comment?: string;
}

export interface IndicatorFacts {
  /** The feed record's id; for an analyst verdict, the verdict's id. */
  externalId: string;
  kind: IndicatorKind;
  value: string;
  verdict: Verdict;
  campaign?: string;
  /** The feed's name, or `analyst` (domain/analyst-verdict.ts `ANALYST_SOURCE`) for a verdict of this tenant's analysts. */
  source?: string;
  /** Present exactly when an analyst of this tenant gave this verdict (`source` is then `analyst`). */
  analyst?: AnalystAttribution;
}

/** An analyst's verdict on one message (`submitAnalystVerdict(kind: MESSAGE)`). */
export interface MessageVerdictFacts {
  messageExternalId: string;
  /** MALICIOUS, SUSPICIOUS or CLEAN: CLEAN is an analyst's word that the message is legitimate. */
  verdict: Verdict;
  analyst: AnalystAttribution;
}

/** Threat intelligence: the feeds' indicators and the tenant's own analysts' verdicts. */
export interface IntelPort {
  /**
   * The indicators of this kind known for any of these values: the feeds' indicators and this tenant's
   * analyst verdicts (`source: 'analyst'`, with `analyst` set; CLEAN ones included, as evidence against
   * a threat), both when both exist. DOMAIN values match an indicator on the host or on any parent up to
   * its registrable domain (`x1.bad.example` matches `bad.example`). Analyst URL verdicts are stored
   * normalised (domain/url.ts): they match a message's `urlKeys`, or a raw URL that normalises to them.
   */
  indicators(kind: IndicatorKind, values: string[]): Promise<IndicatorFacts[]>;
  /**
   * The tenant's analysts' current verdicts on any of these messages (by ingested id): at most one per
   * message, the latest given. Messages nobody judged are absent.
   */
  analystVerdicts(messageExternalIds: string[]): Promise<MessageVerdictFacts[]>;
}

export interface SignInFacts {
  externalId: string;
  user: string;
  ip: string;
  country?: string;
  at: Date;
  risk: SignInRisk;
  result: SignInResult;
}

/** Identity: who signed in, from where. */
export interface IdentityPort {
  /** Sign-ins of these users at or after `after`. */
  signIns(users: string[], after: Date): Promise<SignInFacts[]>;
  /** Sign-ins of these users before `before`, to learn where they usually come from (a bounded sample). */
  usualSignIns(users: string[], before: Date): Promise<SignInFacts[]>;
  /** When the user last signed in, if ever. */
  lastSignIn(user: string): Promise<Date | null>;
}

export interface FileSighting {
  device: { externalId: string; name: string; user?: string; os?: string };
  file: { sha256: string; path?: string };
}

/** Endpoint protection: the devices and the files seen on them. */
export interface DevicesPort {
  /** Every device file with one of these SHA-256s, with its device. */
  filesSeen(sha256s: string[]): Promise<FileSighting[]>;
}

export interface AlertFacts {
  kind: AlertKind;
  messageExternalId?: string;
  url?: string;
  user?: string;
}

/** The alerts that start investigations. */
export interface AlertsPort {
  byId(id: string): Promise<AlertFacts | null>;
  /** The distinct users who reported any of these messages. */
  reportersOf(messageExternalIds: string[]): Promise<string[]>;
}

/** Everything the email and user-compromise playbooks' steps may look up: `ctx.mail`, `ctx.intel`, … */
export interface PlaybookPorts {
  mail: MailPort;
  intel: IntelPort;
  identity: IdentityPort;
  devices: DevicesPort;
  alerts: AlertsPort;
}
