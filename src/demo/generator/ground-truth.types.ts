/** What a generated organisation really contains: the answers a quality test scores the playbooks against. */
import type { AlertKindName, DeliveryLocationName, IngestRecordType } from '../../telemetry/ingest-record.types.js';
import type { ShapesTruth } from './shapes/shape-truth.types.js';

export type CampaignKind = 'PHISH' | 'MALWARE';

export interface CampaignTruth {
  name: string;
  kind: CampaignKind;
  /** Every message record of the campaign, in stream order (delivered, caught, zapped alike). */
  messageIds: string[];
  senders: string[];
  senderIps: string[];
  /** Sender and landing domains (look-alikes, plus the organisation's own domain when it is spoofed). */
  domains: string[];
  /** Landing URLs without their per-recipient query string; every campaign link starts with one of these followed by `?`. */
  urls: string[];
  sha256s: string[];
  attachmentNames: string[];
  /** Whether indicator records name this campaign; when false only similarity hunting can find it. */
  hasIndicators: boolean;
  /** The message the campaign's USER_REPORTED alert reports. */
  reportedMessageId: string;
  reportAlertId: string;
  zappedMessageIds: string[];
  /** Message counts by current location. */
  locations: Record<DeliveryLocationName, number>;
  clickedUsers: string[];
  compromisedUsers: string[];
  /** `device` ids where the campaign's attachment landed. */
  infectedDevices: string[];
}

export interface CompromiseTruth {
  user: string;
  campaign: string;
  /** The campaign message whose link was clicked. */
  messageId: string;
  clickId: string;
  clickedAt: string;
  /** The attacker's HIGH-risk successful sign-in from a country new for this user. */
  signInId: string;
  signInIp: string;
  country: string;
  /** The forwarding or deleting inbox rule the attacker created from that IP. */
  ruleId: string;
  ruleCreatedAt: string;
}

export interface AlertTruth {
  id: string;
  kind: AlertKindName;
  /** The campaign the alert is about, or null for an alert on benign mail (or none). */
  campaign: string | null;
  /** Set on user reports of benign bulk mail: the investigation must end with no threats. */
  benign?: 'NEWSLETTER' | 'INVOICE';
  messageId?: string;
  user?: string;
  url?: string;
}

/** Legitimate bulk mail: near-identical messages to many users that belong to no campaign. */
export interface BenignBulkTruth {
  kind: 'NEWSLETTER' | 'INVOICE';
  name: string;
  sender: string;
  messageCount: number;
  /** The first few message ids; the full list is not kept (it can be a fifth of all mail). */
  sampleMessageIds: string[];
}

export interface GroundTruth {
  options: { mailboxes: number; messages: number; campaigns: number; seed: number; domain: string; start: string; end: string };
  campaigns: CampaignTruth[];
  /** Users compromised through a campaign click, sorted. */
  compromisedUsers: string[];
  compromises: CompromiseTruth[];
  /** Users who clicked any campaign link (allowed or blocked), sorted; a superset of the compromised. */
  clickedUsers: string[];
  alerts: AlertTruth[];
  benignBulk: BenignBulkTruth[];
  /** The campaign shapes, when the options asked for them (`shapes`); absent otherwise. */
  shapes?: ShapesTruth;
  counts: {
    records: number;
    byType: Record<IngestRecordType, number>;
    /** Message records by origin; they add up to `options.messages`. */
    messages: { campaign: number; newsletter: number; invoice: number; internal: number; external: number; spam: number; shapes: number };
  };
}
