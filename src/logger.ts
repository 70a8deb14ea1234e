import { createRequire } from 'node:module';
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** pino's logger: call it as `log.error({ err }, 'what failed')`, fields first, message last. */
export type Logger = PinoLogger;

/** The levels `AIR_LOG_LEVEL` takes, most severe first; `silent` logs nothing. */
export enum LogLevel {
  FATAL = 'fatal',
  ERROR = 'error',
  WARN = 'warn',
  INFO = 'info',
  DEBUG = 'debug',
  TRACE = 'trace',
  SILENT = 'silent',
}

export interface LoggerOptions {
  /** @default LogLevel.INFO */
  level?: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON; JSON when pino-pretty is not installed (`npm ci --omit=dev`). @default false */
  pretty?: boolean;
  /** The file descriptor the lines go to: 2 for a script whose stdout is its output. @default 1 */
  fd?: 1 | 2;
  /** Where the lines go instead of `fd` (tests read them back). */
  destination?: DestinationStream;
}

/** pino-pretty is a development dependency: loaded when present, and JSON it is when it is not. */
function prettyStream(fd: 1 | 2): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    // Synchronous, in this thread: a development process has no use for a transport worker.
    return pretty({
      sync: true,
      destination: fd,
      colorize: (fd === 1 ? process.stdout : process.stderr).isTTY,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
  } catch {
    return undefined;
  }
}

/**
 * The root logger. `main.ts` makes one from the configuration; every other logger is a child of it
 * (per request, job, investigation or socket), so the lines of one unit of work share its fields.
 */
export function createLogger({ level = LogLevel.INFO, pretty = false, fd = 1, destination }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers: what a person and a log query both read.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
    },
    destination ?? (pretty ? prettyStream(fd) : undefined) ?? pino.destination({ fd, sync: true }),
  );
}

/** One line of the request's fields: `reqId` always; `tenant` and `operation` once they are known. */
export function requestLogger(root: Logger, reqId: string): Logger {
  return root.child({ reqId });
}

/** An investigation's lines, wherever it runs (a job, a mutation, the intake): its tenant and id. */
export function investigationLogger(parent: Logger, tenantId: string, investigationId: string): Logger {
  return parent.child({ tenant: tenantId, investigation: investigationId });
}
