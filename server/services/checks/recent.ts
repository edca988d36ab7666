import { asc, desc, eq, sql } from 'drizzle-orm';
import { checkResults, endpoints } from '../../../db/schema/index.ts';
import type { CheckStatus, RecentCheck, RecentChecks } from '../../contract/types.ts';
import { parseRecentChecksQuery } from '../../domain/list-queries.ts';
import type { ServiceContext } from '../context.ts';
import { descIndexed } from '../pagination.ts';
import { uptime24hOfAll } from './uptime-24h.ts';

/**
 * The newest `perEndpoint` checks of every endpoint, newest first, and each one's uptime counts
 * over 24 hours (see uptime24hOfAll). The checks come in one query: a LATERAL join
 * reads each endpoint's top rows straight from check_results_endpoint_checked_idx
 * (endpoint_id, checked_at desc, id desc) instead of ranking all of its history.
 */
export async function recentChecks(ctx: ServiceContext, rawQuery: Record<string, string>): Promise<RecentChecks> {
  const { perEndpoint } = parseRecentChecksQuery(rawQuery);
  const uptime = await uptime24hOfAll(ctx.db);
  const latest = ctx.db
    .select({
      id: checkResults.id,
      status: checkResults.status,
      responseTime: checkResults.responseTime,
      maintenance: checkResults.maintenance,
      checkedAt: checkResults.checkedAt,
    })
    .from(checkResults)
    .where(eq(checkResults.endpointId, endpoints.id))
    .orderBy(descIndexed(checkResults.checkedAt), descIndexed(checkResults.id))
    .limit(perEndpoint)
    .as('latest');
  const rows = await ctx.db
    .select({
      endpointId: endpoints.id,
      status: latest.status,
      responseTime: latest.responseTime,
      maintenance: latest.maintenance,
      checkedAt: latest.checkedAt,
    })
    .from(endpoints)
    .leftJoinLateral(latest, sql`true`)
    .orderBy(asc(endpoints.createdAt), asc(endpoints.id), desc(latest.checkedAt), desc(latest.id));

  const items: Record<string, RecentCheck[]> = {};
  for (const row of rows) {
    const list = (items[row.endpointId] ??= []);
    if (row.checkedAt === null) continue; // no check yet: the left join's one empty row
    list.push({
      status: row.status as CheckStatus,
      responseTime: row.responseTime!,
      maintenance: row.maintenance === true,
      checkedAt: row.checkedAt.toISOString(),
    });
  }
  return { items, uptime24hSince: uptime.since.toISOString(), uptime24h: uptime.byEndpoint };
}
