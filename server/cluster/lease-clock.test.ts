import { describe, expect, it } from 'vitest';
import { LeaseClock } from './lease-clock.ts';

const TTL = 4000;
const TICK = 1000;

/** A clock that has beaten every tick up to `at`. */
function steady(at: number): LeaseClock {
  const clock = new LeaseClock(TTL, TICK);
  for (let t = TICK; t <= at; t += TICK) {
    clock.timerFired(t);
    clock.beatStarted(t);
    clock.beatAnswered(t);
  }
  return clock;
}

describe('LeaseClock', () => {
  it('allows checks while the heartbeat is fresh', () => {
    const clock = steady(10_000);
    expect(clock.mayCheck(10_500)).toBe(true);
  });

  it('holds checks back after a freeze with a heartbeat in flight, whatever runs first at the thaw', () => {
    // Frozen (SIGSTOP) right after sending a heartbeat, thawed 8 s later when the others own our endpoints.
    for (const order of ['heartbeat timer first', 'check timer first'] as const) {
      const clock = steady(10_000);
      clock.timerFired(11_000);
      clock.beatStarted(11_000);
      const thaw = 19_000;
      if (order === 'check timer first') expect(clock.mayCheck(thaw), order).toBe(false);
      clock.timerFired(thaw);
      expect(clock.mayCheck(thaw), order).toBe(false);
      expect(clock.mayCheck(thaw + 5), order).toBe(false);
      // The heartbeat sent before the freeze answers now: still in doubt until the leases are read again.
      expect(clock.beatAnswered(11_000)).toBe(false);
      expect(clock.mayCheck(thaw + 10), order).toBe(false);
      clock.suspect = false; // a tick re-read our leases
      // The first heartbeat sent after the thaw finds the silence too, and asks for one more reading.
      clock.timerFired(thaw + 1000);
      clock.beatStarted(thaw + 1000);
      expect(clock.beatAnswered(thaw + 1000)).toBe(true);
      expect(clock.mayCheck(thaw + 1010), order).toBe(false);
      clock.suspect = false;
      expect(clock.mayCheck(thaw + 1020), order).toBe(true);
    }
  });

  it('doubts its leases when its own timer fires late (the process did not run), until they are read again', () => {
    const clock = steady(10_000);
    clock.timerFired(10_000 + TTL * 0.5 + 1);
    expect(clock.suspect).toBe(true);
    expect(clock.mayCheck(10_000 + TTL * 0.5 + 2)).toBe(false);
    clock.suspect = false; // a tick re-read our leases
    // The next heartbeat finds the same silence: one more reading, then checks go on.
    clock.beatStarted(12_500);
    expect(clock.beatAnswered(12_500)).toBe(true);
    expect(clock.mayCheck(12_600)).toBe(false);
    clock.suspect = false;
    expect(clock.mayCheck(12_700)).toBe(true);
  });

  it('stops checking once the heartbeat is older than 0.6 TTL with no outage to explain it', () => {
    const clock = steady(10_000);
    expect(clock.mayCheck(10_000 + TTL * 0.6 - 1)).toBe(true);
    expect(clock.mayCheck(10_000 + TTL * 0.6)).toBe(false);
  });

  it('doubts its leases when a heartbeat comes after a long silence', () => {
    const clock = steady(10_000);
    clock.beatStarted(13_000);
    expect(clock.beatAnswered(13_000)).toBe(true);
    expect(clock.mayCheck(13_010)).toBe(false);
  });

  it('goes on checking while PostgreSQL is away and this process keeps running', () => {
    const clock = steady(10_000);
    for (let t = 11_000; t <= 60_000; t += TICK) {
      clock.timerFired(t);
      clock.beatStarted(t);
      clock.beatFailed(true);
      expect(clock.mayCheck(t + 500), `at ${t}`).toBe(true);
    }
  });

  it('goes on checking while a heartbeat hangs and this process keeps running', () => {
    const clock = steady(10_000);
    clock.timerFired(11_000);
    clock.beatStarted(11_000);
    for (let t = 12_000; t <= 40_000; t += TICK) {
      clock.timerFired(t); // the beat is single-flight: the hanging one stays the one in flight
      expect(clock.mayCheck(t + 500), `at ${t}`).toBe(true);
    }
  });

  it('stops checking when its heartbeat fails while PostgreSQL answers others', () => {
    const clock = steady(10_000);
    clock.timerFired(11_000);
    clock.beatStarted(11_000);
    clock.beatFailed(false);
    expect(clock.mayCheck(13_000)).toBe(false);
  });
});
