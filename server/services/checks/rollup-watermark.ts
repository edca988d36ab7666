import { sql } from 'drizzle-orm';
import { floorHour } from '../retention/hours.ts';

/** A time as a timestamptz constant in the SQL text: the planner sees the range (a joined value would hide it). */
export const timestamptz = (time: Date) => sql`${time.toISOString()}::timestamptz`;

/**
 * Where hourly rollups end and raw results take over, for a span whose rollups would start at
 * `rollupsFrom`: the rollup watermark W (retention_state.rolled_up_to), no later than the current
 * hour, or `rollupsFrom` itself before the first rollup run or while W is not past it.
 */
export function rawResultsFrom(rolledUpTo: Date | null, rollupsFrom: Date, now: Date): Date {
  if (!rolledUpTo) return rollupsFrom;
  const rollupsEnd = rolledUpTo < floorHour(now) ? rolledUpTo : floorHour(now);
  return rollupsEnd > rollupsFrom ? rollupsEnd : rollupsFrom;
}
