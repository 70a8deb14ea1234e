import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The codes clients switch on (`extensions.code`). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
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

/** Turn anything thrown into an Error, so `catch (e)` sites can log it uniformly. */
export function coerceError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

export type Logger = Pick<Console, 'info' | 'warn' | 'error'>;

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

/**
 * Apollo `formatError`: an AppError passes through; so does an error about the request itself (syntax,
 * validation, query limits, variable coercion), under the code BAD_USER_INPUT so clients switch on one
 * closed set. Anything else becomes "Unexpected error." and is logged with its stack, so SQL and
 * stack traces never reach a client.
 */
export function createErrorFormatter(opts: { exposeDetails: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    if (original instanceof AppError) return { ...formatted, extensions: { ...extensions, code: original.code } };
    if (typeof extensions.code === 'string' && REQUEST_ERROR_CODES.has(extensions.code)) {
      // graphql-armor prefixes its limit messages with "Syntax Error: " although the query parsed.
      const message = formatted.message.replace(/^Syntax Error: (Query (is|has|document is) )/, '$1');
      return { ...formatted, message, extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    opts.logger.error('Unexpected error', original);
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
