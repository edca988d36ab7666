import { z } from 'zod';
import { ValidationError } from './errors.ts';

/**
 * The ranges GET /api/endpoints/:id/series answers for: how far back, and the narrowest bucket.
 * Up to 24 h the buckets come from raw check results; 7 d and 30 d from the hourly rollups (raw
 * results are kept for CHECK_RETENTION_DAYS only, which may be a single day).
 */
export const SERIES_RANGES = {
  '1h': { ms: 3_600_000, minBucketSeconds: 10, rollups: false },
  '6h': { ms: 6 * 3_600_000, minBucketSeconds: 60, rollups: false },
  '24h': { ms: 24 * 3_600_000, minBucketSeconds: 300, rollups: false },
  '7d': { ms: 7 * 86_400_000, minBucketSeconds: 3600, rollups: true },
  '30d': { ms: 30 * 86_400_000, minBucketSeconds: 3600, rollups: true },
} as const;

export type SeriesRangeName = keyof typeof SERIES_RANGES;
export const SERIES_RANGE_NAMES = Object.keys(SERIES_RANGES) as SeriesRangeName[];
export const DEFAULT_SERIES_RANGE: SeriesRangeName = '24h';

const SeriesQuery = z.object({
  range: z
    .enum(SERIES_RANGE_NAMES as [SeriesRangeName, ...SeriesRangeName[]], { error: `must be one of ${SERIES_RANGE_NAMES.join(', ')}` })
    .default(DEFAULT_SERIES_RANGE),
});

/** The query schema, for the OpenAPI document. */
export const SERIES_QUERY_SCHEMA = SeriesQuery;

export function parseSeriesQuery(raw: Record<string, string>): { range: SeriesRangeName } {
  const result = SeriesQuery.safeParse(raw);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}

/**
 * How many seconds one point of the series sums up: the range's narrowest bucket, widened to the
 * check interval (a bucket narrower than the interval would be empty every other time and read as
 * gaps), in whole hours where the rollups are the source.
 * @example bucketSeconds('1h', 60) // 60; bucketSeconds('7d', 60) // 3600; bucketSeconds('30d', 5400) // 7200
 */
export function bucketSeconds(range: SeriesRangeName, intervalSeconds: number): number {
  const spec = SERIES_RANGES[range];
  const wanted = Math.max(spec.minBucketSeconds, intervalSeconds);
  return spec.rollups ? Math.ceil(wanted / 3600) * 3600 : wanted;
}
