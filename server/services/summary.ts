import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import type { Summary } from '../contract/types.ts';
import type { ServiceContext } from './context.ts';

/**
 * Counts per status, paused endpoints and open incidents, in one query. A paused endpoint counts
 * as paused only, whatever its last status (the dashboard's rule too): up + down + degraded +
 * pending + paused = total.
 */
export async function getSummary(ctx: ServiceContext): Promise<Summary> {
  const result = await ctx.db.execute(sql`
    select
      count(*)::int as total,
      count(*) filter (where status = 'UP' and not paused)::int as up,
      count(*) filter (where status = 'DOWN' and not paused)::int as down,
      count(*) filter (where status = 'DEGRADED' and not paused)::int as degraded,
      count(*) filter (where status = 'PENDING' and not paused)::int as pending,
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
    paused: n('paused'),
    openIncidents: n('openIncidents'),
  };
}
