import type { IMiddlewareFunction } from 'graphql-middleware';
import { AppError, ErrorCode } from '../errors.js';

/**
 * An operation's execution deadline, one per request or WebSocket operation (in its context). Past it
 * the caller answers at once with the deadline error, and every resolver that has not started yet
 * throws instead of fetching (`deadlineMiddleware`), so the abandoned execution winds down within a
 * statement instead of running on behind the answer. A subscription's stream is never run under one:
 * it lives as long as its client wants it.
 */
export class Deadline {
  private readonly controller = new AbortController();

  /** Aborted, with the deadline error as its reason, when the operation runs past its deadline. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  throwIfExpired(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
  }

  /** `work`'s result, or the deadline error once `ms` have passed, whichever comes first. */
  async run<T>(ms: number, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = deadlineExceeded(ms);
        this.controller.abort(error);
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([work(), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} s`;

export const deadlineExceeded = (ms: number) =>
  new AppError(
    ErrorCode.DEADLINE_EXCEEDED,
    `the operation ran past its deadline of ${seconds(ms)} and was stopped: ask for fewer items (first) or split it into several requests`,
    { maxExecutionMs: ms },
  );

/** Outermost on every field, before graphql-shield's rules: nothing starts after the deadline. */
export const deadlineMiddleware: IMiddlewareFunction = (resolve, root, args, context: { deadline?: Deadline } | undefined, info) => {
  context?.deadline?.throwIfExpired();
  return resolve(root, args, context, info);
};

const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** The refusal of a serialised result over the response-size bound (undefined when it fits). */
export function responseSizeRefusal(size: number, maxBytes: number): AppError | undefined {
  if (size <= maxBytes) return undefined;
  return new AppError(
    ErrorCode.BAD_USER_INPUT,
    `the response would be ${bytes(size)}, over the limit of ${bytes(maxBytes)}: ask for fewer items (first) or fewer fields`,
    { responseBytes: size, maxResponseBytes: maxBytes },
  );
}
