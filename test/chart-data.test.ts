import { describe, expect, it } from 'vitest';
import type { Check, ResponseSeries } from '../server/contract/types.ts';
import { bucketsOf, chartColumns, downBands, gapSecondsFor, withLiveChecks, type ChartBucket } from '../web/src/lib/chart-series.ts';
import { timeAxisLabels } from '../web/src/lib/chart-time-labels.ts';

const bucket = (at: number, checks = 1, down = 0, responseSum = 100 * (checks - down), degraded = 0): ChartBucket => ({
  at,
  checks,
  degraded,
  down,
  responseSum,
});
const check = (checkedAt: string, status: Check['status'], responseTime: number): Check => ({
  id: checkedAt,
  endpointId: 'e',
  status,
  responseTime,
  statusCode: 200,
  errorMessage: null,
  errorCode: null,
  certificate: null,
  errorParams: null,
  failedAssertions: [],
  bodyExcerpt: null,
  maintenance: false,
  checkedAt,
});

describe('chartColumns', () => {
  it.each([
    ['buckets one interval apart form one line', [0, 60, 120], 60, [100, 100, 100]],
    ['a bucket missing by jitter (two intervals) still joins', [0, 120, 180], 60, [100, 100, 100]],
    ['more than two intervals without checks break the line', [0, 60, 300, 360], 60, [100, 100, null, 100, 100]],
    ['a sparse endpoint (hourly checks in 10 s buckets) joins its checks', [0, 3600, 7200], 3600, [100, 100, 100]],
  ] as const)('%s', (_name, ats, interval, expected) => {
    const columns = chartColumns(
      ats.map((at) => bucket(at)),
      10,
      gapSecondsFor(10, interval),
    );
    expect(columns.response).toEqual(expected);
  });

  it('has no response time for a bucket whose checks were all DOWN, and averages the answered ones otherwise', () => {
    const columns = chartColumns([bucket(0, 2, 2, 0), bucket(10, 3, 1, 300)], 10, 60);
    expect(columns.response).toEqual([null, 150]);
    expect(columns.down).toEqual([2, 1]);
  });

  it('marks buckets with DEGRADED checks', () => {
    expect(chartColumns([bucket(0), bucket(10, 1, 0, 900, 1)], 10, 60).degraded).toEqual([null, 900]);
  });
});

describe('downBands', () => {
  it('merges neighbouring DOWN buckets and keeps separate stretches apart', () => {
    const buckets = [bucket(0), bucket(10, 1, 1), bucket(20, 1, 1), bucket(30), bucket(60, 2, 1)];
    expect(downBands(buckets, 10)).toEqual([
      [10, 30],
      [60, 70],
    ]);
  });
});

describe('withLiveChecks', () => {
  const series: ResponseSeries = {
    range: '1h',
    from: '2026-12-04T15:00:00.000Z',
    to: '2026-12-04T16:00:05.000Z',
    bucketSeconds: 10,
    points: [{ at: '2026-12-04T16:00:00.000Z', checks: 1, up: 1, degraded: 0, down: 0, avgResponseTime: 100 }],
  };

  it('adds checks newer than the series to their epoch-aligned buckets, and ignores those it already holds', () => {
    const newestFirst = [
      check('2026-12-04T16:00:31.000Z', 'DOWN', 10_000),
      check('2026-12-04T16:00:08.000Z', 'UP', 300),
      check('2026-12-04T16:00:01.000Z', 'UP', 100),
    ];
    const t0 = Date.parse('2026-12-04T16:00:00Z') / 1000;
    expect(withLiveChecks(bucketsOf(series), 10, series.to, newestFirst)).toEqual([
      { at: t0, checks: 2, degraded: 0, down: 0, responseSum: 400 },
      { at: t0 + 30, checks: 1, degraded: 0, down: 1, responseSum: 0 },
    ]);
  });
});

describe('timeAxisLabels', () => {
  it('writes clock times in 24-hour form in both languages, with the date where a new day begins', () => {
    // Local midnight, whatever the machine's zone.
    const midnight = new Date(2026, 11, 5).getTime() / 1000;
    const splits = [midnight - 7200, midnight - 3600 + 300, midnight, midnight + 13 * 3600];
    expect(timeAxisLabels('ko', splits, 3600)).toEqual(['22:00', '23:05', '00:00\n12월 5일', '13:00']);
    expect(timeAxisLabels('en', splits, 3600)).toEqual(['22:00', '23:05', '00:00\nDec 5', '13:00']);
  });

  it('dates the first tick when it is the first of a new day the axis started before', () => {
    const midnight = new Date(2026, 11, 5).getTime() / 1000;
    const splits = [midnight, midnight + 6 * 3600, midnight + 12 * 3600];
    expect(timeAxisLabels('ko', splits, 6 * 3600, midnight - 2 * 3600)).toEqual(['00:00\n12월 5일', '06:00', '12:00']);
    expect(timeAxisLabels('en', splits, 6 * 3600, midnight)).toEqual(['00:00', '06:00', '12:00']);
  });

  it('writes dates alone when ticks are a day or more apart', () => {
    const days = [new Date(2026, 11, 3).getTime() / 1000, new Date(2026, 11, 4).getTime() / 1000];
    expect(timeAxisLabels('ko', days, 86_400)).toEqual(['12월 3일', '12월 4일']);
    expect(timeAxisLabels('en', days, 86_400)).toEqual(['Dec 3', 'Dec 4']);
  });
});
