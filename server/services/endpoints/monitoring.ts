import type { EndpointDefinition } from '../../contract/types.ts';
import type { Placement } from '../../scheduler/placement.ts';
import type { ServiceContext } from '../context.ts';
import { checkIntervalOf, currentCheckInterval, isFailingState } from '../../domain/check-interval.ts';
import type { MonitoredEndpoint, MonitorRegistry } from '../../state/monitor-registry.ts';

type MonitoringContext = Pick<ServiceContext, 'registry' | 'placement' | 'calendar' | 'channels' | 'statusPages'>;

/**
 * Makes the schedule follow a definition change (`before` null: a new endpoint). Pausing stops
 * checks; a new or resumed endpoint is checked at once (`start: 'now'`) or, for bulk changes, at
 * its own phase within its interval (at most a minute, as after a restart); a new interval takes
 * effect from the last check. `failing`: the endpoint's last check was DOWN or an incident of it
 * is open (its retry interval applies, see server/domain/check-interval.ts).
 */
export function followSchedule(
  placement: Pick<Placement, 'schedule' | 'unschedule'>,
  id: string,
  before: EndpointDefinition | null,
  after: EndpointDefinition,
  start: 'now' | 'spread' = 'now',
  failing = false,
): void {
  const interval = checkIntervalOf(after, failing);
  if (after.paused) {
    if (before) placement.unschedule(id);
  } else if (!before || before.paused) {
    placement.schedule(id, interval, { immediately: start === 'now' });
  } else if (checkIntervalOf(before, failing) !== interval) {
    placement.schedule(id, interval);
  }
}

/** Whether the endpoint, as held here, is failing (see server/domain/check-interval.ts). */
export function isFailing(registry: Pick<MonitorRegistry, 'get'>, id: string): boolean {
  const state = registry.get(id)?.state;
  return state !== undefined && isFailingState(state);
}

/**
 * Stops checking an endpoint and forgets it before its row is deleted, so that results still in
 * flight for it are dropped rather than written or announced. Returns what `rememberEndpoint`
 * needs to undo this if the delete fails; once it is committed, say so with `endpointDeleted`.
 */
export function forgetEndpoint(ctx: MonitoringContext, id: string): MonitoredEndpoint | undefined {
  const entry = ctx.registry.get(id);
  ctx.placement.unschedule(id);
  ctx.registry.beginRemoval(id);
  return entry;
}

/** The delete of an endpoint `forgetEndpoint` forgot is committed. */
export function endpointDeleted(ctx: MonitoringContext, id: string): void {
  ctx.registry.remove(id);
  ctx.calendar.forgetEndpoint(id);
  ctx.channels.forgetEndpoint(id);
  ctx.statusPages.forgetEndpoint(id);
}

/** Undoes `forgetEndpoint`: the row is still there, so keep checking it. */
export function rememberEndpoint(ctx: MonitoringContext, entry: MonitoredEndpoint | undefined): void {
  if (!entry) return;
  ctx.registry.restore(entry);
  if (!entry.definition.paused) ctx.placement.schedule(entry.id, currentCheckInterval(entry));
}
