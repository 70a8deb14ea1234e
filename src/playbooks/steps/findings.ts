import type { Evidence } from '../../domain/evidence.js';
import type { ClusterQuery } from '../../domain/investigation.js';
import type { IndicatorKind, SignInRisk, Verdict, ZapReason } from '../../domain/telemetry.js';

/*
 * What each step finds, by step key: the contract between the step that writes a key and the steps
 * that read it (`ctx.results('root')` is a RootFindings). The engine stores findings as JSON
 * (`log_steps.findings`) and a later step reads them back from there, so every field is JSON: times
 * are ISO strings, never Dates. Types, not interfaces: a type alias has the implicit index signature
 * that makes it a `Record<string, unknown>` for the engine.
 *
 * A step that skips returns empty (or partial) findings, so the keys of steps that may skip map to a
 * Partial: their readers decide what an absent field means.
 */

/** What the root step established: the message (or URL, or user) the investigation is about. */
export type RootFindings = {
  kind: 'message' | 'url' | 'user' | 'none';
  messageExternalId?: string;
  sender?: string;
  senderDomain?: string;
  senderIp?: string;
  subject?: string;
  subjectKey?: string;
  /** ISO time. */
  receivedAt?: string;
  urls: string[];
  urlKeys: string[];
  domains: string[];
  attachmentHashes: string[];
  recipients: string[];
  authFailed: boolean;
  /** DMARC passed at the receiver (or, without DMARC, both SPF and DKIM): the From domain is really the sender's. */
  authPassed: boolean;
  /** The domain of the Return-Path (the envelope sender): with the sender network, the campaign's infrastructure. */
  returnPathDomain?: string;
  /** Registrable domains the links lead to. */
  linkDomains: string[];
  /** The attachments' file types (lower-case extensions): the payload's kind, when each copy is a new file. */
  attachmentTypes?: string[];
  /** Mail sent inside the organisation or out of it (direction INTERNAL or OUTBOUND). */
  internal: boolean;
  /** What the message says about itself: headers, links, attachments and its own text (playbooks/signals). */
  evidence: Evidence[];
  /** The mail filter's verdict on arrival (a DetectionVerdict). */
  detection?: string;
  minhash: number[];
  lshBands: string[];
  /** For the URL-verdict playbook: the URL that turned malicious. */
  url?: string;
  /** For the user-compromise playbook: the user. */
  user?: string;
};

export type ThreatFindings = {
  indicatorHits: { kind: IndicatorKind; value: string; verdict: Verdict; campaign?: string }[];
  /** Normalised URLs threat intelligence calls malicious. */
  maliciousUrlKeys: string[];
  maliciousDomains: string[];
  maliciousHashes: string[];
  campaigns: string[];
  threats: string[];
  authenticationFailed: boolean;
  evidence: Evidence[];
};

export type SenderFindings = {
  firstTimeSender: boolean;
  firstTimeIp: boolean;
  internalSender: boolean;
  /** The organisation's domain the sender's imitates. */
  lookalikeOf: string | null;
  /** Authenticated, and the organisation has received its domain's mail for long and often. */
  established: boolean;
  /** Link domains the organisation never received mail linking to before the campaign. */
  rareLandingDomains: string[];
  evidence: Evidence[];
};

export type ZapFindings = {
  /** Near-duplicates of the root (the root included). */
  similar: number;
  zapped: number;
  /** Near-duplicates the mail filter detected as phish or malware. */
  detected: number;
  reasons: ZapReason[];
  /** ISO time of the campaign's first copy: history is counted before it, never including the campaign. */
  firstCopyAt?: string;
  /** ISO time of the earliest near-duplicate however old: link domains are counted before it. */
  templateFirstAt?: string;
  /** Distinct users who reported a near-duplicate. */
  reporters: number;
  evidence: Evidence[];
};

export type VerdictFindings = {
  verdict: Verdict;
  reasons: string[];
  campaigns: string[];
  /** Everything weighed, and its sum. */
  evidence: Evidence[];
  score: number;
  /** Some evidence is strong alone (threat intelligence, an analyst, the filter's detection). */
  strong: boolean;
};

export type ClusterSummary = {
  key: string;
  query: ClusterQuery;
  queryValue: string;
  verdict: Verdict;
  /** Members judged MALICIOUS (SUSPICIOUS for a SUSPICIOUS cluster) still in an inbox or junk folder: what deleting would remove. */
  inMailbox: number;
  size: number;
  /** Of those in a mailbox, how many lack strong evidence of their own: automation may not act on them. */
  weak: number;
  /** Of those in a mailbox, how many an internal or established sender sent: never deleted without a human. */
  protected?: number;
};

/** The clusters, and — when the root is malicious — what later steps follow: the malicious mail's ids, links, recipients, files. */
export type HuntFindings = {
  clusters: ClusterSummary[];
  messageExternalIds: string[];
  urls: string[];
  recipients: string[];
  attachmentHashes: string[];
};

export type ClickFindings = {
  clicks: number;
  blocked: number;
  safeLinksMisses: number;
  clickers: string[];
  /** Each clicker's own earliest allowed click (ISO time): where their compromise window opens. */
  firstClick: Record<string, string>;
};

export type DeviceFindings = {
  machines: string[];
  hashes: string[];
};

export type CompromisedUser = {
  user: string;
  /** ISO time the compromise window opens: the earliest risky sign-in or suspicious rule. */
  since?: string;
  rules: { externalId: string; name: string; forwardTo?: string; deleteMessages: boolean }[];
  signIns: { externalId: string; ip: string; country?: string; risk: SignInRisk; at: string }[];
};

export type CompromiseFindings = {
  compromised: CompromisedUser[];
};

export type SentMailFindings = {
  sent: number;
  /** Mail sent in the compromise window, by subject, each message judged on its own. */
  clusters: (ClusterSummary & { name: string })[];
};

/** Remediation's findings are its actions. */
export type NoFindings = Record<string, never>;

export interface StepFindings {
  root: RootFindings;
  threat_type: Partial<ThreatFindings>;
  sender_reputation: Partial<SenderFindings>;
  zap_check: Partial<ZapFindings>;
  verdict: VerdictFindings;
  similar_messages: Partial<HuntFindings>;
  url_clicks: Partial<ClickFindings>;
  device_files: Partial<DeviceFindings>;
  user_compromise: Partial<CompromiseFindings>;
  sent_mail: Partial<SentMailFindings>;
  recommend_actions: NoFindings;
}

export type StepKey = keyof StepFindings;
