import { and, eq, gte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { checkResults, endpoints } from '../../../db/schema/index.ts';

/**
 * When the oldest raw check result (taken at `since` or later) was taken; null: none. Asked of each
 * endpoint through its (endpoint_id, checked_at) index — a probe per endpoint, not a scan of every result.
 */
export async function oldestCheckResult(db: Database, since?: Date): Promise<Date | null> {
  const oldestOfEach = db
    .select({ checkedAt: checkResults.checkedAt })
    .from(checkResults)
    .where(and(eq(checkResults.endpointId, endpoints.id), since ? gte(checkResults.checkedAt, since) : undefined))
    // The index runs checked_at DESC NULLS LAST: read backwards it gives ASC NULLS FIRST, and only
    // that exact order lets the planner take its first entry instead of sorting them all.
    .orderBy(sql`${checkResults.checkedAt} asc nulls first`)
    .limit(1)
    .as('oldest_of_each');
  const [row] = await db
    .select({ oldest: sql<Date | null>`min(${oldestOfEach.checkedAt})`.mapWith(checkResults.checkedAt) })
    .from(endpoints)
    .innerJoinLateral(oldestOfEach, sql`true`);
  return row?.oldest ?? null;
}
