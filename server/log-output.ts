import type { Writable } from 'node:stream';

/** Bytes of log lines that may wait for a slow reader of stdout before new lines are dropped. */
export const DEFAULT_LOG_BUFFER_BYTES = 4 * 1024 * 1024;

export interface LogOutput {
  write(line: string): void;
  /** Lines dropped because nobody read them (a reader too slow, or gone). */
  readonly dropped: number;
  /** Resolves once every buffered line is written, the output is gone, or `timeoutMs` has passed. */
  flush(timeoutMs: number): Promise<void>;
}

/**
 * Where log lines go: stdout, never blocking the process on it. Pino's default destination writes
 * synchronously and retries a full or broken pipe forever (sonic-boom's flushSync sleeps 100 ms
 * and tries again, even on EPIPE), so a log reader that stalls or dies — a paused `docker logs`
 * driver, a killed `| tee`, a parent that exited — stopped checks and made SIGTERM hang.
 * Here a stalled reader costs at most `maxBufferedBytes` of memory, then lines are dropped and
 * counted (one line says how many once the reader is back); a gone reader costs nothing.
 * @example createLogger('info', logOutput(process.stdout))
 */
export function logOutput(stream: Writable, maxBufferedBytes = DEFAULT_LOG_BUFFER_BYTES): LogOutput {
  let gone = false;
  let dropped = 0;
  let droppedSinceReport = 0;
  // EPIPE and friends arrive as 'error' events: without a listener they would crash the process.
  stream.on('error', () => {
    gone = true;
  });
  stream.on('close', () => {
    gone = true;
  });
  return {
    write(line) {
      if (gone || stream.destroyed) return;
      if (stream.writableLength > maxBufferedBytes) {
        dropped++;
        droppedSinceReport++;
        return;
      }
      if (droppedSinceReport > 0) {
        stream.write(
          `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), service: 'vigil', dropped: droppedSinceReport, msg: `${droppedSinceReport} log lines were dropped: nothing read stdout` })}\n`,
        );
        droppedSinceReport = 0;
      }
      stream.write(line);
    },
    get dropped() {
      return dropped;
    },
    async flush(timeoutMs) {
      // 'drain' fires only after a write that overflowed the stream's own buffer: poll instead.
      const deadline = Date.now() + timeoutMs;
      while (!gone && !stream.destroyed && stream.writableLength > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(25, Math.max(1, deadline - Date.now()))));
      }
    },
  };
}
