import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './settings.ts';

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

/** `(error) => void` that logs the error with a message, for components that take an error callback. */
export function errorReporter(logger: Logger, message: string): (error: unknown) => void {
  return (error) => logger.error({ err: error }, message);
}
