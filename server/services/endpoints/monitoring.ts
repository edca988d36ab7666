import type { EndpointDefinition } from '../../contract/types.ts';
import type { Placement } from '../../scheduler/placement.ts';
import type { ServiceContext } from '../context.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';

type MonitoringContext = Pick<ServiceContext, 'registry' | 'placement'>;

/**
 * Makes the schedule follow a definition change (`before` null: a new endpoint). Pausing stops
 * checks; a new or resumed endpoint is checked at once (`start: 'now'`) or, for bulk changes, at
 * its own phase within its interval (at most a minute, as after a restart); a new interval takes
 * effect from the last check.
 */
export function followSchedule(
  placement: Pick<Placement, 'schedule' | 'unschedule'>,
  id: string,
  before: EndpointDefinition | null,
  after: EndpointDefinition,
  start: 'now' | 'spread' = 'now',
): void {
  if (after.paused) {
    if (before) placement.unschedule(id);
  } else if (!before || before.paused) {
    placement.schedule(id, after.intervalSeconds, { immediately: start === 'now' });
  } else if (before.intervalSeconds !== after.intervalSeconds) {
    placement.schedule(id, after.intervalSeconds);
  }
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
}

/** Undoes `forgetEndpoint`: the row is still there, so keep checking it. */
export function rememberEndpoint(ctx: MonitoringContext, entry: MonitoredEndpoint | undefined): void {
  if (!entry) return;
  ctx.registry.restore(entry);
  if (!entry.definition.paused) ctx.placement.schedule(entry.id, entry.definition.intervalSeconds);
}
