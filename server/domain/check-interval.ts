import type { EndpointDefinition } from '../contract/types.ts';
import type { MonitorState } from './monitor-state.ts';
import { watchSecondsOf } from './push-schedule.ts';

type Cadence = Pick<EndpointDefinition, 'intervalSeconds' | 'retryIntervalSeconds'> & Partial<Pick<EndpointDefinition, 'type' | 'graceSeconds'>>;

/**
 * How often an endpoint is checked now: every `retryIntervalSeconds` while it is failing (when
 * set), so that a failure is confirmed, and a recovery too, in seconds; otherwise every
 * `intervalSeconds`. A push endpoint is not called: its deadline is looked at, a few times per
 * grace period (server/domain/push-schedule.ts).
 */
export function checkIntervalOf(definition: Cadence, failing: boolean): number {
  if (definition.type === 'push') return watchSecondsOf({ graceSeconds: definition.graceSeconds ?? 60 });
  return failing && definition.retryIntervalSeconds !== null ? definition.retryIntervalSeconds : definition.intervalSeconds;
}

/**
 * Failing: its last check was DOWN, or an incident of it is still open (recovering: it resolves
 * only after `recoveryThreshold` checks in a row that are not DOWN).
 */
export function isFailingState(state: Pick<MonitorState, 'consecutiveFailures' | 'openIncident'>): boolean {
  return state.consecutiveFailures > 0 || state.openIncident !== null;
}

/** The same for an endpoint as held in memory. */
export function currentCheckInterval(entry: { definition: Cadence; state: Pick<MonitorState, 'consecutiveFailures' | 'openIncident'> }): number {
  return checkIntervalOf(entry.definition, isFailingState(entry.state));
}
