import { registerEnumType } from 'type-graphql';

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

registerEnumType(ActionType, { name: 'ActionType' });
registerEnumType(ActionStatus, { name: 'ActionStatus' });
registerEnumType(ActionSource, { name: 'ActionSource' });
