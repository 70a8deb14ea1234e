import { EventType } from './outbox.js';
import {
  compare,
  isStreamEnd,
  StreamEndReason,
  type Delivery,
  type Position,
  type StreamEvent,
  type StreamFilter,
} from './stream.types.js';

/** What a subscription needs from the node's reader (EventStream): its replay reads and its index. */
export interface SubscriptionSource {
  readFor(filter: StreamFilter, after: Position, max: number): Promise<{ events: StreamEvent[]; passed: Position; hubPosition: Position }>;
  readonly retryDelayMs: number;
  index(sub: Subscription, add: boolean): void;
  /** Told of each event as it leaves the queue for sending: the metrics' deliveries and lag. */
  delivered?(event: StreamEvent, source: 'live' | 'replay'): void;
}

/**
 * One subscription's bounded queue. Live events that arrive while it replays wait in `held` and
 * join once the replay has reached the reader's position; anything at or before the last delivered
 * position is dropped, so the seam has neither a gap nor a duplicate.
 */
export class Subscription implements AsyncIterableIterator<Delivery> {
  private queue: Delivery[] = [];
  private held: StreamEvent[] | undefined;
  private waiting: ((r: IteratorResult<Delivery>) => void) | undefined;
  private drained: (() => void) | undefined;
  private done = false;
  private lastCursor: string | null = null;
  private readonly types: ReadonlySet<EventType> | undefined;
  /** Events read by this subscription's replay (its own objects; live ones are the reader's, shared). */
  private readonly replayed = new WeakSet<StreamEvent>();

  constructor(
    private readonly stream: SubscriptionSource,
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
    if (!isStreamEnd(d)) this.handOver(d);
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
        for (const e of batch.events) {
          if (this.types && !this.types.has(e.type)) continue;
          this.replayed.add(e);
          this.accept(e);
        }
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

  /** An event leaves the queue for sending. */
  private handOver(event: StreamEvent) {
    this.lastCursor = event.cursor;
    this.stream.delivered?.(event, this.replayed.has(event) ? 'replay' : 'live');
  }

  async next(): Promise<IteratorResult<Delivery>> {
    if (!this.done && this.filter.expiresAt * 1000 <= Date.now()) this.end(StreamEndReason.TOKEN_EXPIRED);
    const d = this.queue.shift();
    if (d) {
      if (!isStreamEnd(d)) this.handOver(d);
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
