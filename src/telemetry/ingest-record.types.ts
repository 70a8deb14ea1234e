/**
 * The telemetry records `POST /ingest` takes, one JSON object a line (DESIGN.md, "Ingestion records").
 *
 * Field names and value sets are the wire contract, spelled as in the design table: times are
 * ISO 8601 strings, addresses are lower-case, optional fields are left out rather than `null`.
 * Closed sets are the string values of `domain/`'s enums, so that producers such as the organisation
 * generator may write plain string literals.
 */
import type { AlertKind, Severity } from '../domain/alert.js';
import type {
  ClickAction,
  DeliveryLocation,
  DetectionVerdict,
  IndicatorKind,
  MailDirection,
  SignInResult,
  SignInRisk,
  Verdict,
  ZapReason,
} from '../domain/telemetry.js';
import type { UpstreamSource, UpstreamVerdict } from '../domain/upstream.js';

export type DeliveryLocationName = `${DeliveryLocation}`;
export type DetectionVerdictName = `${DetectionVerdict}`;
export type MailDirectionName = `${MailDirection}`;
/** Safe-Links style outcome of a click. */
export type ClickActionName = `${ClickAction}`;
export type SignInRiskName = `${SignInRisk}`;
export type SignInResultName = `${SignInResult}`;
export type IndicatorKindName = `${IndicatorKind}`;
/** An indicator's verdict; `UNKNOWN` exists only for investigation entities, never on the wire. */
export type IndicatorVerdictName = Exclude<`${Verdict}`, 'UNKNOWN'>;
export type ZapReasonName = `${ZapReason}`;
export type AlertKindName = `${AlertKind}`;
export type AlertSeverityName = `${Severity}`;

export interface MailboxRecord {
  type: 'mailbox';
  id: string;
  address: string;
  displayName?: string;
  department?: string;
}

export interface AttachmentRecord {
  name: string;
  sha256: string;
  size?: number;
}

/** Authentication results as the receiving server wrote them (`pass`, `fail`, `softfail`, `none`, …). */
export interface AuthResultsRecord {
  spf: string;
  dkim: string;
  dmarc: string;
  /** Microsoft 365's composite authentication (`pass`, `fail`, `softfail`, `none`) and its reason code. */
  compauth?: string;
  compauthReason?: string;
}

export type UpstreamSourceName = `${UpstreamSource}`;
export type UpstreamVerdictName = `${UpstreamVerdict}`;

/** The receiving service's own verdict on a message (Microsoft 365's SCL/CAT/BCL, a spam filter's score). */
export interface UpstreamVerdictRecord {
  source: UpstreamSourceName;
  verdict: UpstreamVerdictName;
  scl?: number;
  bcl?: number;
  pcl?: number;
  category?: string;
  score?: number;
  threshold?: number;
  /** The fields it was read from, as the filter spelt them. */
  raw?: Record<string, string>;
}

/** One copy of an email in one mailbox. */
export interface MessageRecord {
  type: 'message';
  id: string;
  recipient: string;
  sender: string;
  senderIp?: string;
  returnPath?: string;
  /** The From header's display name (impersonation checks compare it with brands and the organisation's people). */
  senderName?: string;
  /** The first Reply-To address, when the message sets one. */
  replyTo?: string;
  subject: string;
  body: string;
  urls?: string[];
  attachments?: AttachmentRecord[];
  receivedAt: string;
  /** Where the message sits now (after any ZAP or user action), not where it was delivered. */
  location: DeliveryLocationName;
  /** What the filter decided when the message arrived. */
  verdict?: DetectionVerdictName;
  auth?: AuthResultsRecord;
  direction?: MailDirectionName;
  internetMessageId?: string;
  /** What the receiving service's filters concluded, one entry per filter. */
  upstream?: UpstreamVerdictRecord[];
}

/**
 * A message as the whole RFC 5322 message, parsed on ingestion: `eml` (text) or `emlBase64` (its bytes,
 * base64), exactly one. Send bytes whenever the source has them: a message in ISO-8859-1 or
 * windows-1251 that a client decodes as UTF-8 loses its text; the parser decodes each part by its charset.
 */
export type RawMessageRecord = {
  type: 'raw_message';
  id: string;
  recipient: string;
  receivedAt: string;
  location?: DeliveryLocationName;
} & ({ eml: string; emlBase64?: never } | { emlBase64: string; eml?: never });

export interface UrlClickRecord {
  type: 'url_click';
  id: string;
  url: string;
  /** The address of the user who clicked. */
  user: string;
  at: string;
  action: ClickActionName;
  /** The `id` of the message the link was in, when the click came from a known message. */
  messageId?: string;
}

export interface SignInRecord {
  type: 'sign_in';
  id: string;
  user: string;
  ip: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  at: string;
  risk?: SignInRiskName;
  result: SignInResultName;
}

export interface InboxRuleRecord {
  type: 'inbox_rule';
  id: string;
  /** The address of the mailbox the rule belongs to. */
  mailbox: string;
  name: string;
  forwardTo?: string;
  deleteMessages?: boolean;
  moveToFolder?: string;
  createdAt: string;
  createdFromIp?: string;
}

export interface DeviceRecord {
  type: 'device';
  id: string;
  name: string;
  /** The address of the device's primary user. */
  user?: string;
  os?: string;
}

export interface DeviceFileRecord {
  type: 'device_file';
  id: string;
  /** The `id` of the device record. */
  device: string;
  sha256: string;
  path?: string;
  seenAt: string;
}

export interface IndicatorRecord {
  type: 'indicator';
  id: string;
  kind: IndicatorKindName;
  value: string;
  verdict: IndicatorVerdictName;
  campaign?: string;
  source?: string;
}

/** Zero-hour auto purge pulled a delivered message back. */
export interface ZapRecord {
  type: 'zap';
  id: string;
  messageId: string;
  at: string;
  reason: ZapReasonName;
}

export interface AlertRecord {
  type: 'alert';
  id: string;
  kind: AlertKindName;
  at: string;
  severity?: AlertSeverityName;
  messageId?: string;
  url?: string;
  user?: string;
  sha256?: string;
}

export type IngestRecord =
  | MailboxRecord
  | MessageRecord
  | RawMessageRecord
  | UrlClickRecord
  | SignInRecord
  | InboxRuleRecord
  | DeviceRecord
  | DeviceFileRecord
  | IndicatorRecord
  | ZapRecord
  | AlertRecord;

export type IngestRecordType = IngestRecord['type'];
