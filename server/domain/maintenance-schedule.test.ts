import { describe, expect, it } from 'vitest';
import { nextPeriodAfter, periodAt, type WindowTiming, windowStateAt } from './maintenance-schedule.ts';

const at = (iso: string) => new Date(iso);
const iso = (period: { startsAt: Date; endsAt: Date } | null) => period && [period.startsAt.toISOString(), period.endsAt.toISOString()];

const once = (startsAt: string, endsAt: string): WindowTiming => ({
  kind: 'once',
  startsAt: at(startsAt),
  endsAt: at(endsAt),
  cron: null,
  durationMinutes: null,
  timezone: null,
});

const recurring = (cron: string, durationMinutes: number, fields: Partial<WindowTiming> = {}): WindowTiming => ({
  kind: 'recurring',
  startsAt: null,
  endsAt: null,
  cron,
  durationMinutes,
  timezone: null,
  ...fields,
});

describe('a window of kind once', () => {
  const window = once('2026-12-24T22:00:00.000Z', '2026-12-25T01:00:00.000Z');

  it('is on from its start (inclusive) to its end (exclusive)', () => {
    expect(periodAt(window, at('2026-12-24T21:59:59.999Z'))).toBeNull();
    expect(iso(periodAt(window, at('2026-12-24T22:00:00.000Z')))).toEqual(['2026-12-24T22:00:00.000Z', '2026-12-25T01:00:00.000Z']);
    expect(periodAt(window, at('2026-12-25T00:59:59.999Z'))).not.toBeNull();
    expect(periodAt(window, at('2026-12-25T01:00:00.000Z'))).toBeNull();
  });

  it('says its next change: the start before it, the end during it, none after it', () => {
    expect(windowStateAt(window, at('2026-12-24T10:00:00Z')).until?.toISOString()).toBe('2026-12-24T22:00:00.000Z');
    expect(windowStateAt(window, at('2026-12-24T23:00:00Z')).until?.toISOString()).toBe('2026-12-25T01:00:00.000Z');
    expect(windowStateAt(window, at('2026-12-25T02:00:00Z'))).toEqual({ current: null, next: null, until: null });
  });
});

describe('a recurring window', () => {
  it('has a period at each time of its cron expression, lasting its duration', () => {
    const nightly = recurring('0 2 * * *', 60);
    expect(iso(periodAt(nightly, at('2026-12-06T02:30:00Z')))).toEqual(['2026-12-06T02:00:00.000Z', '2026-12-06T03:00:00.000Z']);
    expect(periodAt(nightly, at('2026-12-06T03:00:00Z'))).toBeNull();
    expect(periodAt(nightly, at('2026-12-06T01:59:59.999Z'))).toBeNull();
    expect(iso(nextPeriodAfter(nightly, at('2026-12-06T02:30:00Z')))).toEqual(['2026-12-07T02:00:00.000Z', '2026-12-07T03:00:00.000Z']);
  });

  it('reads its cron expression in its time zone (Seoul is UTC+9, no daylight saving)', () => {
    const seoul = recurring('30 2 * * 0', 90, { timezone: 'Asia/Seoul' });
    // Sunday 2026-12-06 02:30 in Seoul is Saturday 17:30 UTC.
    expect(iso(periodAt(seoul, at('2026-12-05T18:00:00Z')))).toEqual(['2026-12-05T17:30:00.000Z', '2026-12-05T19:00:00.000Z']);
    expect(periodAt(seoul, at('2026-12-06T02:45:00Z'))).toBeNull();
  });

  it('follows daylight saving time: 02:00 in Berlin is 01:00 UTC in winter, 00:00 UTC in summer', () => {
    const berlin = recurring('0 2 * * *', 30, { timezone: 'Europe/Berlin' });
    expect(periodAt(berlin, at('2026-01-15T01:10:00Z'))?.startsAt.toISOString()).toBe('2026-01-15T01:00:00.000Z');
    expect(periodAt(berlin, at('2026-07-15T00:10:00Z'))?.startsAt.toISOString()).toBe('2026-07-15T00:00:00.000Z');
  });

  it('merges periods that overlap or touch into one, ending with the last', () => {
    // Every 10 minutes for 15 minutes: one long period as long as the starts keep coming.
    const bounded = recurring('*/10 * * * *', 15, { startsAt: at('2026-12-06T10:00:00Z'), endsAt: at('2026-12-06T10:30:00Z') });
    expect(iso(periodAt(bounded, at('2026-12-06T10:05:00Z')))).toEqual(['2026-12-06T10:00:00.000Z', '2026-12-06T10:35:00.000Z']);
    // Every hour for exactly an hour: touching periods, one period.
    const touching = recurring('0 * * * *', 60, { startsAt: at('2026-12-06T10:00:00Z'), endsAt: at('2026-12-06T12:30:00Z') });
    expect(iso(periodAt(touching, at('2026-12-06T10:30:00Z')))).toEqual(['2026-12-06T10:00:00.000Z', '2026-12-06T13:00:00.000Z']);
  });

  it('starts no period before startsAt nor after endsAt; a period begun before endsAt runs its length', () => {
    const bounded = recurring('0 2 * * *', 60, { startsAt: at('2026-12-10T00:00:00Z'), endsAt: at('2026-12-12T02:00:00Z') });
    expect(periodAt(bounded, at('2026-12-09T02:30:00Z'))).toBeNull();
    expect(iso(nextPeriodAfter(bounded, at('2026-12-01T00:00:00Z')))?.[0]).toBe('2026-12-10T02:00:00.000Z');
    expect(periodAt(bounded, at('2026-12-11T02:30:00Z'))).not.toBeNull();
    // 2026-12-12 02:00 is endsAt itself: no period starts there.
    expect(periodAt(bounded, at('2026-12-12T02:30:00Z'))).toBeNull();
    expect(nextPeriodAfter(bounded, at('2026-12-11T03:00:00Z'))).toBeNull();
    expect(windowStateAt(bounded, at('2026-12-11T03:00:00Z')).until).toBeNull();
  });

  it('says the next change: the end of the period it is in, else the next start', () => {
    const nightly = recurring('0 2 * * *', 60);
    expect(windowStateAt(nightly, at('2026-12-06T02:10:00Z'))).toMatchObject({
      until: at('2026-12-06T03:00:00Z'),
      next: { startsAt: at('2026-12-07T02:00:00Z') },
    });
    expect(windowStateAt(nightly, at('2026-12-06T05:00:00Z'))).toMatchObject({ current: null, until: at('2026-12-07T02:00:00Z') });
  });

  it('stops merging after many occurrences: a period every minute lasting a day still answers quickly', () => {
    const always = recurring('* * * * *', 1440);
    const started = performance.now();
    const period = periodAt(always, at('2026-12-06T12:00:00Z'));
    expect(period).not.toBeNull();
    expect(period!.endsAt.getTime()).toBeGreaterThan(Date.parse('2026-12-07T12:00:00Z'));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
