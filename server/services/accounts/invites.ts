import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { invites, users } from '../../../db/schema/index.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { digestOf, isLinkToken, newLinkToken } from '../../auth/secret-tokens.ts';
import type { Principal } from '../../auth/roles.ts';
import type { Invite, InvitePreview } from '../../contract/accounts.ts';
import { bodyObject, parseNewAccount, parseRole } from '../../domain/account-input.ts';
import { EMAIL } from '../../domain/subscription-input.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';
import type { Accounts, CallerFacts, SignedIn } from './accounts.ts';

/** How long an invite link can be used. */
export const INVITE_DAYS = 7;
const MAX_OPEN_INVITES = 100;

/**
 * Invites: an owner makes a one-time link for a role (optionally for one email address); whoever
 * opens it makes their account with it, once, within INVITE_DAYS. Only the link's hash is stored.
 */
export class Invites {
  constructor(
    private readonly db: Database,
    private readonly accounts: Accounts,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes an invite; the answer's `token` is shown this once. */
  async create(actor: Principal, input: unknown): Promise<Invite & { token: string }> {
    const body = bodyObject(input);
    const errors: FieldError[] = [];
    const unknown = Object.keys(body).filter((key) => key !== 'role' && key !== 'email');
    for (const path of unknown) errors.push({ path, message: 'is not a known field', code: 'unknown_field' });
    let role: Invite['role'] = 'viewer';
    try {
      role = parseRole(body.role);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...error.errors);
    }
    const email = typeof body.email === 'string' && body.email.trim() ? body.email.trim().toLowerCase() : null;
    if (body.email !== undefined && body.email !== null && typeof body.email !== 'string')
      errors.push({ path: 'email', message: 'must be a string or null', code: 'wrong_type', params: { expected: 'string' } });
    else if (email && (email.length > 254 || !EMAIL.test(email)))
      errors.push({ path: 'email', message: 'is not an email address', code: 'invalid_email', params: { address: email.slice(0, 100) } });
    if (errors.length) throw new ValidationError(errors);
    const now = this.now();
    await this.db.delete(invites).where(lt(invites.expiresAt, new Date(now)));
    const open = await this.db.$count(invites);
    if (open >= MAX_OPEN_INVITES)
      throw new ConflictError(`At most ${MAX_OPEN_INVITES} open invites: withdraw some first.`, 'too_many_invites', { max: MAX_OPEN_INVITES });
    const token = newLinkToken();
    const [row] = await this.db
      .insert(invites)
      .values({
        id: randomUUID(),
        tokenHash: digestOf(token),
        role,
        email,
        createdBy: actor.userId,
        createdByName: actor.name,
        createdAt: new Date(now),
        expiresAt: new Date(now + INVITE_DAYS * 86_400_000),
      })
      .returning();
    return { ...toInvite(row!), token };
  }

  /** The open invites, oldest first. */
  async list(): Promise<Invite[]> {
    const rows = await this.db
      .select()
      .from(invites)
      .where(gt(invites.expiresAt, new Date(this.now())))
      .orderBy(asc(invites.createdAt));
    return rows.map(toInvite);
  }

  /** Withdraws an invite. */
  async withdraw(id: string): Promise<void> {
    const gone = await this.db.delete(invites).where(eq(invites.id, id)).returning({ id: invites.id });
    if (!gone.length) throw new NotFoundError('Invite', id);
  }

  /** What an invite link offers (for the page that accepts it); 409 invite_not_valid when used, withdrawn or expired. */
  async preview(token: string): Promise<InvitePreview> {
    const row = await this.find(token);
    return { role: row.role as Invite['role'], email: row.email, invitedBy: row.createdByName, expiresAt: row.expiresAt.toISOString() };
  }

  /** Makes the account the link offers and signs its person in; the link is used up. */
  async accept(token: string, input: unknown, facts: CallerFacts): Promise<SignedIn> {
    const row = await this.find(token);
    const body = bodyObject(input);
    const account = parseNewAccount({ ...body, email: row.email ?? body.email });
    if (row.email && typeof body.email === 'string' && body.email.trim().toLowerCase() !== row.email) {
      throw new ValidationError([{ path: 'email', message: `this invite is for ${row.email}`, code: 'invite_for_other_email', params: { email: row.email } }]);
    }
    const passwordHash = await hashPassword(account.password);
    const now = new Date(this.now());
    const created = await this.db.transaction(async (tx) => {
      const [used] = await tx
        .delete(invites)
        .where(and(eq(invites.id, row.id), gt(invites.expiresAt, now)))
        .returning();
      if (!used) return null;
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, account.email)).limit(1);
      if (taken) throw new ConflictError('An account with this email address exists already: sign in.', 'email_taken');
      const [user] = await tx
        .insert(users)
        .values({ id: randomUUID(), email: account.email, name: account.name, passwordHash, role: used.role, createdAt: now, updatedAt: now })
        .returning();
      return user!;
    });
    if (!created) throw notValid();
    return this.accounts.signInAs(created, facts);
  }

  private async find(token: string) {
    const [row] = isLinkToken(token)
      ? await this.db
          .select()
          .from(invites)
          .where(and(eq(invites.tokenHash, digestOf(token)), gt(invites.expiresAt, new Date(this.now()))))
          .limit(1)
      : [];
    if (!row) throw notValid();
    return row;
  }
}

const notValid = () => new ConflictError('This invite link has been used, withdrawn or has expired: ask for a new one.', 'invite_not_valid');

function toInvite(row: typeof invites.$inferSelect): Invite {
  return {
    id: row.id,
    role: row.role as Invite['role'],
    email: row.email,
    invitedBy: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}
