import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ms = { withTimezone: true, precision: 3 } as const;

/** People who sign in to the dashboard (docs/accounts.md). The first is the owner made at set-up. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Lowercase; the sign-in name. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** scrypt$<salt>$<hash> (base64url). */
    passwordHash: text('password_hash').notNull(),
    /** owner | editor | viewer */
    role: text('role').notNull(),
    /** Two-factor sign-in (RFC 6238, base32); null while off. */
    totpSecret: text('totp_secret'),
    /** A secret shown for enrolment, until a code from it confirms it. */
    totpPendingSecret: text('totp_pending_secret'),
    /** The time step of the last code accepted: a code is taken once. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** SHA-256 of each unused recovery code. */
    recoveryCodes: jsonb('recovery_codes').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp('created_at', ms).notNull(),
    updatedAt: timestamp('updated_at', ms).notNull(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email)],
);

/** Signed-in browsers. The cookie holds a random token; only its SHA-256 is stored (`id`). */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Sent back as X-CSRF-Token on every write the cookie authenticates. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    /** Moved forward at most once a minute; a session unused for SESSION_IDLE_MINUTES ends. */
    lastSeenAt: timestamp('last_seen_at', ms).notNull(),
    /** The absolute end (SESSION_MAX_HOURS after sign-in), whatever the use. */
    expiresAt: timestamp('expires_at', ms).notNull(),
    address: text('address').notNull(),
    userAgent: text('user_agent').notNull().default(''),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_at_idx').on(t.expiresAt)],
);

/** Who changed what (docs/accounts.md#audit-log); never holds secrets. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    at: timestamp('at', ms).notNull(),
    /** The user acting; null for API_KEY, this machine before set-up, or a failed sign-in. */
    actorId: uuid('actor_id'),
    /** What the actor was called then (a user's email, "API_KEY", "this machine"). */
    actorName: text('actor_name').notNull(),
    /** session | api-key | local | anonymous */
    actorKind: text('actor_kind').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    targetName: text('target_name'),
    address: text('address').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at, t.id),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
);

/** One-time links that let a person make an account with a role (docs/accounts.md#invites). */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey(),
    /** SHA-256 of the link's token (base64url): the link itself is shown once. */
    tokenHash: text('token_hash').notNull(),
    role: text('role').notNull(),
    /** When set, only this address may accept. */
    email: text('email'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    expiresAt: timestamp('expires_at', ms).notNull(),
  },
  (t) => [uniqueIndex('invites_token_hash_idx').on(t.tokenHash)],
);

/** Personal API keys: act as their person, with the key's scope. Only the key's SHA-256 is stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The key's first characters, shown to tell keys apart (vk_AbCd…). */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    /** read | write */
    scope: text('scope').notNull(),
    expiresAt: timestamp('expires_at', ms),
    createdAt: timestamp('created_at', ms).notNull(),
    lastUsedAt: timestamp('last_used_at', ms),
    lastUsedAddress: text('last_used_address'),
  },
  (t) => [uniqueIndex('api_keys_key_hash_idx').on(t.keyHash), index('api_keys_user_idx').on(t.userId)],
);

/**
 * One-time links an owner makes for someone who forgot their password (docs/accounts.md). One open
 * link a person; only the token's SHA-256 is stored; removing the person removes it.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', ms).notNull(),
    expiresAt: timestamp('expires_at', ms).notNull(),
  },
  (t) => [uniqueIndex('password_resets_token_hash_idx').on(t.tokenHash)],
);
