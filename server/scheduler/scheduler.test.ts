import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';

// Fake timers drive croner's heartbeat and the per-endpoint timers alike: hours pass in milliseconds.
const T0 = 3_600_000 * 466_000; // a whole hour (so a multiple of every interval below): grids start at T0

/** An endpoint id whose phase (its last 8 hex digits) is `phaseMs`. */
const idWithPhase = (phaseMs: number) => `00000000-0000-4000-8000-0000${phaseMs.toString(16).padStart(8, '0')}`;

/** A scheduler whose checks are recorded; a check hangs until released while `hang` is set. */
function harness(options: Partial<SchedulerOptions> = {}) {
  const runs: { id: string; at: number }[] = [];
  const releases: (() => void)[] = [];
  const errors: unknown[] = [];
  const state = { hang: false };
  const scheduler = new Scheduler({
    run: (id) => {
      runs.push({ id, at: Date.now() - T0 });
      return state.hang ? new Promise<void>((resolve) => releases.push(resolve)) : Promise.resolve();
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  const runsOf = (id: string) => runs.filter((r) => r.id === id).map((r) => r.at);
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  return { scheduler, runs, runsOf, state, releaseAll, errors };
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('Scheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('checks a new endpoint at its own phase within its interval, then every interval on its grid', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(7_250);
    scheduler.start();
    scheduler.schedule(id, 10);
    await advance(45_000);
    expect(runsOf(id)).toEqual([7_250, 17_250, 27_250, 37_250]);
    await scheduler.stop(0);
  });

  it('spreads endpoints with no history over at most a minute, whatever their interval', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(3_000_000); // 50 min into an hour, 0 into a minute
    const other = idWithPhase(3_030_000); // 30 s into a minute
    scheduler.start();
    scheduler.schedule(id, 3600);
    scheduler.schedule(other, 3600);
    await advance(60_000);
    expect(runsOf(id)).toEqual([0]);
    expect(runsOf(other)).toEqual([30_000]);
    // Then each joins its own place in the hour.
    expect(scheduler.nextRunAt(other)! - T0).toBe(3_030_000);
    await scheduler.stop(0);
  });

  it('starts the checks whose phases fall in one 250 ms slot together, at the start of the slot', async () => {
    const { scheduler, runs } = harness();
    const ids = [idWithPhase(7_000), idWithPhase(7_120), idWithPhase(7_249), idWithPhase(7_250)];
    scheduler.start();
    for (const id of ids) scheduler.schedule(id, 10);
    await advance(25_000);
    const at = (id: string) => runs.filter((r) => r.id === id).map((r) => r.at);
    expect(at(ids[0]!)).toEqual([7_000, 17_000]);
    expect(at(ids[1]!)).toEqual([7_000, 17_000]);
    expect(at(ids[2]!)).toEqual([7_000, 17_000]);
    expect(at(ids[3]!)).toEqual([7_250, 17_250]);
    await scheduler.stop(0);
  });

  it('narrows the slots as the scheduled rate grows, so that a slot holds about 16 checks, and widens them again', async () => {
    const { scheduler, runs } = harness();
    scheduler.start();
    expect(scheduler.slotWidthMs).toBe(250);
    // 1,000 endpoints every second, phases 1 ms apart: 1,000 checks/s.
    const ids = Array.from({ length: 1000 }, (_, i) => idWithPhase(60_000 + i));
    for (const id of ids) scheduler.schedule(id, 1);
    expect(scheduler.slotWidthMs).toBe(10);
    await advance(3_000);
    runs.length = 0;
    await advance(1_000);
    const perStart = new Map<number, number>();
    for (const r of runs) perStart.set(r.at, (perStart.get(r.at) ?? 0) + 1);
    expect(runs).toHaveLength(1000);
    expect([...perStart.keys()].every((at) => at % 10 === 0)).toBe(true);
    expect(Math.max(...perStart.values())).toBe(10);
    // 50 checks/s: back to 250 ms.
    for (const id of ids.slice(50)) scheduler.unschedule(id);
    expect(scheduler.slotWidthMs).toBe(250);
    for (const id of ids.slice(0, 50)) scheduler.schedule(id, 20);
    expect(scheduler.slotWidthMs).toBe(250);
    for (const id of ids.slice(0, 50)) scheduler.unschedule(id);
    expect(scheduler.slotWidthMs).toBe(250);
    await scheduler.stop(0);
  });

  it('keeps slots when rescheduled or taken over, but not for a check asked for at once', async () => {
    const { scheduler, runsOf } = harness();
    const changed = idWithPhase(2_000);
    const taken = idWithPhase(61_333); // on the slot grid 61,250: 1,250 ms into a 2 s spread
    await advance(1_010);
    scheduler.start();
    scheduler.schedule(changed, 10, { immediately: true });
    await advance(40);
    // Its interval changes 40 ms after that run started: the next is one new interval on, on a slot.
    scheduler.schedule(changed, 5);
    scheduler.schedule(taken, 60, { startWithinMs: 2_000 });
    await advance(7_000);
    expect(runsOf(changed)).toEqual([1_010, 6_250]);
    // Taken over at 1,050: 1,250 ms into the spread is 2,300, which waits for the slot at 2,500.
    expect(runsOf(taken)).toEqual([2_500]);
    await scheduler.stop(0);
  });

  it('keeps each phase to the millisecond with slotMs 1, and refuses a slot that does not divide a second', async () => {
    const { scheduler, runsOf } = harness({ slotMs: 1 });
    const id = idWithPhase(7_123);
    scheduler.start();
    scheduler.schedule(id, 10);
    await advance(20_000);
    expect(runsOf(id)).toEqual([7_123, 17_123]);
    await scheduler.stop(0);
    for (const slotMs of [0, 3, 2.5, 2_000]) expect(() => new Scheduler({ run: async () => {}, slotMs })).toThrow(RangeError);
  });

  it('checks a new or resumed endpoint at once, then joins its grid', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(4_000);
    await advance(1_500);
    scheduler.start();
    scheduler.schedule(id, 10, { immediately: true });
    await advance(30_000);
    // The grid point nearest one interval after the immediate run: 14 s, not 11.5 s.
    expect(runsOf(id)).toEqual([1_500, 14_000, 24_000]);
    await scheduler.stop(0);
  });

  it('keeps the rhythm of an endpoint checked before a restart, on its own grid', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(2_000);
    scheduler.start();
    // Checked 4 s ago at a 10 s interval: next at the first grid point after half an interval.
    scheduler.schedule(id, 10, { lastCheckedAt: new Date(T0 - 4_000) });
    await advance(25_000);
    expect(runsOf(id)).toEqual([2_000, 12_000, 22_000]);
    await scheduler.stop(0);
  });

  it('checks an overdue endpoint taken over within the spread, at its phase', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(61_500); // 1,500 ms into a 2 s spread
    scheduler.start();
    scheduler.schedule(id, 60, { startWithinMs: 2_000 });
    await advance(3_000);
    expect(runsOf(id)).toEqual([1_500]);
    await scheduler.stop(0);
  });

  it('never overlaps a check with the previous one of the same endpoint: the run that comes due is skipped and counted', async () => {
    const { scheduler, runsOf, state, releaseAll } = harness();
    const id = idWithPhase(0);
    state.hang = true;
    scheduler.start();
    scheduler.schedule(id, 1, { immediately: true });
    await advance(3_500);
    expect(runsOf(id)).toEqual([0]);
    expect(scheduler.isRunning(id)).toBe(true);
    expect(scheduler.snapshot()).toMatchObject({ started: 1, skippedOverlaps: 3, running: 1 });
    state.hang = false;
    releaseAll();
    await advance(1_000);
    expect(scheduler.isRunning(id)).toBe(false);
    // Back on its grid once the long check is over.
    expect(runsOf(id)).toEqual([0, 4_000]);
    await scheduler.stop(0);
  });

  it('carries a running check over a reschedule: no second run while it goes on', async () => {
    const { scheduler, runsOf, state, releaseAll } = harness();
    const id = idWithPhase(0);
    state.hang = true;
    scheduler.start();
    scheduler.schedule(id, 1, { immediately: true });
    await advance(100);
    scheduler.schedule(id, 1, { immediately: true });
    await advance(1_000);
    expect(runsOf(id)).toEqual([0]);
    expect(scheduler.stats.skippedOverlaps).toBeGreaterThanOrEqual(1);
    releaseAll();
    await scheduler.stop(0);
  });

  it('counts a new interval from the last check when rescheduled', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(0);
    scheduler.start();
    scheduler.schedule(id, 60, { immediately: true });
    await advance(5_000);
    scheduler.schedule(id, 10);
    expect(scheduler.nextRunAt(id)! - T0).toBe(10_000);
    await advance(25_000);
    expect(runsOf(id)).toEqual([0, 10_000, 20_000, 30_000]);
    // Longer again: due one new interval after the last check.
    scheduler.schedule(id, 3600);
    expect(scheduler.nextRunAt(id)! - T0).toBe(3_630_000);
    await scheduler.stop(0);
  });

  it('brings a not-yet-checked endpoint forward when its interval shrinks, never back', async () => {
    const { scheduler } = harness();
    const id = idWithPhase(50_000);
    scheduler.start();
    scheduler.schedule(id, 3600);
    expect(scheduler.nextRunAt(id)! - T0).toBe(50_000);
    scheduler.schedule(id, 10);
    expect(scheduler.nextRunAt(id)! - T0).toBe(10_000);
    scheduler.schedule(id, 3600);
    expect(scheduler.nextRunAt(id)! - T0).toBe(10_000);
    await scheduler.stop(0);
  });

  it('stops checking an unscheduled endpoint at once', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(0);
    scheduler.start();
    scheduler.schedule(id, 1, { immediately: true });
    await advance(2_500);
    scheduler.unschedule(id);
    expect(scheduler.isScheduled(id)).toBe(false);
    await advance(5_000);
    expect(runsOf(id)).toEqual([0, 1_000, 2_000]);
    await scheduler.stop(0);
  });

  it('skips the runs its gate holds back, counts them and keeps the rhythm', async () => {
    const gate = { open: true };
    const { scheduler, runsOf } = harness({ gate: () => gate.open });
    const id = idWithPhase(0);
    scheduler.start();
    scheduler.schedule(id, 1, { immediately: true });
    await advance(1_500);
    gate.open = false;
    await advance(2_000);
    gate.open = true;
    await advance(2_000);
    expect(runsOf(id)).toEqual([0, 1_000, 4_000, 5_000]);
    expect(scheduler.stats).toMatchObject({ started: 4, skippedGated: 2, skippedOverlaps: 0 });
    await scheduler.stop(0);
  });

  it('times nothing before start and nothing after stop', async () => {
    const { scheduler, runsOf } = harness();
    const id = idWithPhase(0);
    scheduler.schedule(id, 1, { immediately: true });
    await advance(3_000);
    expect(runsOf(id)).toEqual([]);
    scheduler.start();
    await advance(10);
    expect(runsOf(id)).toEqual([3_000]);
    await scheduler.stop(0);
    await advance(5_000);
    expect(runsOf(id)).toEqual([3_000]);
  });

  it('waits at most the timeout for running checks at stop, and says how many did not finish', async () => {
    const { scheduler, state, releaseAll } = harness();
    state.hang = true;
    scheduler.start();
    for (const phase of [0, 1, 2]) scheduler.schedule(idWithPhase(phase), 60, { immediately: true });
    await advance(10);
    expect(scheduler.snapshot().running).toBe(3);
    const stopped = scheduler.stop(5_000);
    await advance(5_000);
    expect(await stopped).toBe(3);
    releaseAll();

    const quick = harness();
    quick.state.hang = true;
    quick.scheduler.start();
    quick.scheduler.schedule(idWithPhase(0), 60, { immediately: true });
    await advance(10);
    const done = quick.scheduler.stop(5_000);
    await advance(100);
    quick.releaseAll();
    expect(await done).toBe(0);
  });

  it('reports a failed check and goes on checking', async () => {
    const failures: unknown[] = [];
    const { scheduler } = harness({ run: () => Promise.reject(new Error('boom')), onError: (error) => failures.push(error) });
    scheduler.start();
    scheduler.schedule(idWithPhase(0), 1, { immediately: true });
    await advance(2_500);
    expect(failures).toHaveLength(3);
    expect(scheduler.stats.started).toBe(3);
    await scheduler.stop(0);
  });
});
