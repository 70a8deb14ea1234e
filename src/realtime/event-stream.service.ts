import pg from 'pg';
import { badInput, coerceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EVENTS_CHANNEL, EventType } from './outbox.js';

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

const MAX_ID = 9223372036854775807n;
export const compare = (a: Position, b: Position) => (a.tx !== b.tx ? (a.tx < b.tx ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** Everything written by transactions older than `horizon` is behind this position. */
const below = (horizon: bigint): Position => ({ tx: horizon - 1n, id: MAX_ID });

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

export interface EventStreamOptions {
  /** The database of the outbox: one LISTEN connection and a small pool of its own for the reads. */
  databaseUrl: string;
  logger: Logger;
  /** @default 500 */
  pollIntervalMs?: number;
  /** @default 500 */
  batchSize?: number;
  /** @default 1000 */
  queueLimit?: number;
}

interface Row {
  horizon: string;
  id: string | null;
  tx_id: string | null;
  tenant_id: string;
  investigation_id: string | null;
  type: EventType;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

const COLUMNS = 'e.id, e.tx_id::text as tx_id, e.tenant_id, e.investigation_id, e.type, e.payload, e.created_at';

/**
 * One statement, so the horizon and the rows come from the same snapshot. The lateral join returns
 * the horizon even when no row follows the position.
 */
function readSql(scope: string) {
  return `select h.horizon::text as horizon, e.* from (select pg_snapshot_xmin(pg_current_snapshot()) as horizon) h
    left join lateral (select ${COLUMNS} from events e
      where ${scope} (e.tx_id, e.id) > (?::xid8, ?::bigint) and e.tx_id < h.horizon
      order by e.tx_id, e.id limit ?) e on true`;
}
const READ_ALL = readSql('');
const READ_TENANT = readSql('e.tenant_id = ? and');
const READ_INVESTIGATION = readSql('e.tenant_id = ? and e.investigation_id = ? and');
/** Whether committed rows wait behind the horizon (an older transaction is still open). */
const BLOCKED = `select exists (select 1 from events where tx_id >= pg_snapshot_xmin(pg_current_snapshot()) and (tx_id, id) > (?::xid8, ?::bigint)) as blocked`;

const toEvent = (r: Row): StreamEvent => ({
  cursor: r.id!,
  position: { tx: BigInt(r.tx_id!), id: BigInt(r.id!) },
  tenantId: r.tenant_id,
  investigationId: r.investigation_id,
  type: r.type,
  payload: r.payload,
  at: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
});

/**
 * The node's one reader of the outbox. It holds one LISTEN connection (NOTIFY is only a wake-up
 * hint), reads new rows in batches on every hint and every `pollIntervalMs` (the backstop for a
 * hint lost while the listener reconnects), and hands each row to the subscriptions of this node
 * that want it. Nothing lives only in memory: a subscription that ends, on whichever side, resumes
 * from its last cursor out of the table.
 */
export class EventStream {
  private readonly databaseUrl: string;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  readonly queueLimit: number;

  private position: Position = { tx: 0n, id: 0n };
  private readonly byInvestigation = new Map<string, Set<Subscription>>();
  private readonly byTenant = new Map<string, Set<Subscription>>();
  private listener: pg.Client | undefined;
  /**
   * The reader's own small pool, apart from the ORM's: its polls never wait behind request queries,
   * and the request SQL stays what the SQL-count tests measure.
   */
  private readonly pool: pg.Pool;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private stopped = false;
  private failing = false;
  /** Back-off while committed rows wait behind an open transaction; reset by progress. */
  private blockedDelay = 0;
  private readWaiters: (() => void)[] = [];

  constructor({ databaseUrl, logger, pollIntervalMs = 500, batchSize = 500, queueLimit = 1000 }: EventStreamOptions) {
    this.databaseUrl = databaseUrl;
    this.logger = logger;
    this.pollIntervalMs = pollIntervalMs;
    this.batchSize = batchSize;
    this.queueLimit = queueLimit;
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'air-events-reader' });
    // An idle connection dropped by a PostgreSQL restart: the pool replaces it; the next read retries.
    this.pool.on('error', () => undefined);
  }

  /** Start at the outbox's current end: subscriptions replay anything older themselves. */
  async start(): Promise<void> {
    const [row] = await this.query<{ horizon: string }>(`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`, []);
    this.position = below(BigInt(row.horizon));
    await this.connectListener().catch((e: unknown) => this.listenerLost(e));
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.reconnectTimer);
    for (const subs of [...this.byInvestigation.values(), ...this.byTenant.values()]) for (const s of subs) s.close();
    await this.reading;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /**
   * Resolves once a read that starts after this call has dispatched everything it found: tests use
   * it to know the reader has seen what they committed, instead of sleeping.
   */
  afterNextRead(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      const waiter = () => resolve();
      // A read already under way may have started before the caller's commit: wait for the next one.
      if (this.reading) void this.reading.finally(() => this.readWaiters.push(waiter));
      else this.readWaiters.push(waiter);
    });
    this.readAgain = Boolean(this.reading);
    if (!this.reading) this.wake();
    return done;
  }

  /** Subscriptions open on this node for one investigation, or for a whole tenant (tests wait on it). */
  watching(of: { investigationId: string } | { tenantId: string }): number {
    return ('investigationId' in of ? this.byInvestigation.get(of.investigationId) : this.byTenant.get(of.tenantId))?.size ?? 0;
  }

  /** Subscriptions open on this node (for metrics and tests). */
  get subscriptionCount(): number {
    let n = 0;
    for (const subs of [...this.byInvestigation.values(), ...this.byTenant.values()]) n += subs.size;
    return n;
  }

  /**
   * The position of a cursor a client sends back, within its tenant. A cursor of another tenant,
   * one pruned, or one that never existed is refused alike. `0` means the oldest event kept.
   */
  async positionOf(tenantId: string, cursor: string): Promise<Position> {
    if (!/^\d{1,19}$/.test(cursor)) throw badInput(`after must be an event cursor (digits), but got '${cursor.slice(0, 40)}'`, 'after');
    if (BigInt(cursor) === 0n) return { tx: 0n, id: 0n };
    const rows = await this.query<{ tx_id: string }>(`select tx_id::text as tx_id from events where id = ?::bigint and tenant_id = ?`, [
      cursor,
      tenantId,
    ]);
    if (!rows.length)
      throw badInput(`after: no event '${cursor}' is kept for your tenant; subscribe without after and reload what is on screen`, 'after');
    return { tx: BigInt(rows[0].tx_id), id: BigInt(cursor) };
  }

  /** A stream of the events `filter` selects: what follows `after` first, then live, each once, in order. */
  subscribe(filter: StreamFilter): AsyncIterableIterator<Delivery> {
    const sub = new Subscription(this, filter, filter.after ?? this.position, this.queueLimit);
    this.index(sub, true);
    if (filter.after) sub.replay();
    return sub;
  }

  /** @internal */
  index(sub: Subscription, add: boolean) {
    const [map, key] = sub.filter.investigationId
      ? [this.byInvestigation, sub.filter.investigationId]
      : [this.byTenant, sub.filter.tenantId];
    let set = map.get(key);
    if (add) {
      if (!set) map.set(key, (set = new Set()));
      set.add(sub);
    } else if (set?.delete(sub) && set.size === 0) map.delete(key);
  }

  /** @internal How long a replay waits before reading again after a failed read. */
  get retryDelayMs() {
    return this.pollIntervalMs;
  }

  /** @internal One batch of a subscription's replay, and the position the reader has passed. */
  async readFor(
    filter: StreamFilter,
    after: Position,
    max: number,
  ): Promise<{ events: StreamEvent[]; passed: Position; hubPosition: Position }> {
    const hubPosition = this.position;
    const limit = Math.min(max, this.batchSize);
    const tail = [String(after.tx), String(after.id), limit];
    const rows = filter.investigationId
      ? await this.query<Row>(READ_INVESTIGATION, [filter.tenantId, filter.investigationId, ...tail])
      : await this.query<Row>(READ_TENANT, [filter.tenantId, ...tail]);
    const events = rows.filter((r) => r.id !== null).map(toEvent);
    const passed = events.length === limit ? events[events.length - 1].position : below(BigInt(rows[0].horizon));
    return { events, passed, hubPosition };
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    let n = 0;
    const { rows } = await this.pool.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
    return rows as T[];
  }

  private async connectListener() {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'air-events-listener' });
    client.on('error', (e) => this.listenerLost(e));
    client.on('end', () => this.listenerLost(new Error('connection ended')));
    client.on('notification', () => this.wake());
    this.listener = client;
    await client.connect();
    await client.query(`listen ${EVENTS_CHANNEL}`);
    // Hints sent while we were not listening are lost: read now.
    this.wake();
  }

  private listenerLost(e: unknown) {
    if (this.stopped || this.reconnectTimer) return;
    const lost = this.listener;
    this.listener = undefined;
    lost?.removeAllListeners();
    lost?.on('error', () => undefined);
    lost?.end().catch(() => undefined);
    this.logger.warn(
      { reason: coerceError(e).message, pollIntervalMs: this.pollIntervalMs },
      'events: LISTEN connection lost; reconnecting, polling meanwhile',
    );
    const retry = (delay: number) => {
      this.reconnectTimer = setTimeout(() => {
        this.connectListener().then(
          () => {
            this.reconnectTimer = undefined;
            this.logger.info('events: LISTEN connection restored');
          },
          () => {
            this.listener?.removeAllListeners();
            this.listener?.on('error', () => undefined);
            this.listener?.end().catch(() => undefined);
            this.listener = undefined;
            retry(Math.min(delay * 2, 5000));
          },
        );
      }, delay);
      this.reconnectTimer.unref();
    };
    retry(100);
  }

  /** Read now, or right after the read under way: hints arriving during a read are not lost. */
  private wake() {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readNew().finally(() => {
      this.reading = undefined;
      if (this.readAgain) {
        this.readAgain = false;
        this.wake();
      }
    });
  }

  private async readNew() {
    try {
      for (;;) {
        const from = this.position;
        const rows = await this.query<Row>(READ_ALL, [String(from.tx), String(from.id), this.batchSize]);
        if (this.stopped) return;
        const events = rows.filter((r) => r.id !== null).map(toEvent);
        for (const event of events) this.dispatch(event);
        if (events.length < this.batchSize) {
          this.position = below(BigInt(rows[0].horizon));
          break;
        }
      }
      if (this.failing) this.logger.info('events: reading the outbox again');
      this.failing = false;
      const waiters = this.readWaiters;
      this.readWaiters = [];
      for (const w of waiters) w();
      await this.retryIfBlocked();
    } catch (e) {
      // The database is away (restart, failover): the poll tries again; nothing is lost, the
      // position has not moved past anything undelivered.
      if (!this.failing) this.logger.warn({ reason: coerceError(e).message }, 'events: reading the outbox failed; retrying');
      this.failing = true;
    }
  }

  /**
   * Rows already committed but behind an older open transaction are read as soon as it ends. The
   * writer of that transaction may send no NOTIFY (it need not write events), so look again soon
   * rather than at the next poll.
   */
  private async retryIfBlocked() {
    const [{ blocked }] = await this.query<{ blocked: boolean }>(BLOCKED, [String(this.position.tx), String(this.position.id)]);
    clearTimeout(this.retryTimer);
    if (!blocked) {
      this.blockedDelay = 0;
      return;
    }
    this.blockedDelay = Math.min(this.pollIntervalMs, Math.max(5, this.blockedDelay * 2));
    this.retryTimer = setTimeout(() => this.wake(), this.blockedDelay);
    this.retryTimer.unref();
  }

  private dispatch(event: StreamEvent) {
    this.position = event.position;
    if (event.investigationId) for (const sub of this.byInvestigation.get(event.investigationId) ?? []) sub.push(event);
    for (const sub of this.byTenant.get(event.tenantId) ?? []) sub.push(event);
  }
}

/**
 * One subscription's bounded queue. Live events that arrive while it replays wait in `held` and
 * join once the replay has reached the reader's position; anything at or before the last delivered
 * position is dropped, so the seam has neither a gap nor a duplicate.
 */
class Subscription implements AsyncIterableIterator<Delivery> {
  private queue: Delivery[] = [];
  private held: StreamEvent[] | undefined;
  private waiting: ((r: IteratorResult<Delivery>) => void) | undefined;
  private drained: (() => void) | undefined;
  private done = false;
  private lastCursor: string | null = null;
  private readonly types: ReadonlySet<EventType> | undefined;

  constructor(
    private readonly stream: EventStream,
    readonly filter: StreamFilter,
    private last: Position,
    private readonly limit: number,
  ) {
    this.types = filter.types?.length ? new Set(filter.types) : undefined;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** From the reader: one event of this subscription's tenant or investigation. */
  push(event: StreamEvent) {
    if (this.done || (this.types && !this.types.has(event.type))) return;
    if (this.held) {
      if (this.held.length >= this.limit) return this.end(StreamEndReason.SLOW_CONSUMER);
      this.held.push(event);
      return;
    }
    this.accept(event);
  }

  private accept(event: StreamEvent) {
    if (compare(event.position, this.last) <= 0) return;
    if (this.queue.length >= this.limit) return this.end(StreamEndReason.SLOW_CONSUMER);
    this.last = event.position;
    this.deliver(event);
  }

  private deliver(d: Delivery) {
    if (!this.waiting) {
      this.queue.push(d);
      return;
    }
    const w = this.waiting;
    this.waiting = undefined;
    if (!isStreamEnd(d)) this.lastCursor = d.cursor;
    w({ value: d, done: false });
  }

  /**
   * Read what follows `after` from the table, a batch at a time as the client takes them (so a
   * long history never sits in memory), then go live. A failed read (the database restarting) is
   * retried from where it stopped: the stream promises completeness, not speed.
   */
  replay() {
    this.held = [];
    const run = async () => {
      for (;;) {
        if (this.queue.length > this.limit / 2) await new Promise<void>((r) => (this.drained = r));
        if (this.done) return;
        const want = Math.max(1, this.limit - this.queue.length);
        let batch;
        try {
          batch = await this.stream.readFor(this.filter, this.last, want);
        } catch {
          await new Promise((r) => setTimeout(r, this.stream.retryDelayMs).unref());
          continue;
        }
        if (this.done) return;
        for (const e of batch.events) if (!this.types || this.types.has(e.type)) this.accept(e);
        if (this.done) return;
        if (compare(batch.passed, this.last) > 0) this.last = batch.passed;
        // Caught up with the node's reader: every later event reaches us live (held meanwhile).
        if (compare(this.last, batch.hubPosition) >= 0) break;
      }
      const held = this.held ?? [];
      this.held = undefined;
      for (const e of held) this.accept(e);
    };
    void run();
  }

  private end(reason: StreamEndReason) {
    if (this.done) return;
    this.queue = [];
    this.held = undefined;
    this.deliver({ end: reason, resumeAfter: this.lastCursor });
    this.close();
  }

  /** Unregister; a pending next() resolves done, what is queued (an end marker) is still read. */
  close() {
    if (this.done) return;
    this.done = true;
    this.stream.index(this, false);
    this.drained?.();
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<Delivery>> {
    if (!this.done && this.filter.expiresAt * 1000 <= Date.now()) this.end(StreamEndReason.TOKEN_EXPIRED);
    const d = this.queue.shift();
    if (d) {
      if (!isStreamEnd(d)) this.lastCursor = d.cursor;
      if (this.drained && this.queue.length <= this.limit / 2) {
        const r = this.drained;
        this.drained = undefined;
        r();
      }
      return { value: d, done: false };
    }
    if (this.done) return { value: undefined, done: true };
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<Delivery>> {
    this.queue = [];
    this.close();
    return { value: undefined, done: true };
  }
}
