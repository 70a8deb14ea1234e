import { DeliveryLocation, Verdict } from './telemetry.js';

/** Remediation actions a playbook can recommend. */
export enum ActionType {
  SOFT_DELETE_EMAILS = 'SOFT_DELETE_EMAILS',
  HARD_DELETE_EMAILS = 'HARD_DELETE_EMAILS',
  MOVE_TO_JUNK = 'MOVE_TO_JUNK',
  BLOCK_URL = 'BLOCK_URL',
  BLOCK_SENDER = 'BLOCK_SENDER',
  BLOCK_FILE = 'BLOCK_FILE',
  REMOVE_INBOX_RULE = 'REMOVE_INBOX_RULE',
  DISABLE_FORWARDING = 'DISABLE_FORWARDING',
  RESET_PASSWORD = 'RESET_PASSWORD',
  REVOKE_SESSIONS = 'REVOKE_SESSIONS',
  SCAN_MACHINE = 'SCAN_MACHINE',
  ISOLATE_MACHINE = 'ISOLATE_MACHINE',
}

/** Where each email action moves its cluster's messages; the other action types move no mail. */
export const EMAIL_ACTION_DESTINATION: Partial<Record<ActionType, DeliveryLocation.DELETED | DeliveryLocation.JUNK>> = {
  [ActionType.SOFT_DELETE_EMAILS]: DeliveryLocation.DELETED,
  [ActionType.HARD_DELETE_EMAILS]: DeliveryLocation.DELETED,
  [ActionType.MOVE_TO_JUNK]: DeliveryLocation.JUNK,
};

/**
 * Where a cluster message must be for an action of `type` to move it: still in a mailbox folder (INBOX,
 * JUNK) and not already where the action puts it. Mail quarantined, or deleted by its user, since the
 * cluster was built is left alone. Empty for an action that moves no mail. The executor's update and
 * `Action.messages` both read this, so the list a reviewer checks is what the action will move.
 */
export function movedFrom(type: ActionType): DeliveryLocation[] {
  const to = EMAIL_ACTION_DESTINATION[type];
  return to ? [DeliveryLocation.INBOX, DeliveryLocation.JUNK].filter((l) => l !== to) : [];
}

export enum ActionStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
  UNDONE = 'UNDONE',
}

/** Whether a person or the automation policy decided the action. */
export enum ActionSource {
  AUTOMATED = 'AUTOMATED',
  MANUAL = 'MANUAL',
}

/** What the block-URL / sender / file actions put on the tenant's block list. */
export enum BlockKind {
  URL = 'URL',
  SENDER = 'SENDER',
  FILE = 'FILE',
}

/** What a decision did to one action (the answer of approveActions / rejectActions, per id). */
export enum DecisionOutcome {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  /** Already decided (or expired): nothing changed. */
  CONFLICT = 'CONFLICT',
  /** No such action in the caller's tenant (foreign and malformed ids alike). */
  NOT_FOUND = 'NOT_FOUND',
}

/** The action centre's time filter (the seed's day, week, 30 days, 6 months). */
export enum TimePeriod {
  DAY = 'DAY',
  WEEK = 'WEEK',
  DAYS_30 = 'DAYS_30',
  MONTHS_6 = 'MONTHS_6',
}

/** Statuses in which an action still keeps its investigation waiting. */
export const OPEN_ACTION_STATUSES: readonly ActionStatus[] = [ActionStatus.PENDING_APPROVAL, ActionStatus.APPROVED, ActionStatus.RUNNING];

const PERIOD_MS: Record<TimePeriod, number> = {
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
  DAYS_30: 30 * 86_400_000,
  MONTHS_6: 182 * 86_400_000,
};
/** When a period that ends now began. */
export const periodStart = (p: TimePeriod) => new Date(Date.now() - PERIOD_MS[p]);

/**
 * The members of a cluster an email action moves, by the cluster's verdict: a MALICIOUS cluster's
 * MALICIOUS members only (a member similar to the phish without campaign evidence of its own stays where
 * it is); a SUSPICIOUS cluster's — always a human's decision — its SUSPICIOUS and MALICIOUS members.
 * Never a CLEAN member. The executor, `Action.messages` and the automation limit all read this.
 */
export function actedOnVerdicts(clusterVerdict: Verdict): Verdict[] {
  return clusterVerdict === Verdict.SUSPICIOUS ? [Verdict.MALICIOUS, Verdict.SUSPICIOUS] : [Verdict.MALICIOUS];
}
/** What `Action.preview` counts (actions/preview.service.ts). */
export enum PreviewScope {
  /** An email action: the messages it would move if it ran now (its cluster's mail still in INBOX/JUNK, see `movedFrom`). */
  MESSAGES_MOVED = 'MESSAGES_MOVED',
  /** A block action: the tenant's messages that carry its target (the block list's own matching rule). */
  MESSAGES_CARRYING_TARGET = 'MESSAGES_CARRYING_TARGET',
  /** A user, rule or machine action: it touches its targets, no mail. */
  TARGETS = 'TARGETS',
}

/** The block kind each block action puts on the block list. */
export const BLOCK_KIND_OF: Partial<Record<ActionType, BlockKind>> = {
  [ActionType.BLOCK_URL]: BlockKind.URL,
  [ActionType.BLOCK_SENDER]: BlockKind.SENDER,
  [ActionType.BLOCK_FILE]: BlockKind.FILE,
};
