/**
 * Alert kinds and the one table that says, for each, which playbook it starts, its default severity and
 * title, and the fields it cannot do without. GraphQL (`raiseAlert`, `reportMessage`) and `/ingest`'s
 * worker threads both read it, so an alert gets the same defaults and the same refusal by either path.
 */
import { Playbook } from './investigation.js';

export enum AlertKind {
  USER_REPORTED = 'USER_REPORTED',
  URL_VERDICT_CHANGE = 'URL_VERDICT_CHANGE',
  MALWARE_ZAPPED = 'MALWARE_ZAPPED',
  PHISH_ZAPPED = 'PHISH_ZAPPED',
  USER_COMPROMISED = 'USER_COMPROMISED',
  RISKY_SIGN_IN = 'RISKY_SIGN_IN',
  SUSPICIOUS_INBOX_RULE = 'SUSPICIOUS_INBOX_RULE',
  SUSPICIOUS_SENDING = 'SUSPICIOUS_SENDING',
  MASS_DOWNLOAD = 'MASS_DOWNLOAD',
  MANUAL = 'MANUAL',
}

export enum Severity {
  INFORMATIONAL = 'INFORMATIONAL',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}

/** The alert fields a kind may require, by their wire names (`/ingest` and `raiseAlert` alike). */
export type AlertField = 'messageId' | 'url' | 'user';

export interface AlertKindRule {
  /** The playbook a new investigation runs for this kind. */
  playbook: Playbook;
  /**
   * A correlated signal about a user: it joins an open investigation that already involves the user,
   * and starts `playbook` only when there is none.
   */
  correlated: boolean;
  severity: Severity;
  title: string;
  /** Every one of these must be given. */
  requires: readonly AlertField[];
  /** At least one of these must be given (a manual investigation names what it is about). */
  requiresOneOf?: readonly AlertField[];
}

export const ALERT_KINDS: Readonly<Record<AlertKind, AlertKindRule>> = {
  USER_REPORTED: {
    playbook: Playbook.USER_SUBMITTED_MESSAGE,
    correlated: false,
    severity: Severity.MEDIUM,
    title: 'Email reported by user as malware or phish',
    requires: ['messageId'],
  },
  URL_VERDICT_CHANGE: {
    playbook: Playbook.URL_VERDICT_CHANGE,
    correlated: false,
    severity: Severity.HIGH,
    title: 'A clicked URL was later found malicious',
    requires: ['url'],
  },
  MALWARE_ZAPPED: {
    playbook: Playbook.ZAPPED_MALWARE,
    correlated: false,
    severity: Severity.HIGH,
    title: 'Email messages containing malware removed after delivery',
    requires: ['messageId'],
  },
  PHISH_ZAPPED: {
    playbook: Playbook.ZAPPED_PHISH,
    correlated: false,
    severity: Severity.HIGH,
    title: 'Email messages containing phish URLs removed after delivery',
    requires: ['messageId'],
  },
  USER_COMPROMISED: {
    playbook: Playbook.USER_COMPROMISED,
    correlated: true,
    severity: Severity.HIGH,
    title: 'Suspected compromised user',
    requires: ['user'],
  },
  RISKY_SIGN_IN: {
    playbook: Playbook.USER_COMPROMISED,
    correlated: true,
    severity: Severity.MEDIUM,
    title: 'Risky sign-in',
    requires: ['user'],
  },
  SUSPICIOUS_INBOX_RULE: {
    playbook: Playbook.USER_COMPROMISED,
    correlated: true,
    severity: Severity.MEDIUM,
    title: 'Suspicious inbox forwarding or deletion rule',
    requires: ['user'],
  },
  SUSPICIOUS_SENDING: {
    playbook: Playbook.USER_COMPROMISED,
    correlated: true,
    severity: Severity.MEDIUM,
    title: 'Suspicious email sending pattern',
    requires: ['user'],
  },
  MASS_DOWNLOAD: {
    playbook: Playbook.USER_COMPROMISED,
    correlated: true,
    severity: Severity.MEDIUM,
    title: 'Mass download of files',
    requires: ['user'],
  },
  MANUAL: {
    playbook: Playbook.MANUAL_INVESTIGATION,
    correlated: false,
    severity: Severity.INFORMATIONAL,
    title: 'Manual investigation requested',
    requires: [],
    requiresOneOf: ['messageId', 'user', 'url'],
  },
};

/** Why an alert of `kind` with these fields cannot start anything, or undefined when it can. */
export function missingAlertField(
  kind: AlertKind,
  fields: Partial<Record<AlertField, string | null | undefined>>,
): { field: AlertField; message: string } | undefined {
  const rule = ALERT_KINDS[kind];
  for (const field of rule.requires) {
    if (!fields[field]) return { field, message: `a ${kind} alert needs ${field}` };
  }
  if (rule.requiresOneOf && !rule.requiresOneOf.some((f) => fields[f])) {
    const [first] = rule.requiresOneOf;
    return { field: first!, message: `a ${kind} alert needs one of ${rule.requiresOneOf.join(', ')}` };
  }
  return undefined;
}

/** The title an alert gets when its source gives none: the kind's title and what it is about. */
export function defaultAlertTitle(kind: AlertKind, about?: string | null): string {
  const title = ALERT_KINDS[kind].title;
  return about ? `${title}: ${about}` : title;
}
