import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger as PinoLogger } from './logger.js';
import { InputError, type Check } from './domain/input.js';

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
 * Run one of domain/input.ts's checks on a client's value: the same check `/ingest` applies to a line,
 * refused here as BAD_USER_INPUT naming the field. Absent values (null, undefined) pass as undefined.
 */
export function checked<T>(check: Check<T>, value: unknown, field: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return check(value, field);
  } catch (e) {
    if (e instanceof InputError) throw badInput(e.message, e.field);
    throw e;
  }
}

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

/** The error id a masked error was logged under, so the client's "Unexpected error." can quote it. */
const errorIds = new WeakMap<object, string>();

/**
 * Log an error a client will see as "Unexpected error.", with its stack and an error id (which the
 * client gets in `extensions.errorId`), on the logger of the request, socket or job it happened in;
 * expected errors are the client's business and are not logged.
 */
export function logUnexpected(log: PinoLogger, error: unknown): void {
  if (isExpected(error)) return;
  const original = originalOf(error);
  const errorId = randomUUID();
  if (typeof original === 'object' && original !== null) errorIds.set(original, errorId);
  log.error({ err: coerceError(original), errorId }, 'Unexpected error');
}

/**
 * The SQLSTATE of a database error: one from PostgreSQL (pg's DatabaseError carries `code` with
 * `severity`), or a MikroORM DriverException (`sqlState`, or '' without one), here or down its `cause`
 * chain; undefined for any other error. Their text names tables, indexes, constraints and SQL.
 */
function sqlStateOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, severity, sqlState, name } = e as { code?: unknown; severity?: unknown; sqlState?: unknown; name?: unknown };
    if (typeof sqlState === 'string') return sqlState;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') return code;
    const cause = (e as { cause?: unknown }).cause ?? (e as { previous?: unknown }).previous;
    if (typeof name === 'string' && name.endsWith('DriverException') && sqlStateOf(cause) === undefined) return '';
    // MikroORM keeps the driver's error as `cause` (or `previous`).
    e = cause;
  }
  return undefined;
}

/** Whether an error comes from the database, whose text stays server-side. */
export const isDatabaseError = (error: unknown): boolean => sqlStateOf(error) !== undefined;

/** Plain words for a database refusal, by SQLSTATE class: what went wrong without naming what inside. */
function databaseRefusal(code: string): string {
  if (code.startsWith('22')) return 'a value is malformed or out of range for the database';
  if (code.startsWith('23')) return 'a value conflicts with a rule of the database';
  if (code.startsWith('54')) return 'a value is too large for the database';
  return 'a database error interrupted it';
}

/**
 * What a client may read about a failure it will see in a stored reason (an investigation's
 * `stateReason`, a step's error) or an `/ingest` line error. A database error becomes plain words and
 * the error id the caller logged its detail under; any other error keeps its message, which is ours.
 */
export function publicReason(error: unknown, errorId: string): string {
  const code = sqlStateOf(error);
  if (code === undefined) return coerceError(error).message;
  return `${databaseRefusal(code)}; error id ${errorId}`;
}

/** A fresh id to log an internal failure under and quote to the client. */
export const newErrorId = (): string => randomUUID();

/**
 * Apollo `formatError`: an AppError passes through; so does an error about the request itself (syntax,
 * validation, query limits, variable coercion), under the code BAD_USER_INPUT so clients switch on one
 * closed set. Anything else becomes "Unexpected error.", so SQL and stack traces never reach a client;
 * its logging is `logUnexpected`'s, where the request's logger is at hand (formatError has no context).
 */
export function createErrorFormatter(opts: { exposeDetails: boolean; hideSuggestions?: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    // Validation (unknown field, argument, type) and variable coercion (unknown enum value, input field,
    // also as the cost estimator meets them: an AppError), over HTTP and WebSocket: a suggestion spells
    // out names of the schema to whoever guesses.
    const unsuggested = (text: string) => (opts.hideSuggestions ? text.replace(/ ?Did you mean [^?]*\?/g, '') : text);
    if (original instanceof AppError) {
      return { ...formatted, message: unsuggested(formatted.message), extensions: { ...extensions, code: original.code } };
    }
    if (isRequestError(extensions.code)) {
      // graphql-armor prefixes its limit messages with "Syntax Error: " although the query parsed; graphql's
      // own token limit names the number, which stays private as armor's do (exposeLimits: false).
      let message = /^Syntax Error: Document contains more th(an|at) \d+ tokens/.test(formatted.message)
        ? 'Query document is too large: send a shorter query'
        : formatted.message.replace(/^Syntax Error: (Query (is|has|document is) )/, '$1');
      message = unsuggested(message);
      if (extensions.validationErrorCode === 'INTROSPECTION_DISABLED') message = 'Introspection is disabled on this server';
      return { ...formatted, message, extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    const errorId = typeof original === 'object' && original !== null ? errorIds.get(original) : undefined;
    return {
      message: 'Unexpected error.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(errorId ? { errorId } : {}),
        ...(opts.exposeDetails ? { detail: coerceError(original).message } : {}),
      },
    };
  };
}
