/**
 * Accounts over REST (docs/accounts.md): setting up the owner, signing in and out, sessions ended
 * from another browser, roles changed under a signed-in person, invites, the CSRF token every
 * cookie-authenticated write carries, and the cookie itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdOf } from '../../server/auth/sessions.ts';
import type { SessionInfo, SessionSummary } from '../../server/contract/accounts.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import {
  cookieOf,
  invite,
  invitePerson,
  PASSWORD,
  type SignedIn,
  sessionSetCookie,
  sessionTokenOf,
  setUpOwner,
  setupTokenIn,
  signedInBy,
  signIn,
  startLoggedVigil,
  uniqueEmail,
} from '../support/accounts.ts';
import { closeRealtimeClients, connectSocketIo, connectWs, openSse, UpgradeRefused } from '../support/realtime-clients.ts';
import { unique } from '../support/rest-api.ts';
import { startTestVigil, type TestVigil, useSharedVigil, useVigilPerTest } from '../support/vigil.ts';

const KEY = 'accounts-test-key-0123456789abcdef';
/** Endpoints made here are never checked. */
const endpointInput = () => ({ name: unique('made-by'), url: 'http://127.0.0.1:9/never-checked', paused: true });
const FORWARDED_BY_A_PROXY: [string, string][] = [
  ['x-forwarded-for', '203.0.113.9'],
  ['forwarded', 'for=203.0.113.9'],
  ['x-real-ip', '203.0.113.9'],
];

afterEach(async () => {
  await closeRealtimeClients();
});

/** Whether Socket.io, /ws and SSE each let this cookie in (a client let in is closed at once). */
async function realtimeLetsIn(vigil: TestVigil, token: string): Promise<{ socketIo: boolean; ws: boolean; sse: boolean }> {
  const cookie = cookieOf(token);
  const opened = async (connecting: Promise<{ close(): Promise<void> }>) => {
    try {
      await (await connecting).close();
      return true;
    } catch (error) {
      if (error instanceof UpgradeRefused) expect(error.status).toBe(401);
      return false;
    }
  };
  return {
    socketIo: await opened(connectSocketIo(vigil.port, { extraHeaders: cookie, reconnection: false })),
    ws: await opened(connectWs(vigil.port, { headers: cookie })),
    sse: await opened(openSse(vigil.port, '', cookie)),
  };
}

const NOBODY_GETS_IN = { socketIo: false, ws: false, sse: false };
const ALL_LET_IN = { socketIo: true, ws: true, sse: true };

describe('before an owner exists', () => {
  const start = useVigilPerTest();

  it('lets this machine do everything without a key, as before accounts', async () => {
    const vigil = await start();
    expect((await vigil.api<SessionInfo>('GET', '/api/session')).body).toMatchObject({
      setupRequired: true,
      local: true,
      via: 'local',
      role: 'owner',
      canWrite: true,
    });
    expect((await vigil.api('POST', '/api/endpoints', endpointInput())).status).toBe(201);
  });

  it('with API_KEY set, lets this machine read REST without the key, and nothing more', async () => {
    const vigil = await start({ API_KEY: KEY });
    expect((await vigil.api('GET', '/api/endpoints')).status).toBe(200);
    expect((await vigil.api('POST', '/api/endpoints', endpointInput())).status).toBe(401);
    expect((await vigil.api('POST', '/api/endpoints', endpointInput(), { authorization: `Bearer ${KEY}` })).status).toBe(201);
    await expect(connectSocketIo(vigil.port, { reconnection: false })).rejects.toThrow(/unauthori[sz]ed/i);
  });

  it.each(FORWARDED_BY_A_PROXY)('refuses a caller a proxy forwarded (%s) 401 setup_required, unless it holds API_KEY', async (header, value) => {
    const vigil = await start({ API_KEY: KEY });
    const refused = await vigil.api('GET', '/api/endpoints', undefined, { [header]: value });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'setup_required' });
    expect((await vigil.api('GET', '/api/endpoints', undefined, { [header]: value, authorization: `Bearer ${KEY}` })).status).toBe(200);
  });
});

describe('POST /api/setup', () => {
  const start = useVigilPerTest();

  it('creates the owner from this machine, signs them in, and ends what this machine could do without signing in', async () => {
    const vigil = await start();
    const res = await vigil.api<SessionInfo>('POST', '/api/setup', { email: ' Olga@Example.TEST ', password: PASSWORD, name: 'Olga' });
    const owner = signedInBy(res, 201);
    expect(res.body).toMatchObject({
      setupRequired: false,
      via: 'session',
      role: 'owner',
      canWrite: true,
      user: { email: 'olga@example.test', name: 'Olga', role: 'owner' },
    });
    expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, owner.headers)).body).toMatchObject({
      via: 'session',
      user: { id: owner.user.id },
      csrfToken: owner.csrfToken,
    });
    expect((await vigil.api<SessionInfo>('GET', '/api/session')).body).toMatchObject({ setupRequired: false, via: null, user: null, canWrite: false });
    expect((await vigil.api('GET', '/api/endpoints')).status).toBe(401);
    expect((await vigil.api('GET', '/api/endpoints', undefined, owner.headers)).status).toBe(200);
  });

  it.each(FORWARDED_BY_A_PROXY)(
    'refuses a caller a proxy forwarded (%s) without the set-up link: 403 setup_not_local, and no owner is made',
    async (header, value) => {
      const vigil = await start();
      const res = await vigil.api('POST', '/api/setup', { email: uniqueEmail(), password: PASSWORD }, { [header]: value });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'setup_not_local' });
      expect(sessionSetCookie(res.headers)).toBeUndefined();
      expect((await vigil.api<SessionInfo>('GET', '/api/session')).body.setupRequired).toBe(true);
    },
  );

  it('refuses a second set-up 409 already_set_up, and the first owner stays the only one', async () => {
    const vigil = await start();
    const owner = await setUpOwner(vigil);
    const second = await vigil.api('POST', '/api/setup', { email: uniqueEmail(), password: PASSWORD });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'already_set_up' });
    expect(sessionSetCookie(second.headers)).toBeUndefined();
    expect((await vigil.api('GET', '/api/users', undefined, owner.headers)).body.items.map((u: { id: string }) => u.id)).toEqual([owner.user.id]);
  });

  it('of several set-ups at once, lets exactly one win', async () => {
    const vigil = await start();
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => vigil.api<SessionInfo>('POST', '/api/setup', { email: uniqueEmail('racer'), password: PASSWORD })),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const lost of attempts.filter((a) => a.status === 409)) expect(lost.body).toMatchObject({ code: 'already_set_up' });
    const winner = signedInBy(attempts.find((a) => a.status === 201)!, 201);
    const users = (await vigil.api('GET', '/api/users', undefined, winner.headers)).body.items;
    expect(users).toEqual([expect.objectContaining({ id: winner.user.id, role: 'owner' })]);
  });

  it.each<[string, Record<string, unknown>, { path: string; code: string }]>([
    ['a password under 10 characters', { email: 'someone@example.test', password: 'short' }, { path: 'password', code: 'too_short' }],
    ['an email that is not one', { email: 'not-an-email', password: PASSWORD }, { path: 'email', code: 'invalid_email' }],
    ['no email', { password: PASSWORD }, { path: 'email', code: 'required' }],
    ['the email as the password', { email: 'someone@example.test', password: 'Someone@Example.test' }, { path: 'password', code: 'password_is_email' }],
  ])('refuses %s with 400 naming the field, and makes no owner', async (_, body, error) => {
    const vigil = await start();
    const res = await vigil.api('POST', '/api/setup', body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining(error)]);
    expect((await vigil.api<SessionInfo>('GET', '/api/session')).body.setupRequired).toBe(true);
  });
});

describe('the set-up link in the log', () => {
  let logged: Awaited<ReturnType<typeof startLoggedVigil>>;
  beforeAll(async () => {
    logged = await startLoggedVigil();
  });
  afterAll(async () => {
    await logged?.dispose();
  });

  const elsewhere = { 'x-forwarded-for': '203.0.113.9' };
  /** The token as the log shows it: <url>/setup#token=<token>. */
  const loggedToken = () => {
    const token = setupTokenIn(logged.lines);
    expect(token, 'the log shows <url>/setup#token=<token>').toBeDefined();
    return token!;
  };

  it.each<[string, (token: string) => string]>([
    ['a wrong token', (token) => `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`],
    // As long as the token, but with more bytes than characters: still just wrong, not a 500.
    ['a token with a character outside ASCII', (token) => `é${token.slice(1)}`],
  ])('refuses a caller from elsewhere with %s: 403 setup_not_local', async (_, tokenFrom) => {
    const res = await logged.api('POST', '/api/setup', { email: uniqueEmail(), password: PASSWORD, setupToken: tokenFrom(loggedToken()) }, elsewhere);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'setup_not_local' });
    expect(logged.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('lets a caller from elsewhere set up the owner with the token, once', async () => {
    const token = loggedToken();
    const res = await logged.api<SessionInfo>('POST', '/api/setup', { email: uniqueEmail(), password: PASSWORD, setupToken: token }, elsewhere);
    signedInBy(res, 201);
    const again = await logged.api('POST', '/api/setup', { email: uniqueEmail(), password: PASSWORD, setupToken: token }, elsewhere);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_set_up' });
  });
});

describe('with an owner', () => {
  let vigil: TestVigil;
  // Wrong passwords are sent on purpose here; throttling has a Vigil of its own below.
  useSharedVigil((v) => (vigil = v), { AUTH_FAILURE_LIMIT: '1000' });
  let owner: SignedIn;
  beforeAll(async () => {
    owner = await setUpOwner(vigil);
  });

  const endpointsNow = async () => (await vigil.api<{ items: Endpoint[] }>('GET', '/api/endpoints?limit=100', undefined, owner.headers)).body.items;

  describe('POST /api/session (sign-in)', () => {
    it('signs in with the right password, whatever the email’s letter case, in a session of its own', async () => {
      const again = await signIn(vigil, ` ${owner.user.email.toUpperCase()} `);
      expect(again.token).not.toBe(owner.token);
      expect(again.csrfToken).not.toBe(owner.csrfToken);
      expect(again.user).toMatchObject({ id: owner.user.id, role: 'owner' });
    });

    it('answers a wrong password and an unknown email alike: 401 invalid_credentials, the same body, no cookie', async () => {
      const wrongPassword = await vigil.api('POST', '/api/session', { email: owner.user.email, password: `${PASSWORD}!` });
      const unknownEmail = await vigil.api('POST', '/api/session', { email: uniqueEmail('nobody'), password: PASSWORD });
      for (const res of [wrongPassword, unknownEmail]) {
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 'invalid_credentials' });
        expect(sessionSetCookie(res.headers)).toBeUndefined();
      }
      expect(unknownEmail.body).toEqual(wrongPassword.body);
    });
  });

  describe('session fixation', () => {
    it('never adopts a cookie value the browser brought: sign-in sets a fresh one, and the planted one opens nothing', async () => {
      const planted = 'P'.repeat(43);
      const res = await vigil.api<SessionInfo>('POST', '/api/session', { email: owner.user.email, password: PASSWORD }, cookieOf(planted));
      const signed = signedInBy(res, 200);
      expect(signed.token).not.toBe(planted);
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, cookieOf(planted))).body).toMatchObject({ via: null, user: null });
      expect((await vigil.api('GET', '/api/endpoints', undefined, cookieOf(planted))).status).toBe(401);
      const sessions = (await vigil.api<{ items: SessionSummary[] }>('GET', '/api/sessions', undefined, signed.headers)).body.items;
      expect(sessions.map((s) => s.id)).not.toContain(sessionIdOf(planted));
    });

    it("never turns an attacker's own live session into the victim's: signing in over it makes another one", async () => {
      const attacker = await invitePerson(vigil, owner, 'viewer');
      const victim = signedInBy(
        await vigil.api<SessionInfo>('POST', '/api/session', { email: owner.user.email, password: PASSWORD }, cookieOf(attacker.token)),
        200,
      );
      expect(victim.token).not.toBe(attacker.token);
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, cookieOf(attacker.token))).body).toMatchObject({
        role: 'viewer',
        user: { id: attacker.user.id },
      });
      expect((await vigil.api('GET', '/api/users', undefined, cookieOf(attacker.token))).status).toBe(403);
    });
  });

  describe('sessions ended', () => {
    /** One person signed in in two browsers. */
    async function twoBrowsers(): Promise<[SignedIn, SignedIn]> {
      const first = await invitePerson(vigil, owner, 'editor');
      return [first, await signIn(vigil, first.user.email)];
    }

    it('lists a person’s own sessions, this one marked, by an id that is not the cookie', async () => {
      const [first, second] = await twoBrowsers();
      const res = await vigil.api<{ items: SessionSummary[] }>('GET', '/api/sessions', undefined, first.headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const items = res.body.items;
      expect(items.map((s) => s.id).sort()).toEqual([sessionIdOf(first.token), sessionIdOf(second.token)].sort());
      expect(items.find((s) => s.current)?.id).toBe(sessionIdOf(first.token));
      expect(JSON.stringify(res.body)).not.toContain(first.token);
      expect(JSON.stringify(res.body)).not.toContain(second.token);
    });

    it('ends every other browser at once with DELETE /api/sessions; this one stays signed in', async () => {
      const [keeper, other] = await twoBrowsers();
      const ended = await vigil.api('DELETE', '/api/sessions', undefined, keeper.headers);
      expect(ended.status).toBe(200);
      expect(ended.body).toEqual({ ended: 1 });
      expect((await vigil.api('GET', '/api/endpoints', undefined, other.headers)).status).toBe(401);
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, other.headers)).body.via).toBeNull();
      expect((await vigil.api('GET', '/api/endpoints', undefined, keeper.headers)).status).toBe(200);
      // (A realtime connection the other browser had open is not closed; a new one is refused.)
      expect(await realtimeLetsIn(vigil, other.token)).toEqual(NOBODY_GETS_IN);
      expect(await realtimeLetsIn(vigil, keeper.token)).toEqual(ALL_LET_IN);
    });

    it('ends one session by its id, only the person’s own: another person’s is 404 and lives on', async () => {
      const [first, second] = await twoBrowsers();
      const stranger = await invitePerson(vigil, owner, 'viewer');
      const theirs = await vigil.api('DELETE', `/api/sessions/${encodeURIComponent(sessionIdOf(stranger.token))}`, undefined, first.headers);
      expect(theirs.status).toBe(404);
      expect((await vigil.api('GET', '/api/endpoints', undefined, stranger.headers)).status).toBe(200);

      const id = encodeURIComponent(sessionIdOf(second.token));
      expect((await vigil.api('DELETE', `/api/sessions/${id}`, undefined, first.headers)).status).toBe(204);
      expect((await vigil.api('GET', '/api/endpoints', undefined, second.headers)).status).toBe(401);
      expect((await vigil.api('DELETE', `/api/sessions/${id}`, undefined, first.headers)).status).toBe(404);
      expect((await vigil.api('GET', '/api/endpoints', undefined, first.headers)).status).toBe(200);
    });

    it('signs this browser out with DELETE /api/session: the cookie is cleared and its token opens nothing more', async () => {
      const [leaving, staying] = await twoBrowsers();
      const res = await vigil.api('DELETE', '/api/session', undefined, leaving.headers);
      expect(res.status).toBe(204);
      expect(sessionSetCookie(res.headers)).toMatch(/^vigil_session=;/);
      expect(sessionSetCookie(res.headers)).toMatch(/Max-Age=0/i);
      expect(sessionTokenOf(res.headers)).toBeUndefined();
      expect((await vigil.api('GET', '/api/endpoints', undefined, leaving.headers)).status).toBe(401);
      expect(await realtimeLetsIn(vigil, leaving.token)).toEqual(NOBODY_GETS_IN);
      expect((await vigil.api('GET', '/api/endpoints', undefined, staying.headers)).status).toBe(200);
    });
  });

  describe('roles', () => {
    it('takes a role change into account at the signed-in person’s next request, and their key’s', async () => {
      const person = await invitePerson(vigil, owner, 'editor');
      const key = await vigil.api('POST', '/api/keys', { name: 'deploy script', scope: 'write' }, person.headers);
      const byKey = { authorization: `Bearer ${key.body.secret}` };
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), person.headers)).status).toBe(201);
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), byKey)).status).toBe(201);

      const demoted = await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'viewer' }, owner.headers);
      expect(demoted.status).toBe(200);
      expect(demoted.body).toMatchObject({ id: person.user.id, role: 'viewer' });
      const refused = await vigil.api('POST', '/api/endpoints', endpointInput(), person.headers);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'forbidden_role' });
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, person.headers)).body.role).toBe('viewer');
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), byKey)).status).toBe(403);

      expect((await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'owner' }, owner.headers)).status).toBe(200);
      expect((await vigil.api('GET', '/api/users', undefined, person.headers)).status).toBe(200);
      // Two owners: one may step down now, and it shows at once.
      expect((await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'editor' }, person.headers)).status).toBe(200);
      expect((await vigil.api('GET', '/api/users', undefined, person.headers)).status).toBe(403);
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), person.headers)).status).toBe(201);
    });

    it('keeps the last owner: neither demoted nor removed (409 last_owner)', async () => {
      const demote = await vigil.api('PATCH', `/api/users/${owner.user.id}`, { role: 'editor' }, owner.headers);
      expect(demote.status).toBe(409);
      expect(demote.body).toMatchObject({ code: 'last_owner' });
      const remove = await vigil.api('DELETE', `/api/users/${owner.user.id}`, undefined, owner.headers);
      expect(remove.status).toBe(409);
      expect(remove.body).toMatchObject({ code: 'last_owner' });
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, owner.headers)).body.role).toBe('owner');
    });

    it('ends a removed person’s sessions and keys, and they cannot sign in again', async () => {
      const person = await invitePerson(vigil, owner, 'editor');
      const key = await vigil.api('POST', '/api/keys', { name: 'deploy script', scope: 'write' }, person.headers);
      expect(key.status).toBe(201);
      const byKey = { authorization: `Bearer ${key.body.secret}` };
      expect((await vigil.api('GET', '/api/endpoints', undefined, byKey)).status).toBe(200);
      expect((await vigil.api('DELETE', `/api/users/${person.user.id}`, undefined, owner.headers)).status).toBe(204);
      expect((await vigil.api('GET', '/api/endpoints', undefined, person.headers)).status).toBe(401);
      expect((await vigil.api('GET', '/api/endpoints', undefined, byKey)).status).toBe(401);
      expect(await realtimeLetsIn(vigil, person.token)).toEqual(NOBODY_GETS_IN);
      expect((await vigil.api('POST', '/api/session', { email: person.user.email, password: PASSWORD })).status).toBe(401);
    });

    it('refuses an unknown role (400) and an unknown person (404)', async () => {
      const person = await invitePerson(vigil, owner, 'viewer');
      const bad = await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'admin' }, owner.headers);
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'role', code: 'invalid_choice' })]);
      expect((await vigil.api('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { role: 'editor' }, owner.headers)).status).toBe(404);
      expect((await vigil.api('DELETE', '/api/users/not-a-uuid', undefined, owner.headers)).status).toBe(404);
    });
  });

  describe('invites', () => {
    it('makes an account with the invite’s role, and shows its link once', async () => {
      const made = await invite(vigil, owner, 'editor');
      expect(made.url).toMatch(new RegExp(`/invite#token=${made.token}$`));
      const listed = (await vigil.api('GET', '/api/invites', undefined, owner.headers)).body.items;
      expect(listed).toContainEqual(expect.objectContaining({ id: made.id, role: 'editor', email: null, invitedBy: owner.user.email }));
      expect(JSON.stringify(listed)).not.toContain(made.token);
      expect((await vigil.api('GET', `/api/invitations/${made.token}`)).body).toMatchObject({ role: 'editor', email: null, invitedBy: owner.user.email });
      const person = signedInBy(await vigil.api<SessionInfo>('POST', `/api/invitations/${made.token}`, { email: uniqueEmail(), password: PASSWORD }), 201);
      expect(person.user.role).toBe('editor');
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), person.headers)).status).toBe(201);
    });

    it('is for the email it names only', async () => {
      const email = uniqueEmail('named');
      const made = await invite(vigil, owner, 'viewer', email);
      expect((await vigil.api('GET', `/api/invitations/${made.token}`)).body).toMatchObject({ email });
      const other = await vigil.api('POST', `/api/invitations/${made.token}`, { email: uniqueEmail('other'), password: PASSWORD });
      expect(other.status).toBe(400);
      expect(other.body.errors).toEqual([expect.objectContaining({ path: 'email', code: 'invite_for_other_email' })]);
      expect(sessionSetCookie(other.headers)).toBeUndefined();
      const person = signedInBy(
        await vigil.api<SessionInfo>('POST', `/api/invitations/${made.token}`, { email: email.toUpperCase(), password: PASSWORD }),
        201,
      );
      expect(person.user).toMatchObject({ email, role: 'viewer' });
    });

    it('is used once: a second acceptance is 409 invite_not_valid', async () => {
      const made = await invite(vigil, owner, 'editor');
      signedInBy(await vigil.api<SessionInfo>('POST', `/api/invitations/${made.token}`, { email: uniqueEmail(), password: PASSWORD }), 201);
      const again = await vigil.api('POST', `/api/invitations/${made.token}`, { email: uniqueEmail(), password: PASSWORD });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'invite_not_valid' });
      expect(sessionSetCookie(again.headers)).toBeUndefined();
      expect((await vigil.api('GET', `/api/invitations/${made.token}`)).status).toBe(409);
    });

    it('withdrawn, opens nothing: 409 invite_not_valid', async () => {
      const made = await invite(vigil, owner, 'owner');
      expect((await vigil.api('DELETE', `/api/invites/${made.id}`, undefined, owner.headers)).status).toBe(204);
      const preview = await vigil.api('GET', `/api/invitations/${made.token}`);
      expect(preview.status).toBe(409);
      expect(preview.body).toMatchObject({ code: 'invite_not_valid' });
      const accepted = await vigil.api('POST', `/api/invitations/${made.token}`, { email: uniqueEmail(), password: PASSWORD });
      expect(accepted.status).toBe(409);
      expect(accepted.body).toMatchObject({ code: 'invite_not_valid' });
      expect((await vigil.api('GET', '/api/invites', undefined, owner.headers)).body.items.map((i: { id: string }) => i.id)).not.toContain(made.id);
    });

    it('accepted twice at once, makes one account', async () => {
      const made = await invite(vigil, owner, 'editor');
      const emails = [uniqueEmail('first'), uniqueEmail('second'), uniqueEmail('third')];
      const answers = await Promise.all(emails.map((email) => vigil.api('POST', `/api/invitations/${made.token}`, { email, password: PASSWORD })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
      const people = (await vigil.api('GET', '/api/users', undefined, owner.headers)).body.items.map((u: { email: string }) => u.email);
      expect(emails.filter((email) => people.includes(email))).toHaveLength(1);
    });

    it('accepted with an email that has an account already: 409 email_taken, and the invite stays usable', async () => {
      const made = await invite(vigil, owner, 'viewer');
      const taken = await vigil.api('POST', `/api/invitations/${made.token}`, { email: owner.user.email, password: PASSWORD });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'email_taken' });
      signedInBy(await vigil.api<SessionInfo>('POST', `/api/invitations/${made.token}`, { email: uniqueEmail(), password: PASSWORD }), 201);
    });
  });

  describe('CSRF', () => {
    it('refuses a write by cookie without X-CSRF-Token: 403 csrf_token, and nothing is made', async () => {
      const before = await endpointsNow();
      const res = await vigil.api('POST', '/api/endpoints', endpointInput(), cookieOf(owner.token));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'csrf_token' });
      expect(await endpointsNow()).toEqual(before);
    });

    it.each<[string, () => string]>([
      ['a made-up token', () => 'x'.repeat(owner.csrfToken.length)],
      ['the token of another session of the same person', () => ''],
    ])('refuses a write by cookie with %s: 403 csrf_token', async (what, tokenOf) => {
      const before = await endpointsNow();
      const token = tokenOf() || (await signIn(vigil, owner.user.email)).csrfToken;
      expect(token, what).not.toBe(owner.csrfToken);
      const res = await vigil.api('POST', '/api/endpoints', endpointInput(), { ...cookieOf(owner.token), 'x-csrf-token': token });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'csrf_token' });
      expect(await endpointsNow()).toEqual(before);
    });

    it('refuses a token as long as the right one but with a character outside ASCII: 403 csrf_token, not a 500', async () => {
      const before = await endpointsNow();
      const token = `é${owner.csrfToken.slice(1)}`;
      const res = await vigil.api('POST', '/api/endpoints', endpointInput(), { ...cookieOf(owner.token), 'x-csrf-token': token });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'csrf_token' });
      expect(await endpointsNow()).toEqual(before);
    });

    it('asks it of every kind of write: DELETE /api/sessions and an owner’s PATCH of a person', async () => {
      const person = await invitePerson(vigil, owner, 'viewer');
      const signOutOthers = await vigil.api('DELETE', '/api/sessions', undefined, cookieOf(owner.token));
      expect(signOutOthers.body).toMatchObject({ code: 'csrf_token' });
      const promote = await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'owner' }, cookieOf(owner.token));
      expect(promote.body).toMatchObject({ code: 'csrf_token' });
      expect((await vigil.api<SessionInfo>('GET', '/api/session', undefined, person.headers)).body.role).toBe('viewer');
    });

    it('takes the right token, and asks none of a read', async () => {
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), owner.headers)).status).toBe(201);
      expect((await vigil.api('GET', '/api/endpoints', undefined, cookieOf(owner.token))).status).toBe(200);
    });

    it('does not take the token alone as a credential', async () => {
      expect((await vigil.api('POST', '/api/endpoints', endpointInput(), { 'x-csrf-token': owner.csrfToken })).status).toBe(401);
    });

    it.each<[string, string]>([
      ['POST', '/api/session'],
      ['POST', '/api/setup'],
      ['POST', '/api/invites'],
      ['POST', '/api/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['PATCH', '/api/users/00000000-0000-4000-8000-000000000000'],
    ])('refuses %s %s a JSON body sent without Content-Type (415), as every route reading JSON does', async (method, path) => {
      // A page of another origin can send such a body without a CORS preflight (a Blob without a type).
      const res = await fetch(`http://127.0.0.1:${vigil.port}${path}`, {
        method,
        headers: owner.headers,
        body: new Blob([JSON.stringify({ email: owner.user.email, password: PASSWORD, role: 'viewer' })]),
      });
      expect(res.status).toBe(415);
      expect(sessionSetCookie(res.headers)).toBeUndefined();
    });
  });

  describe('the session cookie', () => {
    it('is HttpOnly, SameSite=Lax, for the whole site, lasts SESSION_MAX_HOURS, and is not Secure over plain HTTP without PUBLIC_URL', async () => {
      const line = (await signIn(vigil, owner.user.email)).setCookie;
      const attributes = line.split(';').map((part) => part.trim().toLowerCase());
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('path=/');
      expect(attributes).not.toContain('secure');
      const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))?.slice('max-age='.length));
      expect(maxAge).toBeGreaterThan(720 * 3600 - 60);
      expect(maxAge).toBeLessThanOrEqual(720 * 3600);
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    });
  });
});

describe('two owners', () => {
  const start = useVigilPerTest();

  it('demoting each other at once: one of them stays owner', async () => {
    const vigil = await start();
    const first = await setUpOwner(vigil);
    const second = await invitePerson(vigil, first, 'owner');
    const answers = await Promise.all([
      vigil.api('PATCH', `/api/users/${second.user.id}`, { role: 'viewer' }, first.headers),
      vigil.api('PATCH', `/api/users/${first.user.id}`, { role: 'viewer' }, second.headers),
    ]);
    // Either one demotes the other first (the loser is then refused: 403 as a viewer now, or 409 as the last owner).
    expect(answers.map((a) => a.status).sort()).toEqual([200, expect.any(Number)]);
    const roles = await Promise.all(
      [first, second].map(async (person) => (await vigil.api<SessionInfo>('GET', '/api/session', undefined, person.headers)).body.role),
    );
    expect(roles.sort()).toEqual(['owner', 'viewer']);
  });

  it('removing each other at once: one of them stays', async () => {
    const vigil = await start();
    const first = await setUpOwner(vigil);
    const second = await invitePerson(vigil, first, 'owner');
    await Promise.all([
      vigil.api('DELETE', `/api/users/${second.user.id}`, undefined, first.headers),
      vigil.api('DELETE', `/api/users/${first.user.id}`, undefined, second.headers),
    ]);
    const alive = await Promise.all(
      [first, second].map(async (person) => (await vigil.api<SessionInfo>('GET', '/api/session', undefined, person.headers)).body.role),
    );
    expect(alive.filter((role) => role === 'owner')).toHaveLength(1);
  });
});

describe('throttled sign-in', () => {
  let vigil: TestVigil;
  useSharedVigil((v) => (vigil = v), { AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: 'true', API_KEY: 'bootstrap-key' });
  let owner: SignedIn;
  beforeAll(async () => {
    // Under TRUST_PROXY nothing counts as this machine: API_KEY, the bootstrap key, makes the owner.
    const made = await vigil.api<SessionInfo>(
      'POST',
      '/api/setup',
      { email: uniqueEmail('owner'), password: PASSWORD },
      { authorization: 'Bearer bootstrap-key' },
    );
    owner = signedInBy(made, 201);
  });

  it('answers 429 with Retry-After once an address has sent AUTH_FAILURE_LIMIT wrong passwords, the right one too; other addresses sign in', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < 3; i++) {
      const email = i === 1 ? uniqueEmail('nobody') : owner.user.email;
      expect((await vigil.api('POST', '/api/session', { email, password: `wrong-${i}-password` }, from('203.0.113.7'))).status).toBe(401);
    }
    const refused = await vigil.api('POST', '/api/session', { email: owner.user.email, password: PASSWORD }, from('203.0.113.7'));
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_attempts' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(sessionSetCookie(refused.headers)).toBeUndefined();
    await signIn(vigil, owner.user.email, PASSWORD, from('198.51.100.2'));
  });
});

describe('with API_KEY', () => {
  let vigil: TestVigil;
  useSharedVigil((v) => (vigil = v), { API_KEY: KEY });
  let owner: SignedIn;
  beforeAll(async () => {
    owner = await setUpOwner(vigil);
  });

  it('writes by Bearer key need no CSRF token, with or without a cookie', async () => {
    expect((await vigil.api('POST', '/api/endpoints', endpointInput(), { authorization: `Bearer ${KEY}` })).status).toBe(201);
    expect((await vigil.api('POST', '/api/endpoints', endpointInput(), { authorization: `Bearer ${KEY}`, ...cookieOf(owner.token) })).status).toBe(201);
  });

  it('a wrong key is refused even beside a live cookie', async () => {
    expect((await vigil.api('POST', '/api/endpoints', endpointInput(), { authorization: 'Bearer wrong', ...owner.headers })).status).toBe(401);
  });
});

describe('with an https:// PUBLIC_URL', () => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil({ PUBLIC_URL: 'https://vigil.example.test' });
  });
  afterAll(async () => {
    await vigil?.dispose();
    expect(vigil?.errors ?? []).toEqual([]);
  });

  it('makes the cookie Secure at set-up, sign-in, an accepted invite and sign-out', async () => {
    const secure = (line: string | undefined) => line?.split(';').map((part) => part.trim().toLowerCase()) ?? [];
    const owner = await setUpOwner(vigil);
    expect(secure(owner.setCookie)).toContain('secure');
    expect(secure((await signIn(vigil, owner.user.email)).setCookie)).toContain('secure');
    const person = await invitePerson(vigil, owner, 'viewer');
    expect(secure(person.setCookie)).toContain('secure');
    const out = await vigil.api('DELETE', '/api/session', undefined, person.headers);
    expect(secure(sessionSetCookie(out.headers))).toContain('secure');
    const made = await invite(vigil, owner, 'viewer');
    expect(made.url).toMatch(/^https:\/\/vigil\.example\.test\/invite#token=/);
  });
});
