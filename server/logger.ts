import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './settings.ts';
import { databaseFault, describeError } from '../db/unavailable.ts';
import { isClientAbort } from './http/client-abort.ts';

export type Logger = PinoLogger;

/**
 * Vigil's structured log: one JSON object per line on stdout, `level` as a word, `time` in ISO 8601.
 * @example createLogger('info').warn({ endpointId }, 'check took longer than its interval')
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vigil' },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export interface ReporterOptions {
  /** The same message is written at most once per this many ms; the skipped ones are counted (default 10 s). */
  throttleMs?: number;
}

/**
 * `(error) => void` that logs the error with a message, for components that take an error callback.
 * A database that is away is weather, not a bug: one short warning line with the cause's code and
 * message (never the SQL and its parameters), repeated at most every `throttleMs`. A client that
 * disconnected mid-request is one debug line.
 */
export function errorReporter(logger: Logger, message: string, options: ReporterOptions = {}): (error: unknown) => void {
  const throttleMs = options.throttleMs ?? 10_000;
  let lastAt = 0;
  let skipped = 0;
  return (error) => {
    // A client that went away mid-request is neither a fault of Vigil's nor of its database.
    if (isClientAbort(error)) {
      logger.debug({ cause: describeError(error) }, `${message}: the client closed the connection before the request was complete`);
      return;
    }
    const fault = databaseFault(error);
    const wrapped = isWrappedQueryError(error);
    if (fault || wrapped) {
      const now = Date.now();
      if (now - lastAt < throttleMs) {
        skipped++;
        return;
      }
      lastAt = now;
      const fields = { cause: describeError(error), ...(fault ? { code: fault.code } : {}), ...(skipped ? { repeated: skipped } : {}) };
      skipped = 0;
      if (fault) logger.warn(fields, `${message}: database unavailable (${fields.cause})`);
      else logger.error(fields, `${message}: ${fields.cause}`);
      return;
    }
    logger.error({ err: error }, message);
  };
}

/** Drizzle's wrapper, whose message carries the whole statement and every parameter. */
function isWrappedQueryError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Failed query:');
}
