import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEndpointCreate } from '../../domain/endpoint-input.ts';
import { singleInstancePlacement } from '../../scheduler/single-instance-placement.ts';
import { followSchedule } from './monitoring.ts';

const T0 = 3_600_000 * 466_000;
const id = '00000000-0000-4000-8000-000000000000'; // phase 0: its grid is every whole interval from T0
const definition = (fields: { intervalSeconds: number; paused?: boolean }) => parseEndpointCreate({ name: 'x', url: 'http://example.test/', ...fields });

describe('the schedule follows a definition change', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  function placed() {
    const runs: number[] = [];
    const placement = singleInstancePlacement({ checks: { run: async () => runs.push(Date.now() - T0) }, registry: { values: () => [].values() } });
    void placement.start();
    return { placement, runs };
  }

  it('checks a new endpoint at once, or at its phase when created in bulk', async () => {
    const { placement, runs } = placed();
    followSchedule(placement, id, null, definition({ intervalSeconds: 10 }));
    await vi.advanceTimersByTimeAsync(25_000);
    expect(runs).toEqual([0, 10_000, 20_000]);

    const other = '00000000-0000-4000-8000-000000001388'; // phase 5 s
    followSchedule(placement, other, null, definition({ intervalSeconds: 10 }), 'spread');
    expect(placement.scheduler.nextRunAt(other)! - T0).toBe(25_000 + 5_000);
    followSchedule(placement, '00000000-0000-4000-8000-000000000001', null, definition({ intervalSeconds: 10, paused: true }));
    expect(placement.scheduler.isScheduled('00000000-0000-4000-8000-000000000001')).toBe(false);
    await placement.stop(0);
  });

  it('stops at a pause, checks at once on resume, then keeps the interval', async () => {
    const { placement, runs } = placed();
    const active = definition({ intervalSeconds: 10 });
    const paused = definition({ intervalSeconds: 10, paused: true });
    followSchedule(placement, id, null, active);
    await vi.advanceTimersByTimeAsync(12_000);
    followSchedule(placement, id, active, paused);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs).toEqual([0, 10_000]);
    followSchedule(placement, id, paused, active);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(runs).toEqual([0, 10_000, 42_000, 50_000, 60_000]);
    await placement.stop(0);
  });

  it('counts a new interval from the last check, and leaves the rhythm alone for other changes', async () => {
    const { placement, runs } = placed();
    const every60 = definition({ intervalSeconds: 60 });
    followSchedule(placement, id, null, every60);
    await vi.advanceTimersByTimeAsync(5_000);
    followSchedule(placement, id, every60, { ...every60, name: 'renamed' });
    expect(placement.scheduler.nextRunAt(id)! - T0).toBe(60_000);
    followSchedule(placement, id, every60, definition({ intervalSeconds: 10 }));
    expect(placement.scheduler.nextRunAt(id)! - T0).toBe(10_000);
    await vi.advanceTimersByTimeAsync(16_000);
    expect(runs).toEqual([0, 10_000, 20_000]);
    await placement.stop(0);
  });
});
