/** Small reductions of what the bench measured: the event-loop probe's file, the lag quantiles' span, max and sum of the figures present. */
import { existsSync, readFileSync } from 'node:fs';
import { round } from '../support/report.ts';
import type { EventLoopFigures } from './results.ts';

export function readProbe(file: string, from: number, to: number): EventLoopFigures {
  const none = { delayP99MsMedian: null, delayP99MsMax: null, delayMaxMs: null, utilisationMean: null };
  if (!existsSync(file)) return none;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: number; elDelayP99Ms: number; elDelayMaxMs: number; tickLateMs?: number; elu: number })
    .filter((l) => l.t > from && l.t <= to + 500);
  if (lines.length === 0) return none;
  const p99s = lines.map((l) => l.elDelayP99Ms).sort((a, b) => a - b);
  return {
    delayP99MsMedian: round(p99s[Math.floor(p99s.length / 2)]),
    delayP99MsMax: round(p99s.at(-1)),
    // The worst stall: the histogram's maximum, or the lateness of the probe's own 1 s timer.
    delayMaxMs: round(Math.max(...lines.map((l) => Math.max(l.elDelayMaxMs, l.tickLateMs ?? 0)))),
    utilisationMean: round(lines.reduce((a, l) => a + l.elu, 0) / lines.length, 3),
  };
}

/** What the lag quantiles (the last 10,000 starts of a process) cover. */
export function lagWindowText(started0: number, started1: number, rate: number, warmupS: number): string {
  if (started1 <= 10_000) return `all ${started1} starts of the measured process (its start-up, the ${warmupS} s warm-up and the window)`;
  if (started1 - started0 >= 10_000) return `the last 10,000 starts, all inside the window (≈ its last ${round(10_000 / rate)} s)`;
  return `the last 10,000 starts: the whole window plus ≈ ${round((10_000 - (started1 - started0)) / Math.max(1, rate))} s of warm-up before it`;
}

export const maxOf = (values: (number | null | undefined)[]) => {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};
export const sumOf = (values: (number | null | undefined)[]) => {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
};
