/** Where a message sits now. */
export enum DeliveryLocation {
  INBOX = 'INBOX',
  JUNK = 'JUNK',
  QUARANTINE = 'QUARANTINE',
  DELETED = 'DELETED',
}
/** What the mail filter decided when the message arrived. */
export enum DetectionVerdict {
  CLEAN = 'CLEAN',
  SPAM = 'SPAM',
  PHISH = 'PHISH',
  MALWARE = 'MALWARE',
}
export enum MailDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
  INTERNAL = 'INTERNAL',
}
/** Safe-Links style outcome of a click. */
export enum ClickAction {
  ALLOWED = 'ALLOWED',
  BLOCKED = 'BLOCKED',
}
export enum SignInRisk {
  NONE = 'NONE',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
export enum SignInResult {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
}
export enum IndicatorKind {
  URL = 'URL',
  DOMAIN = 'DOMAIN',
  IP = 'IP',
  FILE = 'FILE',
  SENDER = 'SENDER',
}
/** A threat-intelligence or investigation verdict. */
export enum Verdict {
  MALICIOUS = 'MALICIOUS',
  SUSPICIOUS = 'SUSPICIOUS',
  CLEAN = 'CLEAN',
  UNKNOWN = 'UNKNOWN',
}
export enum ZapReason {
  PHISH = 'PHISH',
  MALWARE = 'MALWARE',
}
/** Which header a message's sender address came from: the first of From, Sender, Return-Path with a usable address. */
export enum SenderSource {
  FROM = 'FROM',
  SENDER = 'SENDER',
  RETURN_PATH = 'RETURN_PATH',
}
