import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger as PinoLogger } from './logger.js';

/** The codes clients switch on (`extensions.code`). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  /** The operation ran past its execution deadline (AIR_MAX_EXECUTION_MS); retrying the same request will likely fail again. */
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  DEADLINE_EXCEEDED: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** An expected failure: its message and code reach the client as they are. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.code = code;
    this.name = 'AppError';
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const unauthenticated = (why: string) => new AppError(ErrorCode.UNAUTHENTICATED, `Not authenticated: ${why}`);
export const forbidden = (what = 'You are not allowed to do this') => new AppError(ErrorCode.FORBIDDEN, what);
/** A foreign tenant's id and an id that never existed get exactly this error. */
export const notFound = (kind: string, id: string) => new AppError(ErrorCode.NOT_FOUND, `${kind} '${id}' was not found`);
export const badInput = (message: string, field?: string) => new AppError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);

/**
 * Turn anything thrown into an Error, so `catch (e)` sites can log it uniformly. pg-boss emits plain
 * objects (`{ ...error, message, stack, queue, worker }`) on its `error` event: they keep their message,
 * stack and fields instead of becoming "[object Object]".
 */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string') {
    const { message, stack, ...fields } = thrown as { message: string; stack?: unknown };
    const error = Object.assign(new Error(message), fields);
    if (typeof stack === 'string') error.stack = stack;
    return error;
  }
  return new Error(String(thrown));
}

/** Apollo's own codes for a request it could not run: all of them are the client's input. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const isRequestError = (code: unknown) => typeof code === 'string' && REQUEST_ERROR_CODES.has(code);

/** What was thrown behind a GraphQL error, or the error itself when nothing was. */
const originalOf = (error: unknown) => (error instanceof GraphQLError ? (error.originalError ?? error) : error);

/** Whether a client sees this error as it is: an AppError, or an error about the request itself. */
function isExpected(error: unknown): boolean {
  if (originalOf(error) instanceof AppError) return true;
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  return isRequestError(code);
}

/**
 * Log an error a client will see as "Unexpected error.", with its stack, on the logger of the request,
 * socket or job it happened in; expected errors are the client's business and are not logged.
 */
export function logUnexpected(log: PinoLogger, error: unknown): void {
  if (!isExpected(error)) log.error({ err: coerceError(originalOf(error)) }, 'Unexpected error');
}

/**
 * Apollo `formatError`: an AppError passes through; so does an error about the request itself (syntax,
 * validation, query limits, variable coercion), under the code BAD_USER_INPUT so clients switch on one
 * closed set. Anything else becomes "Unexpected error.", so SQL and stack traces never reach a client;
 * its logging is `logUnexpected`'s, where the request's logger is at hand (formatError has no context).
 */
export function createErrorFormatter(opts: { exposeDetails: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    if (original instanceof AppError) return { ...formatted, extensions: { ...extensions, code: original.code } };
    if (isRequestError(extensions.code)) {
      // graphql-armor prefixes its limit messages with "Syntax Error: " although the query parsed; graphql's
      // own token limit names the number, which stays private as armor's do (exposeLimits: false).
      const message = /^Syntax Error: Document contains more th(an|at) \d+ tokens/.test(formatted.message)
        ? 'Query document is too large: send a shorter query'
        : formatted.message.replace(/^Syntax Error: (Query (is|has|document is) )/, '$1');
      return { ...formatted, message, extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    return {
      message: 'Unexpected error.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(opts.exposeDetails ? { detail: coerceError(original).message } : {}),
      },
    };
  };
}
