import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Maintenance windows (docs/maintenance-windows.md); every instance keeps them all in memory. */
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** 'once' or 'recurring'. */
    kind: text('kind').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true, precision: 3 }),
    endsAt: timestamp('ends_at', { withTimezone: true, precision: 3 }),
    cron: text('cron'),
    durationMinutes: integer('duration_minutes'),
    timezone: text('timezone'),
    allEndpoints: boolean('all_endpoints').notNull().default(false),
    /** No foreign key (an array cannot have one): deleting an endpoint takes its id out here. */
    endpointIds: uuid('endpoint_ids').array().notNull().default(sql`'{}'::uuid[]`),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('maintenance_windows_created_at_id_idx').on(t.createdAt, t.id)],
);

export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;
