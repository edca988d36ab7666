/**
 * Time as the timing core sees it: the current time and one-shot timers. Production uses the
 * system's; unit tests pass a manual one (test/support/manual-clock.ts) and move it by hand, so
 * batching, backoff and deadlines are tested without waiting.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** A timer handle, only to be given back to the clock that made it. */
export type ClockTimer = unknown;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
