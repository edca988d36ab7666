/** Bounded waiting for the benches: sleeps, and promises that give up after a time naming what was awaited. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A sleep that does not keep the process alive: for the losing side of a race. */
export const timeoutAfter = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Rejects after `ms` with a message naming what was waited for. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
