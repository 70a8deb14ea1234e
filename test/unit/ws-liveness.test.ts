import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { ExpiryWheel, keepAlive } from '../../src/realtime/ws.liveness.js';

/** A real `ws` server on a free port; each accepted socket is handed to `accepted`. */
async function server(accepted: (socket: WebSocket) => void = () => undefined) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', accepted);
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  const clients: WebSocket[] = [];
  const connect = async (options?: WebSocket.ClientOptions) => {
    const ws = new WebSocket(url, options);
    clients.push(ws);
    await once(ws, 'open');
    return ws;
  };
  const stop = async () => {
    for (const c of clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  };
  return { wss, connect, stop };
}

describe('keepAlive: one shared timer pings every socket', () => {
  test('a socket that answers pings stays open; one that does not is cut off', async () => {
    const s = await server();
    const stop = keepAlive(s.wss, 120);
    try {
      const answering = await s.connect();
      const silent = await s.connect({ autoPong: false });
      let pings = 0;
      const pinged = new Promise<void>((resolve) => answering.on('ping', () => ++pings === 3 && resolve()));
      const [code] = (await once(silent, 'close')) as [number];
      expect(code).toBe(1006);
      await pinged;
      expect(answering.readyState).toBe(WebSocket.OPEN);
    } finally {
      stop();
      await s.stop();
    }
  });
});

describe('ExpiryWheel: sockets close when their token expires', () => {
  test('every socket of one expiry second is closed by its one timer; a removed socket is left alone', async () => {
    const expired: WebSocket[] = [];
    let twoExpired!: () => void;
    const done = new Promise<void>((r) => (twoExpired = r));
    const s = await server();
    const wheel = new ExpiryWheel((socket) => expired.push(socket) === 2 && twoExpired());
    try {
      const accepted: WebSocket[] = [];
      s.wss.on('connection', (socket) => accepted.push(socket));
      await Promise.all([s.connect(), s.connect(), s.connect()]);
      const [a, b, c] = accepted as [WebSocket, WebSocket, WebSocket];
      const now = Math.floor(Date.now() / 1000);
      wheel.add(a, now);
      wheel.add(b, now);
      wheel.add(c, now);
      wheel.remove(b, now);
      // Far in the future (past setTimeout's longest delay): armed, never due here.
      wheel.add(b, now + 40 * 24 * 3600);
      await done;
      expect(new Set(expired)).toEqual(new Set([a, c]));
    } finally {
      wheel.stop();
      await s.stop();
    }
  });
});
