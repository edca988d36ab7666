import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { StatusPageSection, SubscriberNotice } from '../../server/contract/status-pages.ts';
import { endpoints } from './endpoints.ts';
import { incidents } from './incidents.ts';

const ms = { withTimezone: true, precision: 3 } as const;

/** Public status pages (docs/status-pages.md). Endpoint ids in sections have no foreign key: a deleted endpoint drops off the page. */
export const statusPages = pgTable(
  'status_pages',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    logoUrl: text('logo_url'),
    sections: jsonb('sections').$type<StatusPageSection[]>().notNull().default(sql`'[]'::jsonb`),
    visibility: text('visibility').notNull().default('public'),
    /** scrypt$<salt>$<hash> (base64url); also the key of the page's access cookies: a new password signs everyone out. */
    passwordHash: text('password_hash'),
    /** Lowercase host name. */
    customDomain: text('custom_domain'),
    footer: text('footer'),
    showResponseTimes: boolean('show_response_times').notNull().default(false),
    defaultLanguage: text('default_language'),
    subscribeEmail: boolean('subscribe_email').notNull().default(false),
    subscribeWebhook: boolean('subscribe_webhook').notNull().default(false),
    createdAt: timestamp('created_at', ms).notNull(),
    updatedAt: timestamp('updated_at', ms).notNull(),
  },
  (t) => [
    uniqueIndex('status_pages_slug_idx').on(t.slug),
    uniqueIndex('status_pages_custom_domain_idx').on(t.customDomain),
    index('status_pages_created_at_id_idx').on(t.createdAt, t.id),
  ],
);

/** What people said about an incident, oldest first by created_at. */
export const incidentUpdates = pgTable(
  'incident_updates',
  {
    id: uuid('id').primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    state: text('state').notNull(),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    updatedAt: timestamp('updated_at', ms).notNull(),
  },
  (t) => [index('incident_updates_incident_idx').on(t.incidentId, t.createdAt), index('incident_updates_endpoint_idx').on(t.endpointId, t.createdAt)],
);

/** People following a page by email or webhook; an email is pending until its link is followed. */
export const statusPageSubscribers = pgTable(
  'status_page_subscribers',
  {
    id: uuid('id').primaryKey(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** The email address (lower case) or the webhook URL. */
    target: text('target').notNull(),
    language: text('language').notNull(),
    /** In the subscriber's links (confirm, unsubscribe): whoever holds it may do those, nothing else. */
    token: text('token').notNull(),
    /** The webhook's signing key, given to the receiver in the challenge; null for email. */
    secret: text('secret'),
    /** On a password page, its password hash when the visitor subscribed: a new password (or public → password) ends the subscription, as it ends readers' streams. Null: subscribed on a public page. */
    accessKey: text('access_key'),
    /** The origin the visitor subscribed through (links in messages when PUBLIC_URL is not set). */
    origin: text('origin').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    confirmedAt: timestamp('confirmed_at', ms),
    /** The last confirmation mail sent (one per SUBSCRIPTION_LIMITS.confirmationEveryMinutes). */
    confirmationSentAt: timestamp('confirmation_sent_at', ms),
    lastDeliveredAt: timestamp('last_delivered_at', ms),
    failedDeliveries: integer('failed_deliveries').notNull().default(0),
  },
  (t) => [
    uniqueIndex('status_page_subscribers_target_idx').on(t.pageId, t.kind, t.target),
    uniqueIndex('status_page_subscribers_token_idx').on(t.token),
    index('status_page_subscribers_page_created_idx').on(t.pageId, t.createdAt, t.id),
  ],
);

/** What a page's subscribers are told, once per page and item (an incident started, an update, a resolution). */
export const statusPageNotices = pgTable(
  'status_page_notices',
  {
    id: uuid('id').primaryKey(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => statusPages.id, { onDelete: 'cascade' }),
    /** incident:<id>:started, update:<id>, incident:<id>:resolved — the same on every instance. */
    itemKey: text('item_key').notNull(),
    notice: jsonb('notice').$type<SubscriberNotice>().notNull(),
    occurredAt: timestamp('occurred_at', ms).notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
  },
  (t) => [uniqueIndex('status_page_notices_item_idx').on(t.pageId, t.itemKey), index('status_page_notices_created_idx').on(t.createdAt)],
);

/** One notice to one subscriber: sent until taken (retries with backoff), by one instance at a time. */
export const statusPageDeliveries = pgTable(
  'status_page_deliveries',
  {
    id: uuid('id').primaryKey(),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => statusPageNotices.id, { onDelete: 'cascade' }),
    subscriberId: uuid('subscriber_id')
      .notNull()
      .references(() => statusPageSubscribers.id, { onDelete: 'cascade' }),
    dueAt: timestamp('due_at', ms).notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', ms),
    deliveredAt: timestamp('delivered_at', ms),
    failedAt: timestamp('failed_at', ms),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('status_page_deliveries_pair_idx').on(t.noticeId, t.subscriberId),
    index('status_page_deliveries_subscriber_idx').on(t.subscriberId),
    index('status_page_deliveries_due_idx').on(t.dueAt).where(sql`delivered_at is null and failed_at is null`),
  ],
);

export type StatusPageSubscriberRow = typeof statusPageSubscribers.$inferSelect;
export type StatusPageRow = typeof statusPages.$inferSelect;
export type IncidentUpdateRow = typeof incidentUpdates.$inferSelect;
