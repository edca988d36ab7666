import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { pgArray } from '../../db/pg-array.ts';
import type { Summary } from '../contract/types.ts';
import type { ServiceContext } from './context.ts';

/**
 * Counts per status, paused endpoints and open incidents, in one query. A paused endpoint counts
 * as paused only, whatever its last status (the dashboard's rule too), and one in a maintenance
 * window as maintenance only: up + down + degraded + pending + maintenance + paused = total.
 */
export async function getSummary(ctx: ServiceContext): Promise<Summary> {
  const covered = sql`id = any(${pgArray(ctx.calendar.coveredIds(ctx.registry.values(), new Date()))}::uuid[])`;
  const counted = sql`not paused and not ${covered}`;
  const result = await ctx.db.execute(sql`
    select
      count(*)::int as total,
      count(*) filter (where status = 'UP' and ${counted})::int as up,
      count(*) filter (where status = 'DOWN' and ${counted})::int as down,
      count(*) filter (where status = 'DEGRADED' and ${counted})::int as degraded,
      count(*) filter (where status = 'PENDING' and ${counted})::int as pending,
      count(*) filter (where not paused and ${covered})::int as maintenance,
      count(*) filter (where paused)::int as paused,
      (select count(*) from incidents where resolved_at is null)::int as "openIncidents"
    from endpoints`);
  const row = rowsOf<Record<keyof Summary, number | string>>(result)[0];
  const n = (key: keyof Summary) => Number(row?.[key] ?? 0);
  return {
    total: n('total'),
    up: n('up'),
    down: n('down'),
    degraded: n('degraded'),
    pending: n('pending'),
    maintenance: n('maintenance'),
    paused: n('paused'),
    openIncidents: n('openIncidents'),
  };
}
