/**
 * Forgotten passwords (docs/accounts.md#forgotten-passwords): an owner, or API_KEY, makes a
 * one-time link for a person; the link sets a new password once, ends every session of the person
 * and signs nobody in (two-factor sign-in still asks for its code). Real Vigil, real HTTP.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, stepAt } from '../../server/auth/totp.ts';
import type { AuditEntry, PasswordReset } from '../../server/contract/accounts.ts';
import { cookieOf, invitePerson, PASSWORD, type SignedIn, sessionTokenOf, setUpOwner, signIn } from '../support/accounts.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

const KEY = 'password-resets-test-key-0123456789';
const NEW_PASSWORD = 'a brand new passphrase';

describe('password reset links', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  beforeAll(async () => {
    vigil = await startTestVigil({ API_KEY: KEY });
    owner = await setUpOwner(vigil, undefined, PASSWORD);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  const makeLink = async (userId: string, headers: Record<string, string> = owner.headers) => {
    const made = await vigil.api<PasswordReset>('POST', `/api/users/${userId}/password-reset`, undefined, headers);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body;
  };

  it('sets a new password once, ends every session of the person, and signs nobody in', async () => {
    const person = await invitePerson(vigil, owner, 'editor');
    const elsewhere = await signIn(vigil, person.user.email);
    const link = await makeLink(person.user.id);
    expect(link.url).toMatch(new RegExp(`/reset-password#token=${link.token}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const preview = await vigil.api('GET', `/api/password-resets/${link.token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ email: person.user.email, name: person.user.name, createdBy: owner.user.email, expiresAt: link.expiresAt });

    const used = await vigil.api('POST', `/api/password-resets/${link.token}`, { password: NEW_PASSWORD });
    expect(used.status, JSON.stringify(used.body)).toBe(204);
    expect(sessionTokenOf(used.headers), 'no sign-in cookie').toBeUndefined();
    for (const session of [person, elsewhere]) expect((await vigil.api('GET', '/api/endpoints', undefined, session.headers)).status).toBe(401);

    expect((await vigil.api('POST', '/api/session', { email: person.user.email, password: PASSWORD })).status).toBe(401);
    await signIn(vigil, person.user.email, NEW_PASSWORD);

    // Used up.
    const again = await vigil.api('POST', `/api/password-resets/${link.token}`, { password: 'yet another passphrase' });
    expect([again.status, again.body.code]).toEqual([409, 'reset_not_valid']);
    expect((await vigil.api('GET', `/api/password-resets/${link.token}`)).body.code).toBe('reset_not_valid');
  });

  it('checks the new password as set-up does, and a refused one leaves the link usable', async () => {
    const person = await invitePerson(vigil, owner, 'viewer');
    const link = await makeLink(person.user.id);
    const cases: [unknown, string, string][] = [
      [{ password: 'short' }, 'password', 'too_short'],
      [{ password: person.user.email }, 'password', 'password_is_email'],
      [{}, 'password', 'required'],
      [{ password: NEW_PASSWORD, role: 'owner' }, 'role', 'unknown_field'],
    ];
    for (const [body, path, code] of cases) {
      const refused = await vigil.api('POST', `/api/password-resets/${link.token}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.errors).toContainEqual(expect.objectContaining({ path, code }));
    }
    const notJson = await vigil.api('POST', `/api/password-resets/${link.token}`, 'password=x');
    expect(notJson.status).toBe(400);
    await signIn(vigil, person.user.email);
    expect((await vigil.api('POST', `/api/password-resets/${link.token}`, { password: NEW_PASSWORD })).status).toBe(204);
  });

  it('keeps one open link a person: a new one replaces it; withdrawn or expired ones fail', async () => {
    const person = await invitePerson(vigil, owner, 'viewer');
    const first = await makeLink(person.user.id);
    const second = await makeLink(person.user.id);
    expect(second.token).not.toBe(first.token);
    expect((await vigil.api('GET', `/api/password-resets/${first.token}`)).body.code).toBe('reset_not_valid');
    expect((await vigil.api('GET', `/api/password-resets/${second.token}`)).status).toBe(200);

    expect((await vigil.api('DELETE', `/api/users/${person.user.id}/password-reset`, undefined, owner.headers)).status).toBe(204);
    expect((await vigil.api('GET', `/api/password-resets/${second.token}`)).body.code).toBe('reset_not_valid');
    expect((await vigil.api('DELETE', `/api/users/${person.user.id}/password-reset`, undefined, owner.headers)).status).toBe(404);

    const third = await makeLink(person.user.id);
    await vigil.database.db.execute(sql`update password_resets set expires_at = now() - interval '1 second'`);
    const expired = await vigil.api('POST', `/api/password-resets/${third.token}`, { password: NEW_PASSWORD });
    expect([expired.status, expired.body.code]).toEqual([409, 'reset_not_valid']);
    await signIn(vigil, person.user.email);
  });

  it('is the owner’s (or API_KEY’s) to make: an editor is refused, an unknown person is 404, a malformed token is not valid', async () => {
    const editor = await invitePerson(vigil, owner, 'editor');
    const viewer = await invitePerson(vigil, owner, 'viewer');
    const refused = await vigil.api('POST', `/api/users/${viewer.user.id}/password-reset`, undefined, editor.headers);
    expect([refused.status, refused.body.code]).toEqual([403, 'forbidden_role']);
    expect((await vigil.api('POST', `/api/users/${viewer.user.id}/password-reset`)).status).toBe(401);
    expect((await vigil.api('POST', '/api/users/00000000-0000-4000-8000-000000000000/password-reset', undefined, owner.headers)).status).toBe(404);
    expect((await vigil.api('POST', '/api/users/not-a-uuid/password-reset', undefined, owner.headers)).status).toBe(404);
    // A locked-out owner's way back: API_KEY makes the link.
    const byKey = await makeLink(owner.user.id, { authorization: `Bearer ${KEY}` });
    expect((await vigil.api('GET', `/api/password-resets/${byKey.token}`)).body).toMatchObject({ email: owner.user.email, createdBy: 'API_KEY' });
    await vigil.api('DELETE', `/api/users/${owner.user.id}/password-reset`, undefined, owner.headers);
    for (const token of ['x', 'a'.repeat(32), '../../session', '%00'.repeat(8)]) {
      const answer = await vigil.api('GET', `/api/password-resets/${encodeURIComponent(token)}`);
      expect([answer.status, answer.body.code], token).toEqual([409, 'reset_not_valid']);
    }
  });

  it('does not pass two-factor sign-in: the code is still asked for after the new password', async () => {
    const person = await invitePerson(vigil, owner, 'editor');
    const begun = await vigil.api('POST', '/api/account/two-factor', undefined, person.headers);
    expect((await vigil.api('POST', '/api/account/two-factor/confirm', { code: codeAt(begun.body.secret, stepAt(Date.now())) }, person.headers)).status).toBe(
      200,
    );
    const link = await makeLink(person.user.id);
    expect((await vigil.api('POST', `/api/password-resets/${link.token}`, { password: NEW_PASSWORD })).status).toBe(204);
    const first = await vigil.api('POST', '/api/session', { email: person.user.email, password: NEW_PASSWORD });
    expect([first.status, first.body.code]).toEqual([401, 'second_factor_required']);
    expect(sessionTokenOf(first.headers)).toBeUndefined();
  });

  it('is in the audit log, without the token or the password', async () => {
    const person = await invitePerson(vigil, owner, 'viewer');
    const link = await makeLink(person.user.id);
    await vigil.api('POST', `/api/password-resets/${link.token}`, { password: NEW_PASSWORD });
    const log = await vigil.api<{ items: AuditEntry[] }>('GET', `/api/audit-log?targetId=${person.user.id}`, undefined, owner.headers);
    const actions = log.body.items.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['user.password-reset-link-made', 'account.password-reset']));
    expect(log.body.items.find((entry) => entry.action === 'user.password-reset-link-made')).toMatchObject({
      actor: { id: owner.user.id },
      target: { type: 'user', id: person.user.id, name: person.user.email },
    });
    const text = JSON.stringify(log.body);
    expect(text).not.toContain(link.token);
    expect(text).not.toContain(NEW_PASSWORD);
    // The person's cookie from before is no session any more.
    expect((await vigil.api('GET', '/api/session', undefined, cookieOf(person.token))).body.user).toBeNull();
  });
});
