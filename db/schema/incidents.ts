import { isNull } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { endpoints } from './endpoints.ts';

const ms = { withTimezone: true, precision: 3 } as const;

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', ms).notNull(),
    resolvedAt: timestamp('resolved_at', ms),
    failureCount: integer('failure_count').notNull(),
    errorMessage: text('error_message'),
    /** The parent it is blamed on, as it was when it opened (kept as written: the parent may go). */
    causedByEndpointId: uuid('caused_by_endpoint_id'),
    causedByEndpointName: text('caused_by_endpoint_name'),
    causedByIncidentId: uuid('caused_by_incident_id'),
  },
  (t) => [
    // The database itself guarantees at most one open incident per endpoint.
    uniqueIndex('incidents_one_open_per_endpoint').on(t.endpointId).where(isNull(t.resolvedAt)),
    index('incidents_started_at_id_idx').on(t.startedAt.desc(), t.id.desc()),
    index('incidents_endpoint_idx').on(t.endpointId, t.startedAt.desc()),
  ],
);

export type IncidentRow = typeof incidents.$inferSelect;
