import { Cron } from 'croner';
import type { MaintenanceKind } from '../contract/types.ts';

/**
 * When a maintenance window's periods are (docs/maintenance-windows.md): one period from `startsAt`
 * to `endsAt`, or one starting at each time of `cron` (in `timezone`, between the optional
 * `startsAt` and `endsAt`) and lasting `durationMinutes`. Periods of a recurring window that
 * overlap or touch count as one. Pure: the caller says what time it is.
 */
export interface WindowTiming {
  kind: MaintenanceKind;
  startsAt: Date | null;
  endsAt: Date | null;
  cron: string | null;
  durationMinutes: number | null;
  timezone: string | null;
}

export interface Period {
  startsAt: Date;
  endsAt: Date;
}

/** A recurring window's merged period is followed this many occurrences at most (a period every minute lasting a day). */
const MAX_MERGED = 2000;

const parsed = new Map<string, Cron>();

function cronOf(timing: WindowTiming): Cron {
  const key = `${timing.timezone ?? 'UTC'}|${timing.startsAt?.toISOString() ?? ''}|${timing.endsAt?.toISOString() ?? ''}|${timing.cron}`;
  let cron = parsed.get(key);
  if (!cron) {
    if (parsed.size >= 1000) parsed.clear();
    cron = new Cron(timing.cron!, {
      paused: true,
      timezone: timing.timezone ?? 'UTC',
      ...(timing.startsAt ? { startAt: timing.startsAt } : {}),
      ...(timing.endsAt ? { stopAt: timing.endsAt } : {}),
    });
    parsed.set(key, cron);
  }
  return cron;
}

/** The first start of a recurring window's period after `after` (strictly), or null when none is to come. */
function nextStartAfter(timing: WindowTiming, after: Date): Date | null {
  // croner answers null, or undefined past `stopAt`, when no time is left.
  return cronOf(timing).nextRun(after) ?? null;
}

/** The period (merged) that begins at `start`. */
function mergedFrom(timing: WindowTiming, start: Date): Period {
  const length = timing.durationMinutes! * 60_000;
  let endsAt = start.getTime() + length;
  let at = start;
  for (let i = 0; i < MAX_MERGED; i++) {
    const next = nextStartAfter(timing, at);
    if (next === null || next.getTime() > endsAt) break;
    endsAt = Math.max(endsAt, next.getTime() + length);
    at = next;
  }
  return { startsAt: start, endsAt: new Date(endsAt) };
}

/** The period going on at `at` (start inclusive, end exclusive), or null. */
export function periodAt(timing: WindowTiming, at: Date): Period | null {
  if (timing.kind === 'once') {
    return timing.startsAt! <= at && at < timing.endsAt! ? { startsAt: timing.startsAt!, endsAt: timing.endsAt! } : null;
  }
  const length = timing.durationMinutes! * 60_000;
  // The earliest start whose period still lasts at `at`: the first strictly after (at − length).
  const start = nextStartAfter(timing, new Date(at.getTime() - length));
  if (start === null || start > at) return null;
  return mergedFrom(timing, start);
}

/** The first period that starts after `at` (strictly), merged, or null when none is to come. */
export function nextPeriodAfter(timing: WindowTiming, at: Date): Period | null {
  if (timing.kind === 'once') return timing.startsAt! > at ? { startsAt: timing.startsAt!, endsAt: timing.endsAt! } : null;
  const start = nextStartAfter(timing, at);
  return start === null ? null : mergedFrom(timing, start);
}

/**
 * What the window is at `at` and until when that holds: the current period (or null), the next
 * one, and `until`, the next time either changes (null: never again).
 */
export function windowStateAt(timing: WindowTiming, at: Date): { current: Period | null; next: Period | null; until: Date | null } {
  const current = periodAt(timing, at);
  const next = nextPeriodAfter(timing, current ? new Date(current.endsAt.getTime() - 1) : at);
  return { current, next, until: current ? current.endsAt : (next?.startsAt ?? null) };
}
