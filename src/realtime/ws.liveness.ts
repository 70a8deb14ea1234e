/**
 * The timers every open socket needs, shared: a keep-alive ping and the close at token expiry.
 * graphql-ws's `ws` adapter gives each socket its own ping interval, pong timeout and `pong`
 * listener, and a timer of our own closed it at expiry: four timers and their closures per socket,
 * about 1 KB of the 10,000-socket benchmark's heap each (docs/benchmarks.md, Subscriptions). Here a
 * socket costs a set entry in each wheel.
 */
import type { WebSocket, WebSocketServer } from 'ws';

/** Keep-alive slots: each socket is pinged once per interval, a slot's sockets together. */
const SLOTS = 12;

/**
 * Ping every socket once per `intervalMs`, a twelfth of them at a time (so one ping burst never
 * holds up an event for every socket), and cut off a socket that did not answer the previous ping
 * by its next turn. `0` turns keep-alive off. Returns the function that stops it.
 */
export function keepAlive(wss: WebSocketServer, intervalMs: number): () => void {
  if (!(intervalMs > 0)) return () => undefined;
  const slots = Array.from({ length: SLOTS }, () => new Set<WebSocket>());
  const awaiting = new WeakSet<WebSocket>();
  let added = 0;
  let turn = 0;
  function answered(this: WebSocket) {
    awaiting.delete(this);
  }
  function forget(this: WebSocket) {
    for (const slot of slots) slot.delete(this);
  }
  wss.on('connection', (socket: WebSocket) => {
    slots[added++ % SLOTS]!.add(socket);
    socket.on('pong', answered);
    socket.once('close', forget);
  });
  const timer = setInterval(() => {
    turn = (turn + 1) % SLOTS;
    for (const socket of slots[turn]!) {
      if (socket.readyState !== socket.OPEN) continue;
      if (awaiting.has(socket)) {
        socket.terminate();
        continue;
      }
      awaiting.add(socket);
      socket.ping();
    }
  }, intervalMs / SLOTS);
  timer.unref();
  return () => clearInterval(timer);
}

/** setTimeout's longest delay (about 24.8 days); a later expiry is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes sockets when their token expires: one timer per distinct expiry second, however many
 * sockets share it (every socket of one token does).
 */
export class ExpiryWheel {
  private readonly bySecond = new Map<number, { timer: NodeJS.Timeout; sockets: Set<WebSocket> }>();

  constructor(private readonly expire: (socket: WebSocket) => void) {}

  /** Close `socket` at `expiresAt` (seconds since the epoch). */
  add(socket: WebSocket, expiresAt: number) {
    let due = this.bySecond.get(expiresAt);
    if (!due) {
      due = { timer: this.arm(expiresAt), sockets: new Set() };
      this.bySecond.set(expiresAt, due);
    }
    due.sockets.add(socket);
  }

  remove(socket: WebSocket, expiresAt: number) {
    const due = this.bySecond.get(expiresAt);
    if (!due?.sockets.delete(socket) || due.sockets.size > 0) return;
    clearTimeout(due.timer);
    this.bySecond.delete(expiresAt);
  }

  stop() {
    for (const { timer } of this.bySecond.values()) clearTimeout(timer);
    this.bySecond.clear();
  }

  private arm(expiresAt: number): NodeJS.Timeout {
    const ms = expiresAt * 1000 - Date.now();
    const timer = setTimeout(
      () => {
        const due = this.bySecond.get(expiresAt);
        if (!due) return;
        if (ms > MAX_TIMER_MS) {
          due.timer = this.arm(expiresAt);
          return;
        }
        this.bySecond.delete(expiresAt);
        for (const socket of due.sockets) this.expire(socket);
      },
      Math.max(0, Math.min(ms, MAX_TIMER_MS)),
    );
    timer.unref();
    return timer;
  }
}
