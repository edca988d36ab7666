import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { toFieldErrors } from './zod-issues.ts';

/**
 * The ranges GET /api/endpoints/:id/series answers for: how far back, and the bucket size.
 * Up to 24 h the buckets come from raw check results; 7 d and 30 d from the hourly rollups (raw
 * results are kept for CHECK_RETENTION_DAYS only, which may be a single day).
 */
export const SERIES_RANGES = {
  '1h': { ms: 3_600_000, bucketSeconds: 10, rollups: false },
  '6h': { ms: 6 * 3_600_000, bucketSeconds: 60, rollups: false },
  '24h': { ms: 24 * 3_600_000, bucketSeconds: 300, rollups: false },
  '7d': { ms: 7 * 86_400_000, bucketSeconds: 3600, rollups: true },
  '30d': { ms: 30 * 86_400_000, bucketSeconds: 3600, rollups: true },
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
  throw new ValidationError(result.error.issues.flatMap(toFieldErrors));
}

/**
 * How many seconds one point of the series sums up. Not widened to the check interval: only
 * buckets with checks are answered, so a sparse endpoint's checks stay where they happened and a
 * client joins points up to about two intervals apart.
 * @example bucketSeconds('1h') // 10; bucketSeconds('30d') // 3600
 */
export function bucketSeconds(range: SeriesRangeName): number {
  return SERIES_RANGES[range].bucketSeconds;
}
