import type { Placement } from '../scheduler/placement.ts';
import { Scheduler, type SchedulerOptions } from '../scheduler/scheduler.ts';
import { EndpointOwnership, type OwnershipOptions } from './ownership.ts';

export interface ClusterPlacementOptions extends Omit<OwnershipOptions, 'scheduler' | 'onError'> {
  checks: Omit<SchedulerOptions, 'gate'>;
  /** A tick of the ownership failed (it tries again at the next one). */
  onTickError: (error: unknown) => void;
}

/**
 * Several instances on one PostgreSQL: each checks the endpoints whose lease it holds (see
 * EndpointOwnership), and a scheduled check runs only while this instance's hold on them is sure.
 */
export function clusterPlacement({ checks, onTickError, ...options }: ClusterPlacementOptions) {
  const scheduler: Scheduler = new Scheduler({ ...checks, gate: (): boolean => ownership.mayCheck() });
  const ownership = new EndpointOwnership({ ...options, scheduler, onError: onTickError });
  /** Checks on request in progress here, per endpoint. */
  const checksOnRequest = new Map<string, number>();
  const placement = {
    scheduler,
    schedule: (endpointId, intervalSeconds, options?) => ownership.schedule(endpointId, intervalSeconds, options),
    unschedule: (endpointId) => ownership.unschedule(endpointId),
    forget(endpointId) {
      ownership.unschedule(endpointId);
      ownership.forget(endpointId);
    },
    checksHere: (endpointId) => ownership.checksHere(endpointId),
    needsStoredState: (endpointId) => !ownership.checksHere(endpointId) && !checksOnRequest.has(endpointId),
    async checkingNow(endpointId, check) {
      checksOnRequest.set(endpointId, (checksOnRequest.get(endpointId) ?? 0) + 1);
      try {
        return await check();
      } finally {
        const left = checksOnRequest.get(endpointId)! - 1;
        if (left > 0) checksOnRequest.set(endpointId, left);
        else checksOnRequest.delete(endpointId);
      }
    },
    async start() {
      scheduler.start();
      await ownership.start();
    },
    async stop(timeoutMs) {
      await ownership.stop();
      return scheduler.stop(timeoutMs);
    },
    leave: () => ownership.leave(),
  } satisfies Placement;
  return { placement, ownership };
}
