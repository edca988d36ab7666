import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { rowsOf } from '../../../db/client.ts';
import { retentionState } from '../../../db/schema/index.ts';
import { underRetentionLock } from './retention-lock.ts';

/**
 * Moves the prune horizon (retention_state.raw_pruned_before) to `retentionCutoff`, or to the
 * rollup watermark if that is earlier: raw results are never deleted before their hour is rolled
 * up. Recorded before any row goes, so that uptime knows which hours to take from rollups.
 * Resolves with the horizon (never earlier than before), or null when nothing is rolled up yet or
 * another instance is at it.
 */
export async function advanceRawPruneHorizon(db: Database, retentionCutoff: Date): Promise<Date | null> {
  const horizon = await underRetentionLock(db, async (tx) => {
    const cutoff = sql`least(${retentionCutoff.toISOString()}::timestamptz, ${retentionState.rolledUpTo})`;
    const [row] = await tx
      .update(retentionState)
      .set({ rawPrunedBefore: sql`greatest(${retentionState.rawPrunedBefore}, ${cutoff})` })
      .returning({ rawPrunedBefore: retentionState.rawPrunedBefore });
    return row?.rawPrunedBefore ?? null;
  });
  return horizon ?? null;
}

/**
 * Deletes at most `limit` raw check results taken in [from, to), in one short transaction, found
 * endpoint by endpoint through the (endpoint_id, checked_at) index. Fewer than `limit` means none
 * is left in that span. Resolves with the number deleted, or undefined when another instance holds
 * the retention lock.
 */
export async function deleteCheckResultsBatch(db: Database, from: Date, to: Date, limit: number): Promise<number | undefined> {
  return underRetentionLock(db, async (tx) => {
    const result = await tx.execute(sql`
      with deleted as (
        delete from check_results where ctid = any(array(
          select c.ctid from endpoints e cross join lateral (
            select ctid from check_results
            where endpoint_id = e.id and checked_at >= ${from.toISOString()}::timestamptz and checked_at < ${to.toISOString()}::timestamptz
            limit ${limit}::int
          ) c
          limit ${limit}::int))
        returning 1)
      select count(*)::int as count from deleted`);
    return rowsOf<{ count: number }>(result)[0]?.count ?? 0;
  });
}
