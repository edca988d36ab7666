import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { Uptime, UptimeWindow } from '../../contract/types.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';

const WINDOWS = { '24h': 1, '7d': 7, '30d': 30 } as const;

/**
 * Uptime over the last 24 hours, 7 and 30 days, computed by the database in one indexed scan.
 * A check counts as up unless it is DOWN (DEGRADED answered, slowly); the average response time
 * is over the checks that answered as expected (UP or DEGRADED).
 */
export async function getUptime(ctx: ServiceContext, endpointId: string, now = new Date()): Promise<Uptime> {
  await findEndpointRow(ctx.db, endpointId);
  const since = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const columns = Object.entries(WINDOWS).map(([key, days]) => {
    const inWindow = sql`checked_at > ${since(days)}::timestamptz`;
    return sql`count(*) filter (where ${inWindow})::int as "${sql.raw(key)}_checks",
      count(*) filter (where ${inWindow} and status <> 'DOWN')::int as "${sql.raw(key)}_up",
      avg(response_time) filter (where ${inWindow} and status <> 'DOWN')::float8 as "${sql.raw(key)}_avg"`;
  });
  const result = await ctx.db.execute(sql`
    select ${sql.join(columns, sql`, `)}
    from check_results
    where endpoint_id = ${endpointId}::uuid and checked_at > ${since(30)}::timestamptz and checked_at <= ${now.toISOString()}::timestamptz`);
  const row = rowsOf<Record<string, number | string | null>>(result)[0] ?? {};
  const windowOf = (key: string): UptimeWindow => {
    const checks = Number(row[`${key}_checks`] ?? 0);
    const up = Number(row[`${key}_up`] ?? 0);
    const avg = row[`${key}_avg`];
    return {
      uptime: checks === 0 ? null : Math.round((up / checks) * 100_000) / 1000,
      checks,
      avgResponseTime: avg === null || avg === undefined ? null : Math.round(Number(avg)),
    };
  };
  return { '24h': windowOf('24h'), '7d': windowOf('7d'), '30d': windowOf('30d') };
}
