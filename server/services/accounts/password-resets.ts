import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { passwordResets, users } from '../../../db/schema/index.ts';
import type { SessionStore } from '../../auth/sessions.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { digestOf, isLinkToken, newLinkToken } from '../../auth/secret-tokens.ts';
import type { Principal } from '../../auth/roles.ts';
import type { PasswordResetPreview } from '../../contract/accounts.ts';
import { bodyObject, passwordErrors } from '../../domain/account-input.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';

/** How long a password reset link can be used. */
export const RESET_HOURS = 24;

/**
 * Password reset links (docs/accounts.md#forgotten-passwords): there is no mail to send one, so an
 * owner (or API_KEY) makes a one-time link for a person and hands it over. A person has at most one
 * open link (a new one replaces it); it works RESET_HOURS; only its hash is stored. Setting the new
 * password uses it up and ends every session of the person. It signs nobody in: sign-in then asks
 * for the two-factor code as always, so a link alone never passes two-factor sign-in.
 */
export class PasswordResets {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes (or replaces) the person's link; the answer's `token` is shown this once. */
  async create(actor: Principal, userId: string): Promise<{ token: string; expiresAt: string; userId: string; email: string }> {
    const [person] = await this.db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
    if (!person) throw new NotFoundError('User', userId);
    const token = newLinkToken();
    const now = this.now();
    const row = {
      tokenHash: digestOf(token),
      createdByName: actor.name.slice(0, 300),
      createdAt: new Date(now),
      expiresAt: new Date(now + RESET_HOURS * 3_600_000),
    };
    await this.db
      .insert(passwordResets)
      .values({ userId, ...row })
      .onConflictDoUpdate({ target: passwordResets.userId, set: row });
    return { token, expiresAt: row.expiresAt.toISOString(), userId, email: person.email };
  }

  /** Withdraws the person's open link, if any. */
  async withdraw(userId: string): Promise<void> {
    const gone = await this.db.delete(passwordResets).where(eq(passwordResets.userId, userId)).returning({ userId: passwordResets.userId });
    if (!gone.length) throw new NotFoundError('Password reset', userId);
  }

  /** Whose password a link resets (for the page that uses it); 409 reset_not_valid when used, replaced or expired. */
  async preview(token: string): Promise<PasswordResetPreview> {
    const found = await this.find(token);
    return {
      email: found.users.email,
      name: found.users.name,
      createdBy: found.password_resets.createdByName,
      expiresAt: found.password_resets.expiresAt.toISOString(),
    };
  }

  /** Sets the new password the link allows, once; every session of the person ends. Answers whose it was. */
  async use(token: string, input: unknown): Promise<{ userId: string; email: string }> {
    const found = await this.find(token);
    const body = bodyObject(input);
    const errors: FieldError[] = Object.keys(body)
      .filter((key) => key !== 'password')
      .map((path) => ({ path, message: 'is not a known field', code: 'unknown_field' }));
    const password = typeof body.password === 'string' ? body.password : '';
    errors.push(...passwordErrors(password, found.users.email));
    if (errors.length) throw new ValidationError(errors);
    const passwordHash = await hashPassword(password);
    const now = new Date(this.now());
    const changed = await this.db.transaction(async (tx) => {
      const [used] = await tx
        .delete(passwordResets)
        .where(and(eq(passwordResets.userId, found.users.id), eq(passwordResets.tokenHash, digestOf(token)), gt(passwordResets.expiresAt, now)))
        .returning();
      if (!used) return false;
      await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, used.userId));
      return true;
    });
    if (!changed) throw notValid();
    this.sessions.forgetUser(found.users.id);
    await this.sessions.revokeAll(found.users.id);
    return { userId: found.users.id, email: found.users.email };
  }

  private async find(token: string) {
    const [row] = isLinkToken(token)
      ? await this.db
          .select()
          .from(passwordResets)
          .innerJoin(users, eq(users.id, passwordResets.userId))
          .where(and(eq(passwordResets.tokenHash, digestOf(token)), gt(passwordResets.expiresAt, new Date(this.now()))))
          .limit(1)
      : [];
    if (!row) throw notValid();
    return row;
  }
}

const notValid = () => new ConflictError('This password reset link has been used, replaced or has expired: ask the owner for a new one.', 'reset_not_valid');
