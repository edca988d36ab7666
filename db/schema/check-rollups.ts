import { bigint, integer, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { endpoints } from './endpoints.ts';

/**
 * One row per endpoint and UTC hour that had checks: what uptime and response-time figures need
 * once the raw check results of that hour are pruned. checks = up + degraded + down.
 */
export const checkRollupsHourly = pgTable(
  'check_rollups_hourly',
  {
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    /** The start of the hour, on a UTC hour boundary. */
    hour: timestamp('hour', { withTimezone: true, precision: 3 }).notNull(),
    checks: integer('checks').notNull(),
    up: integer('up').notNull(),
    degraded: integer('degraded').notNull(),
    down: integer('down').notNull(),
    /** Sum of the response times of the checks that were not DOWN (those averaged by uptime). */
    responseTimeSum: bigint('response_time_sum', { mode: 'number' }).notNull(),
  },
  // Retention walks the endpoints and each one's oldest hours through this key: no index on hour alone.
  (t) => [primaryKey({ columns: [t.endpointId, t.hour] })],
);

export type CheckRollupRow = typeof checkRollupsHourly.$inferSelect;
