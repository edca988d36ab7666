import type { EndpointDefinition } from '../contract/types.ts';

/**
 * How often an endpoint is checked now: every `retryIntervalSeconds` while its last check was
 * DOWN (when set), so that a failure is confirmed or cleared sooner; otherwise every
 * `intervalSeconds`.
 */
export function checkIntervalOf(definition: Pick<EndpointDefinition, 'intervalSeconds' | 'retryIntervalSeconds'>, failing: boolean): number {
  return failing && definition.retryIntervalSeconds !== null ? definition.retryIntervalSeconds : definition.intervalSeconds;
}

/** The same for an endpoint as held in memory: failing while its last check was DOWN. */
export function currentCheckInterval(entry: {
  definition: Pick<EndpointDefinition, 'intervalSeconds' | 'retryIntervalSeconds'>;
  state: { consecutiveFailures: number };
}): number {
  return checkIntervalOf(entry.definition, entry.state.consecutiveFailures > 0);
}
