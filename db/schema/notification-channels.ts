import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ms = { withTimezone: true, precision: 3 } as const;

/** Notification channels (docs/notifications.md); every instance keeps them all in memory. */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    language: text('language').notNull().default('en'),
    /** The type's settings, secrets included (reads replace them with the marker). */
    config: jsonb('config').$type<Record<string, string | number | boolean | null>>().notNull(),
    events: text('events').array().notNull(),
    allEndpoints: boolean('all_endpoints').notNull().default(false),
    /** No foreign key (an array cannot have one): deleting an endpoint takes its id out here. */
    endpointIds: uuid('endpoint_ids').array().notNull().default(sql`'{}'::uuid[]`),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    reminderEveryMinutes: integer('reminder_every_minutes'),
    reminderMax: integer('reminder_max'),
    groupSeconds: integer('group_seconds').notNull().default(5),
    /** Defined by settings (WEBHOOK_URL): written at start, read-only over the API. */
    fromSettings: boolean('from_settings').notNull().default(false),
    createdAt: timestamp('created_at', ms).notNull(),
    updatedAt: timestamp('updated_at', ms).notNull(),
  },
  (t) => [index('notification_channels_created_at_id_idx').on(t.createdAt, t.id)],
);

/**
 * The outbox: every notification to send, written in the same transaction as the state change
 * that caused it, kept until delivered (or given up). Claimed by one instance at a time.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey(),
    /** No foreign key, so that a channel deleted meanwhile never fails a batch of check results: its rows are skipped, then pruned. */
    channelId: uuid('channel_id').notNull(),
    event: text('event').notNull(),
    /** No foreign key: the notification outlives a deleted endpoint. */
    endpointId: uuid('endpoint_id'),
    incidentId: uuid('incident_id'),
    /** The Notice as providers render it (contract/notifications.ts). */
    notice: jsonb('notice').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    /** Not tried before then (a retry's backoff, Retry-After, the flood-control group). */
    dueAt: timestamp('due_at', ms).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** The instance delivering it, until `claimedUntil`; then any instance may. */
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', ms),
    deliveredAt: timestamp('delivered_at', ms),
    /** Given up (a permanent refusal, or too many attempts). */
    failedAt: timestamp('failed_at', ms),
    lastError: text('last_error'),
    /** What the provider called the message (a Telegram message id, an email Message-ID). */
    threadRef: text('thread_ref'),
  },
  (t) => [
    index('notification_outbox_due_idx').on(t.dueAt).where(sql`delivered_at is null and failed_at is null`),
    index('notification_outbox_incident_idx').on(t.incidentId, t.channelId),
    index('notification_outbox_endpoint_idx').on(t.endpointId, t.channelId),
    index('notification_outbox_created_at_idx').on(t.createdAt),
  ],
);

/** Every attempt to deliver, per channel: the delivery log. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    endpointId: uuid('endpoint_id'),
    endpointName: text('endpoint_name'),
    notifications: integer('notifications').notNull(),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    answer: text('answer').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    at: timestamp('at', ms).notNull(),
  },
  (t) => [index('notification_deliveries_channel_at_idx').on(t.channelId, t.at.desc(), t.id.desc()), index('notification_deliveries_at_idx').on(t.at)],
);

export type NotificationChannelRow = typeof notificationChannels.$inferSelect;
export type NotificationOutboxRow = typeof notificationOutbox.$inferSelect;
