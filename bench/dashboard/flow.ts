/** Waiting for the live flow to be steady once every endpoint is resumed. */
import { assertNotAborting } from '../support/cleanup.ts';
import { round } from '../support/report.ts';
import { sleep } from '../support/waits.ts';
import type { FrameCounter } from './browser.ts';
import type { Options } from './options.ts';
import type { RunResult } from './results.ts';
import { scrape } from './vigil.ts';

/**
 * Steady: Vigil's checks started per second within ±10 % of `rate` for 3 s in a row, and at least one
 * interval since the resumes (at most --steady-timeout s).
 */
export async function waitForSteadyFlow(base: string, frames: FrameCounter, rate: number, options: Options): Promise<NonNullable<RunResult['steady']>> {
  const steadyStart = Date.now();
  let inRow = 0;
  let last = await scrape(base);
  let startedPerSecond: number | null = null;
  let framesPerSecond: number | null = null;
  while (Date.now() - steadyStart < options.steadyTimeoutS * 1000) {
    assertNotAborting();
    await sleep(1_000);
    const now = await scrape(base);
    startedPerSecond = (now.started - last.started) / ((now.t - last.t) / 1000);
    framesPerSecond = frames.ratePerSecond(1_000);
    last = now;
    // Steady = Vigil runs the asked load; whether the page keeps up with it is what the windows measure.
    const ok = Math.abs(startedPerSecond - rate) <= 0.1 * rate;
    inRow = ok ? inRow + 1 : 0;
    if (inRow >= 3 && Date.now() - steadyStart >= options.intervalSeconds * 1000) break;
  }
  return {
    reached: inRow >= 3,
    afterSeconds: round((Date.now() - steadyStart) / 1000)!,
    startedPerSecond: round(startedPerSecond),
    framesPerSecond: round(framesPerSecond),
  };
}
