import { sql } from 'drizzle-orm';
import { check, pgTable, smallint, timestamp } from 'drizzle-orm/pg-core';

const ms = { withTimezone: true, precision: 3 } as const;

/**
 * The one row that says how far check results are summarised and pruned. Every hour before
 * `rolledUpTo` has its rollups; raw results before `rawPrunedBefore` (null: none yet) may be gone.
 * rawPrunedBefore <= rolledUpTo, always.
 */
export const retentionState = pgTable(
  'retention_state',
  {
    id: smallint('id').primaryKey().default(1),
    rolledUpTo: timestamp('rolled_up_to', ms).notNull(),
    rawPrunedBefore: timestamp('raw_pruned_before', ms),
  },
  (t) => [check('retention_state_single_row', sql`${t.id} = 1`), check('retention_state_pruned_after_rolled_up', sql`${t.rawPrunedBefore} <= ${t.rolledUpTo}`)],
);

export type RetentionStateRow = typeof retentionState.$inferSelect;
