import type { ServerResponse } from 'node:http';
import { AppError, ErrorCode } from '../errors.js';

/**
 * The one error body of every route (/graphql, /ingest, /export/*, health): the GraphQL response's
 * `errors`, so a client parses one format whichever route refused it. The extensions carry `field`
 * for a BAD_USER_INPUT that names one (query-string parameters of the exports).
 */
export interface ErrorBody {
  errors: { message: string; extensions: { code: ErrorCode; [key: string]: unknown } }[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Answer a refused request with `error`, at its code's status unless `status` says otherwise (405, 415).
 * UNAUTHENTICATED adds `www-authenticate: Bearer`.
 */
export function sendError(res: ServerResponse, error: AppError, opts: { status?: number; headers?: Record<string, string> } = {}): void {
  const body: ErrorBody = { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] };
  const headers = { ...(error.code === ErrorCode.UNAUTHENTICATED ? { 'www-authenticate': 'Bearer' } : {}), ...opts.headers };
  sendJson(res, opts.status ?? error.httpStatus, body, headers);
}

/** 404 for a path no route serves; `hint` says where to go instead. */
export function sendNoRoute(res: ServerResponse, path: string, hint: string): void {
  sendError(res, new AppError(ErrorCode.NOT_FOUND, `no route ${path}; ${hint}`));
}

/** 405 with `allow`, for a route that takes one method. */
export function sendMethodNotAllowed(res: ServerResponse, path: string, method: string | undefined, allowed: 'GET' | 'POST'): void {
  sendError(res, new AppError(ErrorCode.BAD_USER_INPUT, `${path} takes ${allowed}, not ${method}`), {
    status: 405,
    headers: { allow: allowed },
  });
}

/** 500 "Unexpected error.": what a client learns of a failure that is ours (the cause goes to the log). */
export function sendUnexpected(res: ServerResponse): void {
  sendError(res, new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error.'));
}

/**
 * Whether the client closed the connection before the response was complete: an aborted upload, a
 * download cancelled mid-file. What its leaving breaks (`aborted`, ECONNRESET, premature close) is
 * not a failure of ours. Ask before destroying the response yourself.
 */
export function clientGone(res: ServerResponse): boolean {
  return !res.writableFinished && (res.socket?.destroyed ?? true);
}

const DISCONNECT_CODES = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Whether an error is a peer's leaving (a stream.pipeline into a response whose client went away), not a failure. */
export function isDisconnect(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISCONNECT_CODES.has(code);
}
