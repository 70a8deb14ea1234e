/**
 * Executors: what an approved action does. One interface, so a deployment can plug in Microsoft Graph,
 * Gmail or an EDR per action type; the built-in executors (builtin.executor.ts) act on the organisation
 * data this server holds and are the reference.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Action } from './action.entity.js';
import type { ActionType } from '../domain/action.js';

export interface ExecutionContext {
  /** A tenant-scoped EntityManager inside the transaction that will mark the action COMPLETED. */
  tx: EntityManager;
  tenantId: string;
  action: Action;
}

export interface ActionExecutor {
  /**
   * Carry the action out and say what it did (stored as the action's `result`). It may run again after a
   * crash before its transaction committed, so it must be idempotent; a thrown error is retried with backoff.
   */
  run(ctx: ExecutionContext): Promise<Record<string, unknown>>;
  /** Reverse it (restore, lift, re-enable); absent when the action cannot be undone. Gets the run's result. */
  undo?(ctx: ExecutionContext, result: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export type ExecutorRegistry = Record<ActionType, ActionExecutor>;
