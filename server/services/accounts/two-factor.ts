import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { users } from '../../../db/schema/index.ts';
import { NO_PASSWORD, noPassword, verifyPassword } from '../../auth/passwords.ts';
import { matchingStep, newRecoveryCodes, newTotpSecret, otpauthUrl, recoveryHash } from '../../auth/totp.ts';
import { bodyObject } from '../../domain/account-input.ts';
import type { PasswordThrottle } from './password-throttle.ts';
import { AccessError, ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';

type UserRow = typeof users.$inferSelect;

/**
 * Two-factor sign-in with an authenticator app (RFC 6238) and one-time recovery codes
 * (docs/accounts.md#two-factor-sign-in). Enrolment: a secret is shown, and turned on only once a
 * code from it is given back. Each code is taken once; each recovery code too.
 */
export class TwoFactor {
  constructor(
    private readonly db: Database,
    private readonly throttle: PasswordThrottle,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts enrolment: a new secret, kept pending until `confirm`. */
  async begin(userId: string): Promise<{ secret: string; otpauthUrl: string }> {
    const row = await this.user(userId);
    if (row.passwordHash === NO_PASSWORD) throw noPassword();
    if (row.totpSecret) throw new ConflictError('Two-factor sign-in is on already: turn it off first to enrol another app.', 'two_factor_on');
    const secret = newTotpSecret();
    await this.db.update(users).set({ totpPendingSecret: secret }).where(eq(users.id, userId));
    return { secret, otpauthUrl: otpauthUrl(secret, row.email) };
  }

  /** Turns two-factor sign-in on with a code from the pending secret; answers the recovery codes (shown once). */
  async confirm(userId: string, input: unknown): Promise<{ recoveryCodes: string[] }> {
    const code = stringField(bodyObject(input), 'code');
    const row = await this.user(userId);
    if (!row.totpPendingSecret) throw new ConflictError('Start enrolment first: POST /api/account/two-factor.', 'two_factor_not_started');
    const step = matchingStep(row.totpPendingSecret, code, this.now(), null);
    if (step === null) throw wrongCode('code');
    const { codes, hashes } = newRecoveryCodes();
    await this.db
      .update(users)
      .set({ totpSecret: row.totpPendingSecret, totpPendingSecret: null, totpLastStep: step, recoveryCodes: hashes, updatedAt: new Date(this.now()) })
      .where(eq(users.id, userId));
    return { recoveryCodes: codes };
  }

  /** Turns it off; the person's password is asked again (a borrowed session cannot). */
  async disable(userId: string, input: unknown, address: string): Promise<void> {
    const row = await this.user(userId);
    await this.checkPassword(row, bodyObject(input), address);
    await this.clear(userId);
  }

  /** An owner turns it off for someone who lost their device (they sign in with their password, then enrol again). */
  async reset(userId: string): Promise<void> {
    await this.user(userId);
    await this.clear(userId);
  }

  /** New recovery codes, the old ones void; the password is asked again. */
  async renewRecoveryCodes(userId: string, input: unknown, address: string): Promise<{ recoveryCodes: string[] }> {
    const row = await this.user(userId);
    await this.checkPassword(row, bodyObject(input), address);
    if (!row.totpSecret) throw new ConflictError('Two-factor sign-in is off: recovery codes come with it.', 'two_factor_off');
    const { codes, hashes } = newRecoveryCodes();
    await this.db.update(users).set({ recoveryCodes: hashes }).where(eq(users.id, userId));
    return { recoveryCodes: codes };
  }

  /**
   * The second step of a sign-in for a person with two-factor on: `code` (the app's) or
   * `recoveryCode`. Missing: 401 second_factor_required; wrong or used already: 401 invalid_second_factor.
   * A code or recovery code is spent in the same statement that checks it, so two sign-ins cannot share one.
   */
  async verify(row: UserRow, input: Record<string, unknown>): Promise<'code' | 'recovery-code'> {
    const code = typeof input.code === 'string' ? input.code : undefined;
    const recovery = typeof input.recoveryCode === 'string' ? input.recoveryCode : undefined;
    if (!code && !recovery) {
      throw new AccessError(
        401,
        'Two-factor sign-in is on: send the code from your authenticator app (code) or a recovery code (recoveryCode).',
        'second_factor_required',
      );
    }
    if (code) {
      const step = matchingStep(row.totpSecret!, code, this.now(), row.totpLastStep);
      if (step !== null) {
        const taken = await this.db
          .update(users)
          .set({ totpLastStep: step })
          .where(and(eq(users.id, row.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
          .returning({ id: users.id });
        if (taken.length) return 'code';
      }
    } else if (recovery) {
      const hash = recoveryHash(recovery);
      const taken = await this.db
        .update(users)
        .set({ recoveryCodes: sql`${users.recoveryCodes} - ${hash}::text` })
        .where(and(eq(users.id, row.id), sql`${users.recoveryCodes} ? ${hash}::text`))
        .returning({ id: users.id });
      if (taken.length) return 'recovery-code';
    }
    throw new AccessError(401, 'The code is wrong or has been used.', 'invalid_second_factor');
  }

  private async clear(userId: string): Promise<void> {
    await this.db
      .update(users)
      .set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null, recoveryCodes: [], updatedAt: new Date(this.now()) })
      .where(eq(users.id, userId));
  }

  /** The person's own password, confirming a change; wrong ones count as wrong sign-ins do. */
  private async checkPassword(row: UserRow, body: Record<string, unknown>, address: string): Promise<void> {
    this.throttle.assertOpen(address);
    const password = stringField(body, 'password');
    if (!(await verifyPassword(password, row.passwordHash))) {
      this.throttle.failed(address, row.email);
      throw new ValidationError([{ path: 'password', message: 'is not your password', code: 'wrong_password' }]);
    }
  }

  private async user(userId: string): Promise<UserRow> {
    const [row] = await this.db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!row) throw new NotFoundError('User', userId);
    return row;
  }
}

function stringField(body: Record<string, unknown>, path: string): string {
  const value = body[path];
  if (typeof value !== 'string' || !value) throw new ValidationError([{ path, message: 'is required', code: 'required' }]);
  return value.slice(0, 1000);
}

const wrongCode = (path: string) => new ValidationError([{ path, message: 'is not the code the app shows now', code: 'wrong_code' }]);
