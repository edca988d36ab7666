import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { StatusPageSection } from '../../server/contract/status-pages.ts';
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

export type StatusPageRow = typeof statusPages.$inferSelect;
export type IncidentUpdateRow = typeof incidentUpdates.$inferSelect;
