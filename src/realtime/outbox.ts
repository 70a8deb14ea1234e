import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../db/sql.js';
import { OutboxEvent } from './outbox-event.entity.js';

/** Every change a client may watch. Names are the subscription event types. */
export enum EventType {
  INVESTIGATION_CREATED = 'INVESTIGATION_CREATED',
  INVESTIGATION_STATE_CHANGED = 'INVESTIGATION_STATE_CHANGED',
  STEP_STARTED = 'STEP_STARTED',
  STEP_PROGRESS = 'STEP_PROGRESS',
  STEP_COMPLETED = 'STEP_COMPLETED',
  STEP_FAILED = 'STEP_FAILED',
  ENTITY_FOUND = 'ENTITY_FOUND',
  CLUSTER_FOUND = 'CLUSTER_FOUND',
  ACTION_RECOMMENDED = 'ACTION_RECOMMENDED',
  /** An action approved, rejected or expired: `{ id, status, decidedBy, decidedAt, comment, source }`. */
  ACTION_DECIDED = 'ACTION_DECIDED',
  /** An action's execution moved: RUNNING, COMPLETED, FAILED or UNDONE: `{ id, status, result?, error? }`. */
  ACTION_EXECUTED = 'ACTION_EXECUTED',
}

export interface EventInput {
  tenantId: string;
  investigationId?: string;
  type: EventType;
  /** A delta: the changed object's id and the fields that changed. */
  payload: Record<string, unknown>;
}

/** The LISTEN/NOTIFY channel: a wake-up hint only, the rows are the truth. */
export const EVENTS_CHANNEL = 'air_events';

/**
 * Append events in the caller's transaction, and one NOTIFY for all of them. PostgreSQL delivers a
 * NOTIFY only at commit, so a listener never wakes for rows it cannot yet read.
 */
export async function appendEvents(tx: EntityManager, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insertMany(
    OutboxEvent,
    events.map((e) => ({
      tenantId: e.tenantId,
      investigationId: e.investigationId,
      type: e.type,
      payload: e.payload,
      createdAt: new Date(),
    })),
  );
  await sql(tx, `select pg_notify(?, '')`, [EVENTS_CHANNEL]);
}
