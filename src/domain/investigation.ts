/** The seed's five playbooks and the user-compromise playbook its later versions added. */
export enum Playbook {
  USER_SUBMITTED_MESSAGE = 'USER_SUBMITTED_MESSAGE',
  URL_VERDICT_CHANGE = 'URL_VERDICT_CHANGE',
  MANUAL_INVESTIGATION = 'MANUAL_INVESTIGATION',
  ZAPPED_MALWARE = 'ZAPPED_MALWARE',
  ZAPPED_PHISH = 'ZAPPED_PHISH',
  USER_COMPROMISED = 'USER_COMPROMISED',
}

/** Investigation states in the words security teams already use. */
export enum InvestigationState {
  STARTING = 'STARTING',
  RUNNING = 'RUNNING',
  QUEUED_BY_THROTTLING = 'QUEUED_BY_THROTTLING',
  TERMINATED_BY_THROTTLING = 'TERMINATED_BY_THROTTLING',
  NO_THREATS_FOUND = 'NO_THREATS_FOUND',
  PENDING_ACTION = 'PENDING_ACTION',
  PARTIALLY_INVESTIGATED = 'PARTIALLY_INVESTIGATED',
  REMEDIATED = 'REMEDIATED',
  PARTIALLY_REMEDIATED = 'PARTIALLY_REMEDIATED',
  TERMINATED_BY_USER = 'TERMINATED_BY_USER',
  TERMINATED_BY_SYSTEM = 'TERMINATED_BY_SYSTEM',
  FAILED = 'FAILED',
}

/** A playbook's three phases, in order. */
export enum Phase {
  ROOT_INVESTIGATION = 'ROOT_INVESTIGATION',
  HUNTING = 'HUNTING',
  REMEDIATION = 'REMEDIATION',
}

export enum StepStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}

/** What an investigated entity is; also the node kinds of the investigation graph. */
export enum EntityKind {
  EMAIL = 'EMAIL',
  EMAIL_CLUSTER = 'EMAIL_CLUSTER',
  USER = 'USER',
  MACHINE = 'MACHINE',
  IP = 'IP',
  URL = 'URL',
  FILE = 'FILE',
  SENDER = 'SENDER',
  DOMAIN = 'DOMAIN',
  INBOX_RULE = 'INBOX_RULE',
}

/** The query that groups an email cluster's messages. */
export enum ClusterQuery {
  SIMILAR_CONTENT = 'SIMILAR_CONTENT',
  SAME_SENDER = 'SAME_SENDER',
  SAME_SENDER_IP_AND_SUBJECT = 'SAME_SENDER_IP_AND_SUBJECT',
  SAME_URL = 'SAME_URL',
  SAME_DOMAIN = 'SAME_DOMAIN',
  SAME_ATTACHMENT = 'SAME_ATTACHMENT',
  SENT_BY_USER = 'SENT_BY_USER',
  /** Same sender network (/24, or /48 for IPv6) and Return-Path domain: campaigns that vary everything else. */
  SAME_SENDER_INFRASTRUCTURE = 'SAME_SENDER_INFRASTRUCTURE',
}

/** States in which an investigation is still doing work. */
export const ACTIVE_STATES: readonly InvestigationState[] = [
  InvestigationState.STARTING,
  InvestigationState.RUNNING,
  InvestigationState.QUEUED_BY_THROTTLING,
];

/** States in which an investigation is open: still investigating, or waiting on its actions (can be joined or cancelled). */
export const OPEN_STATES: readonly InvestigationState[] = [...ACTIVE_STATES, InvestigationState.PENDING_ACTION];
