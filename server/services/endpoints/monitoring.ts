import type { EndpointDefinition } from '../../contract/types.ts';
import type { ScheduleControl } from '../../scheduler/scheduler.ts';
import type { ServiceContext } from '../context.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';

type MonitoringContext = Pick<ServiceContext, 'registry' | 'scheduler'>;

/**
 * Makes the schedule follow a definition change (`before` null: a new endpoint). Pausing stops
 * checks; a new or resumed endpoint is checked at once (`start: 'now'`) or, for bulk changes, at
 * its own phase within its interval (at most a minute, as after a restart); a new interval takes
 * effect from the last check.
 */
export function followSchedule(
  scheduler: ScheduleControl,
  id: string,
  before: EndpointDefinition | null,
  after: EndpointDefinition,
  start: 'now' | 'spread' = 'now',
): void {
  if (after.paused) {
    if (before) scheduler.unschedule(id);
  } else if (!before || before.paused) {
    scheduler.schedule(id, after.intervalSeconds, { immediately: start === 'now' });
  } else if (before.intervalSeconds !== after.intervalSeconds) {
    scheduler.schedule(id, after.intervalSeconds);
  }
}

/**
 * Stops checking an endpoint and forgets it before its row is deleted, so that results still in
 * flight for it are dropped rather than written or announced. Returns what `rememberEndpoint`
 * needs to undo this if the delete fails.
 */
export function forgetEndpoint(ctx: MonitoringContext, id: string): MonitoredEndpoint | undefined {
  const entry = ctx.registry.get(id);
  ctx.scheduler.unschedule(id);
  ctx.registry.remove(id);
  return entry;
}

/** Undoes `forgetEndpoint`: the row is still there, so keep checking it. */
export function rememberEndpoint(ctx: MonitoringContext, entry: MonitoredEndpoint | undefined): void {
  if (!entry) return;
  ctx.registry.restore(entry);
  if (!entry.definition.paused) ctx.scheduler.schedule(entry.id, entry.definition.intervalSeconds);
}
