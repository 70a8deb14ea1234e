import { createClient, type Client } from 'graphql-ws';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import WebSocket from 'ws';
import type { EventStream } from '../../src/realtime/event-stream.service.js';
import { eventually } from './eventually.js';

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A real graphql-ws client (the `ws` WebSocket) that never retries, so a refused connection shows
 * as its close code. Every client a test opens is disposed by `disposeAll`.
 */
const open: Client[] = [];
export function wsClient(httpUrl: string, token?: string | null, params?: Record<string, unknown>) {
  let resolveClosed!: (c: Closed) => void;
  const closed = new Promise<Closed>((r) => (resolveClosed = r));
  const client = createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: params ?? (token ? { authorization: `Bearer ${token}` } : {}),
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string | Buffer };
        resolveClosed({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  open.push(client);
  return { client, closed };
}

export async function disposeAll() {
  await Promise.all(open.splice(0).map((c) => c.dispose()));
}

/**
 * Everything one subscription receives, in order. `until` waits for a condition on what has
 * arrived (no sleeping); `ended` resolves when the server completes the stream or it errors.
 */
export class Collector<TData, TVars = Record<string, unknown>> {
  readonly results: ExecutionResult<TData>[] = [];
  readonly ended: Promise<{ error?: unknown }>;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private unsubscribe: () => void;

  constructor(client: Client, document: TypedDocumentNode<TData, TVars>, variables: TVars) {
    let end!: (r: { error?: unknown }) => void;
    this.ended = new Promise((r) => (end = r));
    this.unsubscribe = client.subscribe<TData>(
      { query: print(document), variables: variables as Record<string, unknown> },
      {
        next: (r) => {
          this.results.push(r as ExecutionResult<TData>);
          this.poke();
        },
        error: (error) => {
          end({ error });
          this.poke();
        },
        complete: () => {
          end({});
          this.poke();
        },
      },
    );
  }

  /** The data of every result that had data. */
  get data(): TData[] {
    return this.results.filter((r) => r.data).map((r) => r.data!);
  }

  get errors() {
    return this.results.flatMap((r) => r.errors ?? []);
  }

  until(check: (c: this) => boolean, what = 'the expected events'): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ check: () => check(this), resolve });
      // A stream that ends before the condition holds fails the test at once rather than at the timeout.
      void this.ended.then((r) =>
        setImmediate(() => {
          if (!check(this)) reject(new Error(`stream ended (${r.error ? String(r.error) : 'complete'}) before ${what}`));
        }),
      );
    });
  }

  stop() {
    this.unsubscribe();
  }

  private poke() {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Run one operation over a socket: its first result, or the errors of a refused operation. */
export function runOnce(client: Client, query: string): Promise<{ result?: ExecutionResult; errors?: unknown }> {
  return new Promise((resolve) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query },
      {
        next: (r) => (result ??= r as ExecutionResult),
        error: (errors) => resolve({ errors }),
        complete: () => resolve({ result }),
      },
    );
  });
}

/**
 * Resolves once `count` subscriptions for the investigation (or tenant) are registered with the
 * node's reader: a subscription starts after the socket's subscribe message has been checked and its
 * investigation loaded, so events committed before then would not be live for it.
 */
export async function registered(stream: EventStream, of: { investigationId: string } | { tenantId: string }, count: number) {
  await eventually(`${count} subscription(s) registered with the node's reader`, () => stream.watching(of) >= count, { intervalMs: 5 });
}
