import { eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { endpoints, retentionState } from '../../../db/schema/index.ts';
import type { ResponseSeries, SeriesPoint } from '../../contract/types.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { bucketSeconds, parseSeriesQuery, SERIES_RANGES } from '../../domain/series-query.ts';
import type { ServiceContext } from '../context.ts';
import { assertEndpointId } from '../endpoints/get.ts';
import { floorHour } from '../retention/hours.ts';
import { rawResultsFrom, timestamptz } from './rollup-watermark.ts';

interface BucketRow {
  at: number | string;
  checks: number | string;
  up: number | string;
  degraded: number | string;
  down: number | string;
  response_time_sum: number | string;
}

/**
 * An endpoint's response time and statuses over a range (1 h … 30 d), one point per time bucket
 * that had checks. Buckets are aligned on the Unix epoch, so the same bucket reads the same
 * whichever source it comes from.
 *
 * Up to 24 h the source is the raw results in (now − range, now]. For 7 d and 30 d it is, as for
 * uptime, two parts that never overlap:
 * 1. hourly rollups from the first hour of the range to the rollup watermark W;
 * 2. raw results from W (or that first hour, before the first rollup run) to now.
 * Checks made in maintenance windows are left out, as uptime leaves them out.
 */
export async function getResponseSeries(
  ctx: Pick<ServiceContext, 'db'>,
  endpointId: string,
  rawQuery: Record<string, string>,
  now = new Date(),
): Promise<ResponseSeries> {
  assertEndpointId(endpointId);
  const { range } = parseSeriesQuery(rawQuery);
  const [endpoint] = await ctx.db
    .select({ rolledUpTo: retentionState.rolledUpTo })
    .from(endpoints)
    .leftJoin(retentionState, sql`true`)
    .where(eq(endpoints.id, endpointId));
  if (!endpoint) throw new NotFoundError('Endpoint', endpointId);

  const spec = SERIES_RANGES[range];
  const bucket = bucketSeconds(range);
  const from = new Date(now.getTime() - spec.ms);
  const parts: SQL[] = [];
  if (spec.rollups) {
    const firstHour = floorHour(from);
    const rawFrom = rawResultsFrom(endpoint.rolledUpTo, firstHour, now);
    if (rawFrom > firstHour) parts.push(rollupBuckets(endpointId, bucket, firstHour, rawFrom));
    parts.push(rawBuckets(endpointId, bucket, sql`checked_at >= ${timestamptz(rawFrom)}`, now));
  } else {
    parts.push(rawBuckets(endpointId, bucket, sql`checked_at > ${timestamptz(from)}`, now));
  }

  const result = await ctx.db.execute(sql`
    select (extract(epoch from at) * 1000)::float8 as at, sum(checks)::float8 as checks, sum(up)::float8 as up,
      sum(degraded)::float8 as degraded, sum(down)::float8 as down, sum(response_time_sum)::float8 as response_time_sum
    from (${sql.join(parts, sql` union all `)}) as parts
    group by at
    order by at`);
  return {
    range,
    from: from.toISOString(),
    to: now.toISOString(),
    bucketSeconds: bucket,
    points: rowsOf<BucketRow>(result).map(toPoint),
  };
}

function toPoint(row: BucketRow): SeriesPoint {
  const checks = Number(row.checks);
  const down = Number(row.down);
  const answered = checks - down;
  return {
    at: new Date(Number(row.at)).toISOString(),
    checks,
    up: Number(row.up),
    degraded: Number(row.degraded),
    down,
    avgResponseTime: answered === 0 ? null : Math.round(Number(row.response_time_sum) / answered),
  };
}

/** The start of the bucket `column` falls in (`seconds` is a computed whole number, never input). */
const binned = (seconds: number, column: string) =>
  sql.raw(`date_bin(interval '${Math.trunc(seconds)} seconds', ${column}, timestamptz '1970-01-01 00:00:00+00')`);

function rawBuckets(endpointId: string, seconds: number, since: SQL, now: Date): SQL {
  return sql`
    select ${binned(seconds, 'checked_at')} as at, count(*) as checks,
      count(*) filter (where status = 'UP') as up, count(*) filter (where status = 'DEGRADED') as degraded,
      count(*) filter (where status = 'DOWN') as down,
      coalesce(sum(response_time) filter (where status <> 'DOWN'), 0) as response_time_sum
    from check_results
    where endpoint_id = ${endpointId}::uuid and ${since} and checked_at <= ${timestamptz(now)} and not maintenance
    group by 1`;
}

function rollupBuckets(endpointId: string, seconds: number, from: Date, to: Date): SQL {
  return sql`
    select ${binned(seconds, 'hour')} as at, sum(checks) as checks, sum(up) as up, sum(degraded) as degraded,
      sum(down) as down, sum(response_time_sum) as response_time_sum
    from check_rollups_hourly
    where endpoint_id = ${endpointId}::uuid and hour >= ${timestamptz(from)} and hour < ${timestamptz(to)}
    group by 1`;
}
