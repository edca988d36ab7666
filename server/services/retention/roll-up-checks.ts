import { eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { rowsOf } from '../../../db/client.ts';
import { pgArray } from '../../../db/pg-array.ts';
import { endpoints, retentionState } from '../../../db/schema/index.ts';
import { floorHour, HOUR_MS } from './hours.ts';
import { oldestCheckResult } from './oldest-check-result.ts';
import { underRetentionLock } from './retention-lock.ts';

export interface RollUpOptions {
  now: Date;
  /** How long after an hour ends its results may still be arriving (a check is stamped when it starts). */
  graceMs: number;
  /** Most hours summarised in one transaction. */
  maxHours: number;
  /** Most endpoints summarised in one transaction (default: all). */
  maxEndpoints?: number;
  /** Continues a range left incomplete by the previous call (its `next`). */
  resume?: RollUpResume | null;
}

/** Where an incomplete range carries on: the same hours, the endpoints after `afterEndpointId`. */
export interface RollUpResume {
  from: Date;
  to: Date;
  afterEndpointId: string;
}

export interface RolledUp {
  from: Date;
  to: Date;
  /** Raw results summarised. */
  rows: number;
  /** Endpoints summarised, and how many there are in all. */
  endpoints: number;
  totalEndpoints: number;
  /** Every endpoint done: the watermark moved to `to`. Otherwise, pass `next` as `resume`. */
  complete: boolean;
  next: RollUpResume | null;
}

/**
 * Summarises the next completed hours into check_rollups_hourly, in one transaction:
 * 1. the watermark W (retention_state.rolled_up_to) is read — on the first run it is set to the
 *    hour of the oldest result, or the last completed hour;
 * 2. hours [W, min(W + maxHours, last completed hour)) are recomputed from the raw results of the
 *    next `maxEndpoints` endpoints (in id order), each through its (endpoint_id, checked_at) index,
 *    leaving out checks made in maintenance windows (uptime never counts them);
 *    an upsert, so redoing an hour gives the same rows;
 * 3. once the last endpoint is done, W moves to the end of the range (or, if it held no results,
 *    to the hour of the next result).
 * Uptime reads rollups only below W, so a range half done is never counted twice or half.
 * Resolves with what was done, or null when there is nothing to do or another instance is at it.
 */
export async function rollUpNextHours(db: Database, options: RollUpOptions): Promise<RolledUp | null> {
  const horizon = floorHour(new Date(options.now.getTime() - options.graceMs));
  const done = await underRetentionLock(db, async (tx) => {
    const from = (await readWatermark(tx)) ?? (await startWatermark(tx, horizon));
    if (from >= horizon) return null;
    // A resume is void if another instance moved the watermark meanwhile.
    const resume = options.resume && options.resume.from.getTime() === from.getTime() ? options.resume : null;
    let to = resume?.to ?? new Date(Math.min(from.getTime() + options.maxHours * HOUR_MS, horizon.getTime()));
    const limit = options.maxEndpoints ?? 1_000_000;
    const next = await tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(resume ? gt(endpoints.id, resume.afterEndpointId) : undefined)
      .orderBy(endpoints.id)
      .limit(limit + 1);
    const ids = next.map((e) => e.id);
    const chunk = ids.slice(0, limit);
    const complete = ids.length <= limit;
    let rows = 0;
    if (chunk.length > 0) {
      const inserted = await tx.execute(sql`
        insert into check_rollups_hourly (endpoint_id, hour, checks, up, degraded, down, response_time_sum)
        select e.id, date_trunc('hour', c.checked_at, 'UTC'), count(*),
          count(*) filter (where c.status = 'UP'), count(*) filter (where c.status = 'DEGRADED'),
          count(*) filter (where c.status = 'DOWN'), coalesce(sum(c.response_time) filter (where c.status <> 'DOWN'), 0)
        from unnest(${pgArray(chunk)}::uuid[]) as e(id) cross join lateral (
          select checked_at, status, response_time from check_results
          where endpoint_id = e.id and checked_at >= ${from.toISOString()}::timestamptz and checked_at < ${to.toISOString()}::timestamptz
            and not maintenance
        ) c
        group by 1, 2
        on conflict (endpoint_id, hour) do update set
          checks = excluded.checks, up = excluded.up, degraded = excluded.degraded, down = excluded.down,
          response_time_sum = excluded.response_time_sum
        returning checks`);
      rows = rowsOf<{ checks: number }>(inserted).reduce((sum, r) => sum + r.checks, 0);
    }
    if (complete && !resume && rows === 0) {
      // Nothing in these hours: skip the empty stretch after them too (rollups exist only for hours with checks).
      const next = await oldestCheckResult(tx, to);
      const nextHour = next && floorHour(next) < horizon ? floorHour(next) : horizon;
      if (nextHour > to) to = nextHour;
    }
    if (complete) await tx.update(retentionState).set({ rolledUpTo: to }).where(eq(retentionState.id, 1));
    return {
      from,
      to,
      rows,
      endpoints: chunk.length,
      totalEndpoints: resume || !complete ? await tx.$count(endpoints) : ids.length,
      complete,
      next: complete ? null : { from, to, afterEndpointId: chunk.at(-1)! },
    };
  });
  return done ?? null;
}

async function readWatermark(tx: Database): Promise<Date | null> {
  const [state] = await tx.select({ rolledUpTo: retentionState.rolledUpTo }).from(retentionState);
  return state?.rolledUpTo ?? null;
}

/** The first watermark: the hour of the oldest result kept, or the horizon if that is earlier. */
async function startWatermark(tx: Database, horizon: Date): Promise<Date> {
  const oldest = await oldestCheckResult(tx);
  const start = oldest && floorHour(oldest) < horizon ? floorHour(oldest) : horizon;
  await tx.insert(retentionState).values({ id: 1, rolledUpTo: start }).onConflictDoNothing();
  return start;
}
