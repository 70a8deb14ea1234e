/**
 * The ground truth of the campaign shapes: which messages are malicious and in which campaign, which
 * mail beside them is legitimate (and must never be remediated), who was compromised, whose clicks were
 * legitimate, and the alerts the scenario raises. A scorer needs nothing else.
 */
import type { AlertKindName, AlertSeverityName, DeliveryLocationName, IndicatorKindName } from '../../../telemetry/ingest-record.types.js';
import type { ShapeKind } from './shape.options.js';

/** How a link was wrapped by a URL-rewriting gateway before it reached the mailbox. */
export type LinkWrapper = 'SAFE_LINKS' | 'PROOFPOINT_V2' | 'PROOFPOINT_V3';

export interface ShapeCampaignTruth {
  shape: ShapeKind;
  name: string;
  kind: 'PHISH' | 'MALWARE';
  /** Every malicious message of the campaign, in stream order, whatever its location. */
  messageIds: string[];
  /** The campaign's messages still in INBOX or JUNK when the stream ends: what a remediation can still reach. */
  inMailboxIds: string[];
  senders: string[];
  senderIps: string[];
  returnPathDomains: string[];
  /** Sender and landing hosts (for IDN look-alikes, the punycode form as it appears in mail). */
  domains: string[];
  /** Landing URLs without per-recipient query strings, as a click log records them (unwrapped). */
  urls: string[];
  sha256s: string[];
  /** What intelligence knows of this campaign (empty when nothing). */
  indicators: { kind: IndicatorKindName; value: string }[];
  zappedMessageIds: string[];
  locations: Record<DeliveryLocationName, number>;
  clickedUsers: string[];
  /** Users whose compromise belongs to this campaign (for a hijack: the account that sent it). */
  compromisedUsers: string[];
  /** WRAPPED_LINKS only: each message's wrapped link and the URL it decodes to. */
  wrappedLinks?: { messageId: string; wrapper: LinkWrapper; wrapped: string; target: string }[];
  /** IDN_LOOKALIKE only: the look-alike domain as a reader sees it and as DNS spells it. */
  idn?: { unicode: string; ascii: string; imitates: string };
  /** REPLY_CHAIN_HIJACK only: the legitimate group whose message the reply quotes. */
  quotes?: string;
}

/** Legitimate mail that stands beside a shape and looks like part of it. */
export interface LegitimateGroupTruth {
  shape: ShapeKind;
  name: string;
  kind: 'ANNOUNCEMENT' | 'NOTIFICATIONS';
  sender: string;
  senderIps: string[];
  /** Every copy; none may be remediated. */
  messageIds: string[];
  subject: string;
  /** Users who clicked the group's links: legitimate clicks. */
  clickedUsers: string[];
}

export interface ShapeCompromiseTruth {
  user: string;
  campaign: string;
  signInId: string;
  signInIp: string;
  country: string;
  ruleId: string;
  forwardTo: string;
  /** From the attacker's first sign-in to the last message he sent as the user. */
  window: { from: string; to: string };
}

/**
 * An alert the scenario raises, in time order. `raise` says how a harness raises it:
 * REPORT → `reportMessage(messageId, reportedBy: user)`; ALERT → `raiseAlert(kind, …refs)`;
 * INVESTIGATE_USER → `startInvestigation(user)`. The same alerts are streamed as `alert` records.
 */
export interface ScenarioAlert {
  id: string;
  raise: 'REPORT' | 'ALERT' | 'INVESTIGATE_USER';
  kind: AlertKindName;
  severity: AlertSeverityName;
  at: string;
  /** The shape campaign the alert is about, or null when it is about legitimate mail. */
  campaign: string | null;
  messageId?: string;
  user?: string;
  url?: string;
  sha256?: string;
}

export interface ShapesTruth {
  campaigns: ShapeCampaignTruth[];
  legitimate: LegitimateGroupTruth[];
  compromises: ShapeCompromiseTruth[];
  /** Sorted: users compromised in the shapes (the hijacked colleague). */
  compromisedUsers: string[];
  /** Senders whose mail is legitimate although it sits beside a campaign; never to be blocked. Sorted. */
  legitimateSenders: string[];
  /** Users who clicked only legitimate links near a campaign (announcement, real notifications); one of them was travelling. Sorted. */
  legitimateClickers: string[];
  alerts: ScenarioAlert[];
}
