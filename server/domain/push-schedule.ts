import { Cron } from 'croner';
import type { EndpointDefinition } from '../contract/types.ts';

/**
 * When a push endpoint expects its pings (docs/monitor-types.md#push): every `intervalSeconds`
 * after the last ping, or at each time of its `cron` expression; DOWN when a ping is later than
 * that by more than `graceSeconds`. Pure: the caller says what time it is.
 */
type PushTiming = Pick<EndpointDefinition, 'intervalSeconds' | 'graceSeconds' | 'cron' | 'timezone'>;

/** Croner's parsed expressions, by expression and zone (a push endpoint's deadline is computed often). */
const parsed = new Map<string, Cron>();

function cronOf(expression: string, timezone: string | null): Cron {
  const key = `${timezone ?? 'UTC'} ${expression}`;
  let cron = parsed.get(key);
  if (!cron) {
    if (parsed.size >= 1000) parsed.clear();
    cron = new Cron(expression, { paused: true, timezone: timezone ?? 'UTC' });
    parsed.set(key, cron);
  }
  return cron;
}

/** The first time a ping is expected after `after` (a ping, or when watching began). */
export function nextExpectedAt(timing: PushTiming, after: Date): Date {
  if (timing.cron === null) return new Date(after.getTime() + timing.intervalSeconds * 1000);
  // croner answers null when the expression has no time left (a date in the past): never again.
  return cronOf(timing.cron, timing.timezone).nextRun(after) ?? new Date(8.64e15);
}

/** When the endpoint turns DOWN unless a ping comes first: the expected time after `anchor`, plus the grace. */
export function deadlineAfter(timing: PushTiming, anchor: Date): Date {
  return new Date(nextExpectedAt(timing, anchor).getTime() + timing.graceSeconds * 1000);
}

/**
 * What a push endpoint's clock starts from: its last ping, or (never pinged, or changed since) the
 * last change of its definition, which is also when it was created or resumed.
 */
export function anchorOf(lastPingAt: Date | null, updatedAt: Date): Date {
  return lastPingAt !== null && lastPingAt > updatedAt ? lastPingAt : updatedAt;
}

/** How often the deadline is looked at: a quarter of the grace, between 1 s and 1 min. */
export function watchSecondsOf(timing: Pick<EndpointDefinition, 'graceSeconds'>): number {
  return Math.min(60, Math.max(1, Math.ceil(timing.graceSeconds / 4)));
}

/** Why a cron expression or time zone cannot be used, or null. */
export function cronProblem(expression: string, timezone: string | null): string | null {
  try {
    const cron = new Cron(expression, { paused: true, timezone: timezone ?? 'UTC' });
    return cron.nextRun() === null ? 'never runs again' : null;
  } catch (error) {
    return (error as Error).message;
  }
}
