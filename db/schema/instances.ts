import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { endpoints } from './endpoints.ts';

const ms = { withTimezone: true, precision: 3 } as const;

/** Vigil processes sharing one PostgreSQL: alive while their heartbeat is fresh. */
export const instances = pgTable('vigil_instances', {
  id: text('id').primaryKey(),
  startedAt: timestamp('started_at', ms).notNull(),
  heartbeatAt: timestamp('heartbeat_at', ms).notNull(),
});

/**
 * Which instance checks which endpoint. A lease is valid while its instance is alive; an endpoint
 * without a valid lease is free to claim, so a crashed instance's endpoints are taken over.
 */
export const endpointLeases = pgTable(
  'endpoint_leases',
  {
    endpointId: uuid('endpoint_id')
      .primaryKey()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    instanceId: text('instance_id'),
    claimedAt: timestamp('claimed_at', ms).notNull(),
  },
  (t) => [index('endpoint_leases_instance_idx').on(t.instanceId)],
);
