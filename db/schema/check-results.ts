import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CertificateSummary, FailedAssertion } from '../../server/contract/types.ts';
import { endpoints } from './endpoints.ts';

export const checkResults = pgTable(
  'check_results',
  {
    id: uuid('id').primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    responseTime: integer('response_time').notNull(),
    statusCode: integer('status_code'),
    errorMessage: text('error_message'),
    /** Null when none failed (most checks): nothing is stored for them. */
    failedAssertions: jsonb('failed_assertions').$type<FailedAssertion[]>(),
    bodyExcerpt: text('body_excerpt'),
    /** `tls` checks only: the certificate they were shown. */
    certificate: jsonb('certificate').$type<CertificateSummary>(),
    /** Made in a maintenance window: uptime, rollups and series leave it out. */
    maintenance: boolean('maintenance').notNull().default(false),
    checkedAt: timestamp('checked_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('check_results_endpoint_checked_idx').on(t.endpointId, t.checkedAt.desc(), t.id.desc())],
);

export type CheckResultRow = typeof checkResults.$inferSelect;
