import pg from 'pg';
import { badInput, coerceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EVENTS_CHANNEL, EventType } from './outbox.js';
import { below, type Delivery, type EventObjectSource, type Position, type StreamEvent, type StreamFilter } from './stream.types.js';
import { Subscription, type SubscriptionSource } from './subscription.queue.js';

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
  /** Each event a subscription hands over for sending (the metrics). */
  onDelivered?: (event: StreamEvent, source: 'live' | 'replay') => void;
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
export class EventStream implements SubscriptionSource {
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
  /** Loads what each event is about before subscribers see it; the server attaches it (ws.server.ts). */
  private objects: EventObjectSource | undefined;

  readonly delivered: EventStreamOptions['onDelivered'];

  constructor({ databaseUrl, logger, pollIntervalMs = 500, batchSize = 500, queueLimit = 1000, onDelivered }: EventStreamOptions) {
    this.delivered = onDelivered;
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
    // A select without FROM returns exactly one row.
    this.position = below(BigInt(row!.horizon));
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
    // Loads of the objects of events already read run on the ORM's pool, which closes after the stream.
    await this.objects?.settled();
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

  /**
   * Load the object each event is about once per batch on this node, before any subscriber resolves it
   * (the stream itself stays a plain pg reader, free of the ORM).
   */
  attachObjects(objects: EventObjectSource): void {
    this.objects = objects;
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
    // 19 digits can still pass bigint's range (9223372036854775807), which PostgreSQL would refuse as a cast error.
    if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > 2n ** 63n - 1n) {
      throw badInput(`after must be an event cursor (digits), but got '${cursor.slice(0, 40)}'`, 'after');
    }
    if (BigInt(cursor) === 0n) return { tx: 0n, id: 0n };
    const rows = await this.query<{ tx_id: string }>(`select tx_id::text as tx_id from events where id = ?::bigint and tenant_id = ?`, [
      cursor,
      tenantId,
    ]);
    if (!rows.length)
      throw badInput(`after: no event '${cursor}' is kept for your tenant; subscribe without after and reload what is on screen`, 'after');
    return { tx: BigInt(rows[0]!.tx_id), id: BigInt(cursor) };
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
    // A replay read that finishes after stop() loads nothing: the ORM's pool is closing.
    if (!this.stopped) this.objects?.prime(events);
    // The read always answers at least its horizon row (an outer join on the snapshot).
    const passed = events.length === limit ? events[events.length - 1]!.position : below(BigInt(rows[0]!.horizon));
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
        // Only what a subscription of this node will receive costs a load.
        this.objects?.prime(events.filter((e) => this.isWatched(e)));
        for (const event of events) this.dispatch(event);
        if (events.length < this.batchSize) {
          this.position = below(BigInt(rows[0]!.horizon));
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
    const [row] = await this.query<{ blocked: boolean }>(BLOCKED, [String(this.position.tx), String(this.position.id)]);
    const blocked = row?.blocked ?? false;
    clearTimeout(this.retryTimer);
    if (!blocked) {
      this.blockedDelay = 0;
      return;
    }
    this.blockedDelay = Math.min(this.pollIntervalMs, Math.max(5, this.blockedDelay * 2));
    this.retryTimer = setTimeout(() => this.wake(), this.blockedDelay);
    this.retryTimer.unref();
  }

  private isWatched(event: StreamEvent): boolean {
    return (event.investigationId !== null && this.byInvestigation.has(event.investigationId)) || this.byTenant.has(event.tenantId);
  }

  private dispatch(event: StreamEvent) {
    this.position = event.position;
    if (event.investigationId) for (const sub of this.byInvestigation.get(event.investigationId) ?? []) sub.push(event);
    for (const sub of this.byTenant.get(event.tenantId) ?? []) sub.push(event);
  }
}
