import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../../../db/client.ts';
import { retentionState } from '../../../db/schema/index.ts';
import type { UptimeCounts } from '../../contract/types.ts';
import { floorHour, HOUR_MS } from '../retention/hours.ts';
import { rawResultsFrom, timestamptz } from './rollup-watermark.ts';

export interface AllUptime24h {
  /** Where every window starts: the start of the UTC hour 23 hours before the current one. */
  since: Date;
  byEndpoint: Record<string, UptimeCounts>;
}

interface Row {
  endpoint_id: string;
  checks: number | string;
  up: number | string;
  through: Date | string | null;
}

/**
 * Every endpoint's checks over the last 24 hours, for the dashboard's 2,000 cards in one query.
 * The window starts on an hour boundary (23 to 24 hours long), so that it is made of:
 * 1. hourly rollups from `since` to the rollup watermark W, read through their (endpoint_id, hour) key;
 * 2. raw results from W (or `since`, if later) to now, through (endpoint_id, checked_at).
 * No partial first hour of raw results: that part alone would read up to an hour of every endpoint's
 * results. A check counts as up unless it is DOWN, as in GET /api/endpoints/:id/uptime; checks in
 * maintenance windows are left out (rollups hold none).
 * `through` is the newest raw result counted: a client adds only newer checks to the counts.
 */
export async function uptime24hOfAll(db: Database, now = new Date()): Promise<AllUptime24h> {
  const since = new Date(floorHour(now).getTime() - 23 * HOUR_MS);
  const [state] = await db.select({ rolledUpTo: retentionState.rolledUpTo }).from(retentionState);
  const rawFrom = rawResultsFrom(state?.rolledUpTo ?? null, since, now);

  const parts: SQL[] = [];
  if (rawFrom > since) {
    parts.push(sql`left join lateral (
      select sum(r.checks) as checks, sum(r.checks - r.down) as up from check_rollups_hourly r
      where r.endpoint_id = e.id and r.hour >= ${timestamptz(since)} and r.hour < ${timestamptz(rawFrom)}) as rolled on true`);
  }
  parts.push(sql`left join lateral (
    select count(*) filter (where not c.maintenance) as checks, count(*) filter (where c.status <> 'DOWN' and not c.maintenance) as up,
      max(c.checked_at) as through from check_results c
    where c.endpoint_id = e.id and c.checked_at >= ${timestamptz(rawFrom)} and c.checked_at <= ${timestamptz(now)}) as raw on true`);
  const rolled = rawFrom > since ? sql`coalesce(rolled.checks, 0)` : sql`0`;
  const rolledUp = rawFrom > since ? sql`coalesce(rolled.up, 0)` : sql`0`;

  const result = await db.execute(sql`
    select e.id as endpoint_id, (${rolled} + raw.checks)::float8 as checks, (${rolledUp} + raw.up)::float8 as up, raw.through
    from endpoints e ${sql.join(parts, sql` `)}`);
  const byEndpoint: Record<string, UptimeCounts> = {};
  for (const row of rowsOf<Row>(result)) {
    const through = row.through === null ? null : new Date(row.through).toISOString();
    byEndpoint[row.endpoint_id] = { checks: Number(row.checks), up: Number(row.up), through };
  }
  return { since, byEndpoint };
}
