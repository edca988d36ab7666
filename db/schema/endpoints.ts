import { sql } from 'drizzle-orm';
import type { Assertion } from '../../server/contract/types.ts';
import { type AnyPgColumn, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// Millisecond precision everywhere: timestamps round-trip through JavaScript Dates and cursors.
const ms = { withTimezone: true, precision: 3 } as const;

export const endpoints = pgTable(
  'endpoints',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    type: text('type').notNull().default('http'),
    url: text('url').notNull(),
    method: text('method').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    secretHeaders: text('secret_headers').array().notNull().default(sql`'{}'::text[]`),
    body: text('body'),
    intervalSeconds: integer('interval_seconds').notNull(),
    retryIntervalSeconds: integer('retry_interval_seconds'),
    timeoutMs: integer('timeout_ms').notNull(),
    expectedStatusCodes: text('expected_status_codes').array().notNull(),
    degradedThresholdMs: integer('degraded_threshold_ms').notNull(),
    certificateWarningDays: integer('certificate_warning_days').default(14),
    graceSeconds: integer('grace_seconds').notNull().default(60),
    cron: text('cron'),
    timezone: text('timezone'),
    failureThreshold: integer('failure_threshold').notNull(),
    recoveryThreshold: integer('recovery_threshold').notNull().default(1),
    /** Percent, e.g. 99.9 (null: none); reports count the error budget from it. */
    slaTarget: doublePrecision('sla_target'),
    assertions: jsonb('assertions').$type<Assertion[]>().notNull().default(sql`'[]'::jsonb`),
    paused: boolean('paused').notNull().default(false),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').notNull().default('PENDING'),
    lastCheckedAt: timestamp('last_checked_at', ms),
    lastResponseTime: integer('last_response_time'),
    lastStatusCode: integer('last_status_code'),
    lastErrorMessage: text('last_error_message'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    certificateExpiresAt: timestamp('certificate_expires_at', ms),
    /** push: the last ping (success or failure). */
    lastPingAt: timestamp('last_ping_at', ms),
    /** The endpoint this one depends on; deleting it leaves this one without a parent. */
    parentId: uuid('parent_id').references((): AnyPgColumn => endpoints.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', ms).notNull(),
    updatedAt: timestamp('updated_at', ms).notNull(),
  },
  (t) => [
    index('endpoints_created_at_id_idx').on(t.createdAt, t.id),
    index('endpoints_status_idx').on(t.status),
    index('endpoints_tags_idx').using('gin', t.tags),
    // Deleting an endpoint finds the endpoints depending on it (their parent becomes null).
    index('endpoints_parent_idx').on(t.parentId),
    // A push endpoint is found by its token, which must lead to one endpoint only.
    uniqueIndex('endpoints_push_url_idx').on(t.url).where(sql`${t.type} = 'push'`),
  ],
);

export type EndpointRow = typeof endpoints.$inferSelect;
