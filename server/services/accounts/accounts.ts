import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { users } from '../../../db/schema/index.ts';
import { hashPassword, NO_PASSWORD, noPassword, sameSecret, UNMATCHABLE_HASH, verifyPassword } from '../../auth/passwords.ts';
import type { Role } from '../../auth/roles.ts';
import type { SessionStore, SessionUser, SessionView } from '../../auth/sessions.ts';
import type { PersonalKeys } from '../../auth/personal-keys.ts';
import type { AccountUser, OwnAccount } from '../../contract/accounts.ts';
import { ACCOUNT_LIMITS, bodyObject, parseNewAccount, parseRole, parseSignIn, passwordErrors } from '../../domain/account-input.ts';
import { AccessError, ConflictError, NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';
import type { PasswordThrottle } from './password-throttle.ts';
import type { TwoFactor } from './two-factor.ts';
import type { OidcIdentity } from '../../auth/oidc.ts';
import type { OwnerRecord } from './owner-state.ts';

/** Where a sign-in or set-up comes from. */
export interface CallerFacts {
  address: string;
  userAgent: string;
  /** From this machine itself, not through a proxy (for set-up: or holding API_KEY). */
  local: boolean;
}

export interface SignedIn {
  user: AccountUser;
  /** The cookie's value. */
  token: string;
  session: SessionView;
  /** How they proved who they are (the audit log's `details.method`). */
  method?: 'password' | 'password+code' | 'password+recovery-code' | 'oidc' | 'invite' | 'set-up';
}

export interface AccountsOptions {
  db: Database;
  sessions: SessionStore;
  /** Told when a person's role changes or they are removed (their keys act with the new role at once). */
  personalKeys: PersonalKeys;
  /** The second step of sign-in, for people with two-factor sign-in on. */
  twoFactor: TwoFactor;
  /** Wrong passwords and codes, counted (shared with two-factor's password checks). */
  throttle: PasswordThrottle;
  owner: OwnerRecord;
  /** The one-time token of the set-up link printed in the log (for set-up from another machine). */
  setupToken: string;
  now?: () => number;
}

/**
 * Accounts: set-up of the owner, sign-in, and the owner's management of people. Wrong passwords
 * and codes are counted by the PasswordThrottle, per address and per account.
 */
export class Accounts {
  constructor(private readonly options: AccountsOptions) {}

  /** Whether set-up is still to be done. */
  async setupRequired(): Promise<boolean> {
    return !(await this.options.owner.exists());
  }

  /**
   * Creates the owner account and signs them in. Only while no owner exists (409 already_set_up),
   * and only from this machine or with the set-up link's token (403 setup_not_local).
   */
  async setUp(input: Record<string, unknown>, facts: CallerFacts): Promise<SignedIn> {
    if (!(await this.setupRequired())) throw new ConflictError('Vigil is set up already: sign in.', 'already_set_up');
    if (!facts.local && !sameSecret(input.setupToken, this.options.setupToken)) {
      throw new AccessError(
        403,
        "The owner account can only be created from the machine Vigil runs on, with the set-up link printed in Vigil's log, or with API_KEY.",
        'setup_not_local',
      );
    }
    const account = parseNewAccount(input);
    const passwordHash = await hashPassword(account.password);
    const now = new Date((this.options.now ?? Date.now)());
    const created = await this.options.db.transaction(async (tx) => {
      // Two set-ups at once: the second waits here, then finds the owner.
      await tx.execute(sql`lock table users in exclusive mode`);
      const [existing] = await tx.select({ n: count() }).from(users);
      if ((existing?.n ?? 0) > 0) return null;
      const [row] = await tx
        .insert(users)
        .values({ id: randomUUID(), email: account.email, name: account.name, passwordHash, role: 'owner', createdAt: now, updatedAt: now })
        .returning();
      return row!;
    });
    if (!created) throw new ConflictError('Vigil is set up already: sign in.', 'already_set_up');
    this.options.owner.created();
    return this.startSession(created, facts);
  }

  /** Checks an email and password; a wrong pair is one 401 whatever was wrong (no telling which accounts exist). */
  async signIn(input: Record<string, unknown>, facts: CallerFacts): Promise<SignedIn> {
    const { email, password } = parseSignIn(input);
    const { throttle } = this.options;
    // An address past its limit is refused before any check. An account past its own limit refuses
    // wrong passwords only: whoever knows someone's email cannot lock them out.
    throttle.assertOpen(facts.address);
    const [row] = await this.options.db.select().from(users).where(eq(users.email, email)).limit(1);
    const right = await verifyPassword(password, row?.passwordHash ?? UNMATCHABLE_HASH);
    if (!row || !right) {
      throttle.failed(facts.address, email);
      throw new AccessError(401, 'The email or password is wrong.', 'invalid_credentials');
    }
    let method: SignedIn['method'] = 'password';
    if (row.totpSecret) {
      try {
        method = (await this.options.twoFactor.verify(row, input)) === 'code' ? 'password+code' : 'password+recovery-code';
      } catch (error) {
        // A wrong code counts like a wrong password; a missing one (the first step of the form) does not.
        if (error instanceof AccessError && error.code === 'invalid_second_factor') throttle.failed(facts.address, email);
        throw error;
      }
    }
    return { ...(await this.startSession(row, facts)), method };
  }

  /**
   * Signs in a person the OpenID Connect provider vouches for: matched by verified email to an
   * account; without one, made with `newUserRole` when set (never an owner), else refused. The
   * provider's own second factor stands for Vigil's (two-factor sign-in is not asked again).
   */
  async signInWithOidc(identity: OidcIdentity, facts: CallerFacts, newUserRole: 'viewer' | 'editor' | null): Promise<SignedIn> {
    if (!identity.email) throw new AccessError(403, 'The provider did not say which email address signed in.', 'oidc_email_unverified');
    if (!identity.emailVerified) throw new AccessError(403, `The provider has not verified ${identity.email}.`, 'oidc_email_unverified');
    const [row] = await this.options.db.select().from(users).where(eq(users.email, identity.email)).limit(1);
    if (row) return { ...(await this.startSession(row, facts)), method: 'oidc' };
    if (!newUserRole || (await this.setupRequired())) {
      throw new AccessError(403, `There is no account for ${identity.email}: ask an owner for an invite.`, 'oidc_no_account');
    }
    const now = new Date((this.options.now ?? Date.now)());
    const name = (identity.name?.trim() || identity.email.split('@')[0] || identity.email).slice(0, ACCOUNT_LIMITS.nameLength);
    // No password: such a person signs in through the provider only.
    const [created] = await this.options.db
      .insert(users)
      .values({ id: randomUUID(), email: identity.email, name, passwordHash: NO_PASSWORD, role: newUserRole, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    const person = created ?? (await this.options.db.select().from(users).where(eq(users.email, identity.email)).limit(1))[0]!;
    return { ...(await this.startSession(person, facts)), method: 'oidc' };
  }

  /** The caller's own account, with whether two-factor sign-in is on and how many recovery codes are left. */
  async own(userId: string): Promise<OwnAccount> {
    const row = await this.row(userId);
    return { ...toAccountUser(row), recoveryCodesLeft: row.recoveryCodes.length, hasPassword: row.passwordHash !== NO_PASSWORD };
  }

  /**
   * Changes one's own name and password. A new password needs the current one, and ends every
   * other session of the person (whoever had it, has it no more).
   */
  async updateOwn(userId: string, input: unknown, caller: { session: string | undefined; address: string }): Promise<OwnAccount> {
    const body = bodyObject(input);
    const row = await this.row(userId);
    if (body.password !== undefined) this.options.throttle.assertOpen(caller.address);
    const errors: FieldError[] = [];
    for (const path of Object.keys(body).filter((key) => !['name', 'password', 'currentPassword'].includes(key))) {
      errors.push({ path, message: 'is not a known field', code: 'unknown_field' });
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    if (body.name !== undefined) {
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) errors.push({ path: 'name', message: 'must not be empty', code: 'empty' });
      else if (name.length > ACCOUNT_LIMITS.nameLength)
        errors.push({
          path: 'name',
          message: `must be at most ${ACCOUNT_LIMITS.nameLength} characters`,
          code: 'too_long',
          params: { max: ACCOUNT_LIMITS.nameLength },
        });
      else changes.name = name;
    }
    if (body.password !== undefined) {
      if (row.passwordHash === NO_PASSWORD) throw noPassword();
      const password = typeof body.password === 'string' ? body.password : '';
      const problems = passwordErrors(password, row.email);
      errors.push(...problems);
      const current = typeof body.currentPassword === 'string' ? body.currentPassword : '';
      if (!(await verifyPassword(current, row.passwordHash))) {
        this.options.throttle.failed(caller.address, row.email);
        errors.push({ path: 'currentPassword', message: 'is not your password', code: 'wrong_password' });
      }
      if (!problems.length) changes.passwordHash = await hashPassword(password);
    }
    if (errors.length) throw new ValidationError(errors);
    if (Object.keys(changes).length) {
      await this.options.db
        .update(users)
        .set({ ...changes, updatedAt: new Date((this.options.now ?? Date.now)()) })
        .where(eq(users.id, userId));
      this.options.sessions.forgetUser(userId);
      this.options.personalKeys.forgetUser(userId);
      if (changes.passwordHash) await this.options.sessions.revokeAll(userId, caller.session);
    }
    return this.own(userId);
  }

  private async row(userId: string): Promise<typeof users.$inferSelect> {
    const [row] = await this.options.db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!row) throw new NotFoundError('User', userId);
    return row;
  }

  /** Everyone with an account, oldest first. */
  async list(): Promise<AccountUser[]> {
    const rows = await this.options.db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
    return rows.map(toAccountUser);
  }

  /** Changes a person's role (owner only); the last owner stays an owner. */
  async changeRole(id: string, input: Record<string, unknown>): Promise<AccountUser> {
    const role = parseRole(input.role);
    const unknown = Object.keys(input).filter((key) => key !== 'role');
    if (unknown.length) throw new ValidationError(unknown.map((path) => ({ path, message: 'is not a known field', code: 'unknown_field' })));
    const updated = await this.options.db.transaction(async (tx) => {
      await tx.execute(sql`lock table users in exclusive mode`);
      const [row] = await tx.select().from(users).where(eq(users.id, id)).limit(1);
      if (!row) throw new NotFoundError('User', id);
      if (row.role === 'owner' && role !== 'owner') await assertAnotherOwner(tx, id);
      const [next] = await tx
        .update(users)
        .set({ role, updatedAt: new Date((this.options.now ?? Date.now)()) })
        .where(eq(users.id, id))
        .returning();
      return next!;
    });
    this.options.sessions.forgetUser(id);
    this.options.personalKeys.forgetUser(id);
    return toAccountUser(updated);
  }

  /** Removes a person and ends their sessions (owner only); the last owner cannot be removed. */
  async remove(id: string): Promise<void> {
    await this.options.db.transaction(async (tx) => {
      await tx.execute(sql`lock table users in exclusive mode`);
      const [row] = await tx.select().from(users).where(eq(users.id, id)).limit(1);
      if (!row) throw new NotFoundError('User', id);
      if (row.role === 'owner') await assertAnotherOwner(tx, id);
      await tx.delete(users).where(eq(users.id, id));
    });
    this.options.sessions.forgetUser(id);
    this.options.personalKeys.forgetUser(id);
  }

  /** Signs in a person just made (an accepted invite). */
  signInAs(row: typeof users.$inferSelect, facts: CallerFacts): Promise<SignedIn> {
    return this.startSession(row, facts);
  }

  private async startSession(row: typeof users.$inferSelect, facts: CallerFacts): Promise<SignedIn> {
    const user: SessionUser = { id: row.id, email: row.email, name: row.name, role: row.role as Role };
    const { token, view } = await this.options.sessions.create(user, facts);
    return { user: toAccountUser(row), token, session: view };
  }
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

async function assertAnotherOwner(tx: Tx, id: string): Promise<void> {
  const [others] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'owner'), ne(users.id, id)));
  if ((others?.n ?? 0) === 0) throw new ConflictError('This is the last owner: make someone else an owner first.', 'last_owner');
}

export function toAccountUser(row: typeof users.$inferSelect): AccountUser {
  return { id: row.id, email: row.email, name: row.name, role: row.role as Role, createdAt: row.createdAt.toISOString(), twoFactor: row.totpSecret !== null };
}
