import type { Check, ResponseSeries } from '../../../server/contract/types.ts';

/** One time bucket of the chart, times in seconds (uPlot's unit). */
export interface ChartBucket {
  at: number;
  checks: number;
  degraded: number;
  down: number;
  /** Sum of the response times of the checks that were not DOWN. */
  responseSum: number;
}

/** The columns uPlot draws, index-aligned; a null response time breaks the line. */
export interface ChartColumns {
  xs: number[];
  response: (number | null)[];
  /** The response time again where the bucket had DEGRADED checks (drawn as marks), else null. */
  degraded: (number | null)[];
  checks: (number | null)[];
  down: (number | null)[];
}

export const CHART_RANGES_MS = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

export function bucketsOf(series: ResponseSeries): ChartBucket[] {
  return series.points.map((p) => ({
    at: Date.parse(p.at) / 1000,
    checks: p.checks,
    degraded: p.degraded,
    down: p.down,
    responseSum: p.avgResponseTime === null ? 0 : p.avgResponseTime * (p.checks - p.down),
  }));
}

/**
 * The series with the checks that arrived after it was read (`newestFirst`, as the page keeps them)
 * folded into their buckets: epoch-aligned like the server's, so a check lands where a reload would put it.
 */
export function withLiveChecks(buckets: ChartBucket[], bucketSeconds: number, seriesTo: string, newestFirst: readonly Check[]): ChartBucket[] {
  const fresh: Check[] = [];
  for (const check of newestFirst) {
    if (check.checkedAt <= seriesTo) break;
    // The series leaves checks made in a maintenance window out; so do the live ones (maintenanceBands shows them).
    if (!check.maintenance) fresh.push(check);
  }
  if (fresh.length === 0) return buckets;
  const out = buckets.slice();
  for (let i = fresh.length - 1; i >= 0; i--) {
    const check = fresh[i]!;
    const at = Math.floor(Date.parse(check.checkedAt) / 1000 / bucketSeconds) * bucketSeconds;
    const last = out.at(-1);
    const down = check.status === 'DOWN';
    const added = { checks: 1, degraded: check.status === 'DEGRADED' ? 1 : 0, down: down ? 1 : 0, responseSum: down ? 0 : check.responseTime };
    if (last && last.at === at) {
      out[out.length - 1] = {
        at,
        checks: last.checks + added.checks,
        degraded: last.degraded + added.degraded,
        down: last.down + added.down,
        responseSum: last.responseSum + added.responseSum,
      };
    } else if (!last || last.at < at) {
      out.push({ at, ...added });
    }
  }
  return out;
}

/**
 * uPlot's columns. Where buckets are further apart than `gapSeconds` there were no checks: a null
 * is put in between so that the line breaks rather than drawing a slope across the silence.
 */
export function chartColumns(buckets: readonly ChartBucket[], bucketSeconds: number, gapSeconds: number): ChartColumns {
  const columns: ChartColumns = { xs: [], response: [], degraded: [], checks: [], down: [] };
  let previous: ChartBucket | undefined;
  for (const b of buckets) {
    if (previous && b.at - previous.at > gapSeconds) push(columns, previous.at + bucketSeconds, null, null, null, null);
    const answered = b.checks - b.down;
    const response = answered > 0 ? Math.round(b.responseSum / answered) : null;
    push(columns, b.at, response, b.degraded > 0 ? response : null, b.checks, b.down);
    previous = b;
  }
  return columns;
}

function push(c: ChartColumns, x: number, response: number | null, degraded: number | null, checks: number | null, down: number | null) {
  c.xs.push(x);
  c.response.push(response);
  c.degraded.push(degraded);
  c.checks.push(checks);
  c.down.push(down);
}

/** The stretches [start, end) in seconds that had DOWN checks, neighbouring buckets merged. */
export function downBands(buckets: readonly ChartBucket[], bucketSeconds: number): [number, number][] {
  const bands: [number, number][] = [];
  for (const b of buckets) {
    if (b.down === 0) continue;
    const last = bands.at(-1);
    if (last && b.at <= last[1]) last[1] = b.at + bucketSeconds;
    else bands.push([b.at, b.at + bucketSeconds]);
  }
  return bands;
}

/** The silence after which the line breaks: about two intervals (a bucket is at least one). */
export function gapSecondsFor(bucketSeconds: number, intervalSeconds: number): number {
  return 2 * Math.max(bucketSeconds, intervalSeconds);
}

/**
 * The stretches [start, end) in seconds where checks were made in a maintenance window (`newestFirst`,
 * as the page keeps them): from the first such check of a run to the check after it (the last one
 * itself when the run goes on), so that a period reads as one band.
 */
export function maintenanceBands(newestFirst: readonly Pick<Check, 'checkedAt' | 'maintenance'>[]): [number, number][] {
  const bands: [number, number][] = [];
  let open: [number, number] | null = null;
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const check = newestFirst[i]!;
    const at = Date.parse(check.checkedAt) / 1000;
    if (check.maintenance) {
      if (open) open[1] = at;
      else bands.push((open = [at, at]));
    } else if (open) {
      open[1] = at;
      open = null;
    }
  }
  return bands;
}
