/**
 * Whether an error means "the database was not there for a moment" rather than "this work is wrong":
 * a connection dropped or refused, the server shutting down or restarting, too many connections, a
 * serialization failure or deadlock. Such work is retried (the job goes back to the queue); anything
 * else is the work's own failure.
 */

/** SQLSTATE classes and codes (PostgreSQL appendix A) that are the server's condition, not the statement's. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001$|40P01$|55P03$)/;
/** Node socket errors of a connection that went away. */
const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', 'ECONNABORTED']);
/** node-postgres raises these as plain Errors, without a code. */
const TRANSIENT_MESSAGE =
  /Connection terminated|connection error|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed|terminating connection/i;

export function isTransientDatabaseError(e: unknown): boolean {
  for (let cause: unknown = e, depth = 0; cause && depth < 5; depth++) {
    const err = cause as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (typeof err.code === 'string' && (TRANSIENT_SQLSTATE.test(err.code) || TRANSIENT_ERRNO.has(err.code))) return true;
    // MikroORM wraps driver errors (ConnectionException, …) and keeps the original as `cause`/`previous`.
    if (err.name === 'ConnectionException') return true;
    if (typeof err.message === 'string' && TRANSIENT_MESSAGE.test(err.message)) return true;
    cause = err.cause ?? (err as { previous?: unknown }).previous;
  }
  return false;
}

/**
 * Run `work` again when it fails for a transient reason, up to `attempts` times in all, waiting
 * `delayMs`, then twice that, between tries. For work nothing else would retry (an ingested alert's
 * routing, which the client's retry of the upload does not repeat): a terminated connection is back in
 * the pool's hands within milliseconds (src/db/pool.ts), so a short retry sees a working database.
 */
export async function retryTransient<T>(work: () => Promise<T>, { attempts = 5, delayMs = 100 } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= attempts || !isTransientDatabaseError(e)) throw e;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
}
