import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEndpointCreate } from '../domain/endpoint-input.ts';
import type { MonitoredEndpoint } from '../state/monitor-registry.ts';
import { singleInstancePlacement } from './single-instance-placement.ts';

const T0 = 3_600_000 * 466_000;
const idWithPhase = (phaseMs: number) => `00000000-0000-4000-8000-0000${phaseMs.toString(16).padStart(8, '0')}`;

function monitored(id: string, fields: { intervalSeconds: number; paused?: boolean }, lastCheckedAt: Date | null = null): MonitoredEndpoint {
  return {
    id,
    definition: parseEndpointCreate({ name: id, url: 'http://example.test/', ...fields }),
    state: { status: 'PENDING', consecutiveFailures: 0, openIncident: null },
    lastCheckedAt,
  };
}

describe('one instance', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('checks every endpoint that is not paused, from the start, keeping the rhythm of the last run', async () => {
    const runs: { id: string; at: number }[] = [];
    const endpoints = [
      monitored(idWithPhase(3_000), { intervalSeconds: 10 }, new Date(T0 - 6_000)),
      monitored(idWithPhase(4_000), { intervalSeconds: 10 }),
      monitored(idWithPhase(5_000), { intervalSeconds: 10, paused: true }),
    ];
    const placement = singleInstancePlacement({
      checks: { run: async (id) => runs.push({ id, at: Date.now() - T0 }) },
      registry: { values: () => endpoints.values() },
    });
    await placement.start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(runs).toEqual([
      { id: endpoints[0]!.id, at: 3_000 },
      { id: endpoints[1]!.id, at: 4_000 },
      { id: endpoints[0]!.id, at: 13_000 },
      { id: endpoints[1]!.id, at: 14_000 },
    ]);
    expect(placement.scheduler.isScheduled(endpoints[2]!.id)).toBe(false);
    expect(await placement.stop(0)).toBe(0);
    await placement.leave();
  });

  it('checks every endpoint here and always holds its live state', async () => {
    const placement = singleInstancePlacement({ checks: { run: async () => {} }, registry: { values: () => [].values() } });
    const id = idWithPhase(1);
    expect(placement.checksHere(id)).toBe(true);
    expect(placement.needsStoredState(id)).toBe(false);
    expect(await placement.checkingNow(id, async () => 'checked')).toBe('checked');
    placement.schedule(id, 60);
    placement.forget(id);
    expect(placement.scheduler.isScheduled(id)).toBe(false);
  });
});
