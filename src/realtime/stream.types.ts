import type { EventType } from './outbox.js';

/**
 * A place in the outbox: the writing transaction's id, then the row id. Rows are read in this
 * order and only below the oldest transaction still in flight (the snapshot's xmin), because ids
 * from the sequence can commit out of order: tx A takes id 10, tx B takes 11 and commits first; a
 * reader walking ids alone would pass 11 and never see 10. Every transaction that has not finished
 * has an xid ≥ xmin, and any transaction that has not yet written gets a larger one, so once the
 * reader has passed (xmin − 1, ∞) nothing can appear behind it.
 */
export interface Position {
  readonly tx: bigint;
  readonly id: bigint;
}

export const MAX_ID = 9223372036854775807n;
export const compare = (a: Position, b: Position) => (a.tx !== b.tx ? (a.tx < b.tx ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Everything written by transactions older than `horizon` is behind this position. */
export const below = (horizon: bigint): Position => ({ tx: horizon - 1n, id: MAX_ID });

/** One outbox row as every subscriber of this node shares it (one object per row per node). */
export interface StreamEvent {
  /** The row id, as clients pass it back in `after`. */
  readonly cursor: string;
  readonly position: Position;
  readonly tenantId: string;
  readonly investigationId: string | null;
  readonly type: EventType;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly at: Date;
  /** The GraphQL view of the event, built once per node by the resolver layer. */
  view?: unknown;
  /** The object the event is about (investigation, log step, entity, cluster, action), loaded once per node. */
  object?: Promise<unknown>;
}

/** Loads the objects events are about, a batch of events at once (event-objects.service.ts). */
export interface EventObjectSource {
  prime(events: readonly StreamEvent[]): void;
  /** Resolves once no load is in flight: the reader waits for it on stop, before the ORM's pool closes. */
  settled(): Promise<void>;
}

/** Why a stream ended without the client asking. */
export enum StreamEndReason {
  /** The client read too slowly: the queue reached its bound. */
  SLOW_CONSUMER = 'SLOW_CONSUMER',
  /** The token the socket was opened with expired. */
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
}

/** The last thing a stream yields when it ends on the server's side. */
export interface StreamEnd {
  readonly end: StreamEndReason;
  /** The cursor of the last event this stream delivered, for `after`; null when it delivered none. */
  readonly resumeAfter: string | null;
}

export type Delivery = StreamEvent | StreamEnd;
export const isStreamEnd = (d: Delivery): d is StreamEnd => 'end' in d;

export interface StreamFilter {
  tenantId: string;
  /** Only this investigation's events; otherwise the tenant's. */
  investigationId?: string;
  /** Only these types; all when absent. */
  types?: readonly EventType[];
  /** Replay what follows this position, then continue live; absent: live only. */
  after?: Position;
  /** Seconds since the epoch: the stream ends when the viewer's token does. */
  expiresAt: number;
}
