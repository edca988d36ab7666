import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { apiKeys, users } from '../../db/schema/index.ts';
import type { PersonalKey } from '../contract/accounts.ts';
import { bodyObject } from '../domain/account-input.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import { RecheckedCache } from './rechecked-cache.ts';
import { digestOf } from './secret-tokens.ts';
import type { Role } from './roles.ts';
import type { SessionUser } from './sessions.ts';

/** Personal keys start so: told apart from API_KEY, and easy to find in a leaked file. */
export const PERSONAL_KEY_PREFIX = 'vk_';
const KEY = /^vk_[A-Za-z0-9_-]{43}$/;
export const KEY_LIMITS = { nameLength: 100, perPerson: 50, maxDays: 5 * 366 } as const;

/** A live personal key as the authenticator sees it. */
export interface PersonalKeyView {
  id: string;
  name: string;
  scope: 'read' | 'write';
  expiresAt: number | null;
  lastUsedAt: number | null;
  user: SessionUser;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * Personal API keys (docs/accounts.md#personal-api-keys): made by a signed-in person, named,
 * scoped (read, or read and write), with an optional expiry; shown once, stored as SHA-256;
 * last use (time and address) written at most once a minute; revocable by their person or an
 * owner. A key acts as its person with their current role, narrowed by its scope. Memory is
 * a RecheckedCache: a revocation on another instance shows within `recheckMs`, here at once.
 */
export class PersonalKeys {
  private readonly cache: RecheckedCache<PersonalKeyView>;

  constructor(
    private readonly db: Database,
    private readonly options: { now?: () => number; recheckMs?: number; capacity?: number } = {},
  ) {
    this.cache = new RecheckedCache({ recheckMs: options.recheckMs ?? 10_000, capacity: options.capacity ?? 10_000 });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Makes a key for a person; the answer's `secret` is shown this once. */
  async create(person: { userId: string; role: Role }, input: unknown): Promise<PersonalKey & { secret: string }> {
    const { userId } = person;
    const { name, scope, expiresAt } = this.parse(bodyObject(input), person.role);
    const mine = await this.db.$count(apiKeys, eq(apiKeys.userId, userId));
    if (mine >= KEY_LIMITS.perPerson)
      throw new ConflictError(`At most ${KEY_LIMITS.perPerson} keys a person: revoke some first.`, 'too_many_keys', { max: KEY_LIMITS.perPerson });
    const secret = `${PERSONAL_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        id: randomUUID(),
        userId,
        name,
        prefix: secret.slice(0, 8),
        keyHash: digestOf(secret),
        scope,
        expiresAt,
        createdAt: new Date(this.now()),
      })
      .returning();
    return { ...toPersonalKey(row!, null), secret };
  }

  /** A person's keys (or everyone's, for an owner), newest first; expired ones included, marked. */
  async list(userId: string | null): Promise<PersonalKey[]> {
    const rows = await this.db
      .select({ key: apiKeys, email: users.email })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(userId ? eq(apiKeys.userId, userId) : undefined)
      .orderBy(asc(apiKeys.createdAt));
    return rows.map((row) => toPersonalKey(row.key, row.email, this.now())).reverse();
  }

  /** Revokes a key: the person's own, or any when `anyone` (an owner). */
  async revoke(id: string, userId: string, anyone: boolean): Promise<void> {
    const gone = await this.db
      .delete(apiKeys)
      .where(anyone ? eq(apiKeys.id, id) : and(eq(apiKeys.id, id), eq(apiKeys.userId, userId)))
      .returning({ id: apiKeys.id, keyHash: apiKeys.keyHash });
    if (!gone.length) throw new NotFoundError('Key', id);
    this.cache.delete(gone[0]!.keyHash);
  }

  /** Whether a presented token has the form of a personal key (else it may be API_KEY). */
  static looksLikeKey(token: string): boolean {
    return token.startsWith(PERSONAL_KEY_PREFIX);
  }

  /** The live key a token is, or null (unknown, revoked, expired). Throws when the database cannot say and memory has not seen it. */
  async lookup(token: string, address: string): Promise<PersonalKeyView | null> {
    if (!KEY.test(token)) return null;
    const hash = digestOf(token);
    const now = this.now();
    const view = await this.cache.get(hash, now, () => this.read(hash));
    if (!view) return null;
    if (view.expiresAt !== null && now >= view.expiresAt) return null;
    if (view.lastUsedAt === null || now - view.lastUsedAt >= TOUCH_EVERY_MS) {
      view.lastUsedAt = now;
      void this.db
        .update(apiKeys)
        .set({ lastUsedAt: new Date(now), lastUsedAddress: address.slice(0, 100) })
        .where(eq(apiKeys.id, view.id))
        .catch(() => undefined);
    }
    return view;
  }

  /** Forgets what memory holds of a person's keys (their role changed, or they were removed). */
  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
  }

  private async read(hash: string): Promise<PersonalKeyView | null> {
    const [row] = await this.db.select().from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId)).where(eq(apiKeys.keyHash, hash)).limit(1);
    if (!row) return null;
    return {
      id: row.api_keys.id,
      name: row.api_keys.name,
      scope: row.api_keys.scope === 'write' ? 'write' : 'read',
      expiresAt: row.api_keys.expiresAt?.getTime() ?? null,
      lastUsedAt: row.api_keys.lastUsedAt?.getTime() ?? null,
      user: { id: row.users.id, email: row.users.email, name: row.users.name, role: row.users.role as Role },
    };
  }

  /** A key's fields; a viewer may make read keys only (a write key would gain writes the day they were promoted). */
  private parse(body: Record<string, unknown>, role: Role): { name: string; scope: 'read' | 'write'; expiresAt: Date | null } {
    const errors: FieldError[] = [];
    for (const path of Object.keys(body).filter((key) => !['name', 'scope', 'expiresAt'].includes(key))) {
      errors.push({ path, message: 'is not a known field', code: 'unknown_field' });
    }
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (typeof body.name !== 'string' || !name) errors.push({ path: 'name', message: 'is required', code: 'required' });
    else if (name.length > KEY_LIMITS.nameLength)
      errors.push({ path: 'name', message: `must be at most ${KEY_LIMITS.nameLength} characters`, code: 'too_long', params: { max: KEY_LIMITS.nameLength } });
    const scope = body.scope ?? 'read';
    if (scope !== 'read' && scope !== 'write')
      errors.push({ path: 'scope', message: 'must be one of read, write', code: 'invalid_choice', params: { allowed: 'read, write' } });
    else if (scope === 'write' && role === 'viewer')
      errors.push({ path: 'scope', message: 'a viewer may make read keys only', code: 'scope_above_role', params: { role } });
    let expiresAt: Date | null = null;
    if (body.expiresAt !== undefined && body.expiresAt !== null) {
      const at = typeof body.expiresAt === 'string' && /^\d{4}-\d\d-\d\d/.test(body.expiresAt) ? new Date(body.expiresAt) : new Date(Number.NaN);
      const now = this.now();
      if (Number.isNaN(at.getTime())) errors.push({ path: 'expiresAt', message: 'must be an ISO 8601 time or null', code: 'invalid_time' });
      else if (at.getTime() <= now) errors.push({ path: 'expiresAt', message: 'must be in the future', code: 'in_the_past' });
      else if (at.getTime() > now + KEY_LIMITS.maxDays * 86_400_000)
        errors.push({
          path: 'expiresAt',
          message: `must be at most ${KEY_LIMITS.maxDays} days away`,
          code: 'too_far',
          params: { maxDays: KEY_LIMITS.maxDays },
        });
      else expiresAt = at;
    }
    if (errors.length) throw new ValidationError(errors);
    return { name, scope: scope as 'read' | 'write', expiresAt };
  }
}

function toPersonalKey(row: typeof apiKeys.$inferSelect, ownerEmail: string | null, now = Date.now()): PersonalKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope === 'write' ? 'write' : 'read',
    expiresAt: row.expiresAt?.toISOString() ?? null,
    expired: row.expiresAt !== null && row.expiresAt.getTime() <= now,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedAddress: row.lastUsedAddress,
    userId: row.userId,
    userEmail: ownerEmail,
  };
}
