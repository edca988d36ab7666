import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { rowsOf } from '../../../db/client.ts';
import { underRetentionLock } from './retention-lock.ts';

/**
 * Deletes at most `limit` hourly rollups of hours before `cutoff`, in one short transaction, found
 * endpoint by endpoint through the (endpoint_id, hour) key. Fewer than `limit` means none is left.
 * Resolves with the number deleted, or undefined when another instance holds the retention lock.
 */
export async function deleteRollupsBatch(db: Database, cutoff: Date, limit: number): Promise<number | undefined> {
  return underRetentionLock(db, async (tx) => {
    const result = await tx.execute(sql`
      with deleted as (
        delete from check_rollups_hourly where ctid = any(array(
          select r.ctid from endpoints e cross join lateral (
            select ctid from check_rollups_hourly where endpoint_id = e.id and hour < ${cutoff.toISOString()}::timestamptz
            limit ${limit}::int
          ) r
          limit ${limit}::int))
        returning 1)
      select count(*)::int as count from deleted`);
    return rowsOf<{ count: number }>(result)[0]?.count ?? 0;
  });
}
