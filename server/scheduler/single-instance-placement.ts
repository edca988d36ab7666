import { currentCheckInterval } from '../domain/check-interval.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import type { Placement } from './placement.ts';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';

export interface SingleInstanceOptions {
  checks: Omit<SchedulerOptions, 'gate'>;
  /** Every endpoint, as loaded at start. */
  registry: Pick<MonitorRegistry, 'values'>;
}

/** One instance checks every endpoint that is not paused; nobody else holds any live state. */
export function singleInstancePlacement({ checks, registry }: SingleInstanceOptions) {
  const scheduler = new Scheduler(checks);
  return {
    scheduler,
    schedule: (endpointId, intervalSeconds, options?) => scheduler.schedule(endpointId, intervalSeconds, options),
    unschedule: (endpointId) => scheduler.unschedule(endpointId),
    forget: (endpointId) => scheduler.unschedule(endpointId),
    checksHere: (_endpointId: string) => true,
    needsStoredState: (_endpointId: string) => false,
    checkingNow: (_endpointId, check) => check(),
    async start() {
      for (const entry of registry.values()) {
        if (!entry.definition.paused) scheduler.schedule(entry.id, currentCheckInterval(entry), { lastCheckedAt: entry.lastCheckedAt });
      }
      scheduler.start();
    },
    stop: (timeoutMs) => scheduler.stop(timeoutMs),
    async leave() {},
  } satisfies Placement;
}
