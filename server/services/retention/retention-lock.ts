import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { rowsOf } from '../../../db/client.ts';

/** Arbitrary, fixed: the advisory lock that every Vigil instance on one database takes for retention work. */
const RETENTION_LOCK_KEY = 0x56_49_47_49_4c_52; // "VIGILR"

/**
 * Runs `work` in a transaction holding the retention lock, so that several instances sharing one
 * PostgreSQL never roll up or prune at the same time. Resolves with `work`'s value, or undefined
 * (without running it) when another instance holds the lock. The lock ends with the transaction.
 */
export async function underRetentionLock<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    const [row] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}::int8) as locked`));
    if (!row?.locked) return undefined;
    return work(tx);
  });
}
