import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '../../server/auth/roles.ts';
import { ROUTE_PERMISSIONS } from '../../server/auth/route-permissions.ts';
import { cookieOf, invitePerson, PASSWORD, setUpOwner, signIn, type SignedIn } from '../support/accounts.ts';
import { closeRealtimeClients, connectSocketIo, connectWs, openSse, UpgradeRefused } from '../support/realtime-clients.ts';
import { type TestVigil, useSharedVigil } from '../support/vigil.ts';

/**
 * The role × route table, walked from the app's own route list (Hono's `app.routes`), so that a
 * route added later is tested without anyone writing a line here: for every /api route and every
 * kind of caller — nobody; a viewer, an editor and the owner by session cookie (with the CSRF
 * token on writes); each of them by a personal key, read-only and read-write; and API_KEY — the
 * answer is what ROUTE_PERMISSIONS promises (docs/accounts.md#roles): 401 for nobody where the
 * route is not public, 403 (forbidden_role) where the caller may not, and neither where it may.
 * Path parameters are random UUIDs, so an allowed call answers 404 or 400 and changes nothing.
 */

const KEY = 'route-permissions-key-0123456789abcdef';

type Person = 'viewer' | 'editor' | 'owner';

/** Who calls: nobody, a person in a browser, a person's key (read-only or read-write), or API_KEY. */
interface Caller {
  name: string;
  via: 'nobody' | 'session' | 'key' | 'API_KEY';
  person?: Person;
  /** A read-only key may not write, whatever its person may. */
  writes: boolean;
}

const CALLERS: Caller[] = [
  { name: 'nobody', via: 'nobody', writes: false },
  ...(['viewer', 'editor', 'owner'] as const).flatMap((person): Caller[] => [
    { name: `a signed-in ${person}`, via: 'session', person, writes: true },
    { name: `${person === 'viewer' ? 'a' : 'an'} ${person}'s read-only key`, via: 'key', person, writes: false },
    { name: `${person === 'viewer' ? 'a' : 'an'} ${person}'s read-write key`, via: 'key', person, writes: true },
  ]),
  { name: 'API_KEY', via: 'API_KEY', writes: true },
];

/**
 * Who may do what each permission asks, written out rather than taken from the server's rule:
 * API_KEY acts as an owner; a personal key as its person; only a browser may touch an account
 * (its sessions, keys, password, two-factor sign-in).
 */
const MAY: Record<Permission, (caller: Caller) => boolean> = {
  public: () => true,
  account: (caller) => caller.via === 'session',
  read: (caller) => caller.via !== 'nobody',
  edit: (caller) => caller.via === 'API_KEY' || caller.person === 'editor' || caller.person === 'owner',
  manage: (caller) => caller.via === 'API_KEY' || caller.person === 'owner',
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The /api routes the app serves, as "METHOD /path" (push pings carry their own token and are answered before authentication). */
function servedRoutes(vigil: TestVigil): string[] {
  const routes = vigil.app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/') && !route.path.startsWith('/api/push/'))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(routes)];
}

/** What a route answered: its status and problem code (an SSE stream is not read). */
interface Answer {
  status: number;
  code: string | undefined;
}

async function call(vigil: TestVigil, route: string, headers: Record<string, string>): Promise<Answer> {
  const [method = '', pattern = ''] = route.split(' ');
  const path = pattern.replace(/:[A-Za-z]+/g, () => randomUUID());
  const withBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
  const res = await fetch(`http://127.0.0.1:${vigil.port}${path}`, {
    method,
    headers: { ...headers, ...(withBody ? { 'content-type': 'application/json' } : {}) },
    body: withBody ? '{}' : undefined,
  });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, code: undefined };
  }
  const text = await res.text();
  const body = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
  return { status: res.status, code: body?.code };
}

/** What the table says `caller` must get from `route`, as a line of text. */
function expected(route: string, permission: Permission, caller: Caller): string {
  const write = WRITES.has(route.split(' ')[0]!);
  if (permission === 'public') return 'allowed';
  if (caller.via === 'nobody') return '401';
  if (MAY[permission](caller) && (caller.writes || !write)) return 'allowed';
  // A person below the route's role is told so; a key kept from an account is refused all the same.
  return caller.via === 'session' ? '403 forbidden_role' : '403';
}

/** The same line of text for what the route answered. */
function observed(answer: Answer, caller: Caller): string {
  if (answer.status === 401) return '401';
  if (answer.status === 403) return caller.via === 'session' ? `403 ${answer.code}` : '403';
  // Neither refused nor broken: a random id is unknown (404), an empty body not enough (400), a read answers.
  return answer.status < 500 ? 'allowed' : `${answer.status}`;
}

describe('the role × route table', () => {
  let vigil: TestVigil;
  useSharedVigil((v) => (vigil = v), { API_KEY: KEY });

  const emails: Record<Person, string> = { viewer: '', editor: '', owner: '' };
  /** Each person's keys, by scope. */
  const keys: Record<Person, { read: string; write: string }> = {
    viewer: { read: '', write: '' },
    editor: { read: '', write: '' },
    owner: { read: '', write: '' },
  };
  beforeAll(async () => {
    const owner = await setUpOwner(vigil);
    const people: Record<Person, SignedIn> = {
      owner,
      editor: await invitePerson(vigil, owner, 'editor'),
      // Made an editor first: a viewer may make read keys only, and the write key of an editor
      // later made a viewer is what a viewer can hold.
      viewer: await invitePerson(vigil, owner, 'editor'),
    };
    for (const person of ['viewer', 'editor', 'owner'] as const) {
      emails[person] = people[person].user.email;
      for (const scope of ['read', 'write'] as const) {
        const made = await vigil.api('POST', '/api/keys', { name: `${person} ${scope}`, scope }, people[person].headers);
        expect(made.status, JSON.stringify(made.body)).toBe(201);
        keys[person][scope] = made.body.secret;
      }
    }
    expect((await vigil.api('PATCH', `/api/users/${people.viewer.user.id}`, { role: 'viewer' }, owner.headers)).status).toBe(200);
  });
  afterEach(async () => {
    await closeRealtimeClients();
  });

  /** A fresh browser of the caller (signing out is one of the routes walked), its key, or nothing. */
  async function headersOf(caller: Caller): Promise<Record<string, string>> {
    if (caller.via === 'nobody') return {};
    if (caller.via === 'API_KEY') return { authorization: `Bearer ${KEY}` };
    if (caller.via === 'key') return { authorization: `Bearer ${keys[caller.person!][caller.writes ? 'write' : 'read']}` };
    return (await signIn(vigil, emails[caller.person!])).headers;
  }
  const callerNamed = (name: string) => CALLERS.find((caller) => caller.name === name)!;

  it('has an entry for every /api route the app serves, so that no new route is left to the default', () => {
    const missing = servedRoutes(vigil).filter((route) => !(route in ROUTE_PERMISSIONS));
    expect(missing).toEqual([]);
  });

  it('names each route of the table as "METHOD /api/path"', () => {
    const malformed = Object.keys(ROUTE_PERMISSIONS).filter((route) => !/^(?:GET|POST|PUT|PATCH|DELETE) \/api\/[A-Za-z0-9/:._-]+$/.test(route));
    expect(malformed).toEqual([]);
  });

  it('keeps people, invites, import, the audit log and the push tokens above a viewer, and keys away from keys (the table itself cannot loosen them unnoticed)', () => {
    expect(
      Object.fromEntries(
        [
          'GET /api/users',
          'PATCH /api/users/:id',
          'DELETE /api/users/:id',
          'GET /api/invites',
          'POST /api/invites',
          'DELETE /api/invites/:id',
          'POST /api/import',
          'GET /api/endpoints/:id/push-url',
          'POST /api/endpoints/:id/push-url',
          'GET /api/status-pages/:id/subscribers',
          'GET /api/audit-log',
          'GET /api/keys',
          'POST /api/keys',
          'DELETE /api/keys/:id',
          'GET /api/sessions',
        ].map((route) => [route, ROUTE_PERMISSIONS[route]]),
      ),
    ).toEqual({
      'GET /api/users': 'manage',
      'PATCH /api/users/:id': 'manage',
      'DELETE /api/users/:id': 'manage',
      'GET /api/invites': 'manage',
      'POST /api/invites': 'manage',
      'DELETE /api/invites/:id': 'manage',
      'POST /api/import': 'manage',
      'GET /api/endpoints/:id/push-url': 'edit',
      'POST /api/endpoints/:id/push-url': 'edit',
      'GET /api/status-pages/:id/subscribers': 'edit',
      'GET /api/audit-log': 'manage',
      // A key cannot make, see or revoke keys, nor end sessions.
      'GET /api/keys': 'account',
      'POST /api/keys': 'account',
      'DELETE /api/keys/:id': 'account',
      'GET /api/sessions': 'account',
    });
  });

  it.each(CALLERS.map((caller) => [caller.name, caller] as const))('answers %s on every route as the table says', async (_, caller) => {
    // Signing out ends the browser's session: that route goes last.
    const routes = servedRoutes(vigil).sort((a, b) => Number(a === 'DELETE /api/session') - Number(b === 'DELETE /api/session'));
    expect(routes.length).toBeGreaterThan(60);
    const headers = await headersOf(caller);
    const wrong: string[] = [];
    for (const route of routes) {
      const permission = ROUTE_PERMISSIONS[route] ?? 'manage';
      const want = expected(route, permission, caller);
      const answer = await call(vigil, route, headers);
      const got = observed(answer, caller);
      if (got !== want) wrong.push(`${route} (${permission}): expected ${want}, got ${answer.status} ${answer.code ?? ''}`.trim());
    }
    expect(wrong).toEqual([]);
  });

  it.each(CALLERS.map((caller) => [caller.name, caller] as const))(
    'lets only an owner export the secrets (GET /api/export?secrets=include): %s',
    async (_, caller) => {
      const headers = await headersOf(caller);
      const res = await fetch(`http://127.0.0.1:${vigil.port}/api/export?secrets=include`, { headers });
      const body = await res.json();
      // The secrets are what a write key could set: a read-only key, even an owner's, does not get them.
      const want = caller.via === 'key' && !caller.writes ? '403' : expected('GET /api/export', 'manage', caller);
      expect(observed({ status: res.status, code: body.code }, caller), JSON.stringify(body)).toBe(want);
      // Without the secrets, every reader may export.
      const redacted = await fetch(`http://127.0.0.1:${vigil.port}/api/export`, { headers });
      expect(redacted.status).toBe(caller.via === 'nobody' ? 401 : 200);
      await redacted.body?.cancel();
    },
  );

  it.each(['secrets=redact&secrets=include', 'secrets=include&secrets=redact'])(
    'gives a viewer no secret for a repeated parameter (?%s): refused, or redacted',
    async (query) => {
      const secret = `Bearer export-secret-${randomUUID()}`;
      const created = await vigil.api(
        'POST',
        '/api/endpoints',
        { name: 'With a secret', url: 'http://127.0.0.1:9/never-checked', paused: true, headers: { Authorization: secret } },
        { authorization: `Bearer ${KEY}` },
      );
      expect(created.status).toBe(201);
      const withSecrets = await (
        await fetch(`http://127.0.0.1:${vigil.port}/api/export?secrets=include`, { headers: { authorization: `Bearer ${KEY}` } })
      ).text();
      expect(withSecrets, 'the owner’s export holds it').toContain(secret);

      const res = await fetch(`http://127.0.0.1:${vigil.port}/api/export?${query}`, { headers: await headersOf(callerNamed('a signed-in viewer')) });
      const text = await res.text();
      expect([200, 400, 403]).toContain(res.status);
      expect(text).not.toContain(secret);
      await vigil.api('DELETE', `/api/endpoints/${created.body.id}`, undefined, { authorization: `Bearer ${KEY}` });
    },
  );

  describe('realtime', () => {
    it('lets a viewer connect Socket.io, /ws and SSE with only the session cookie', async () => {
      const viewer: SignedIn = await signIn(vigil, emails.viewer, PASSWORD);
      const sio = await connectSocketIo(vigil.port, { extraHeaders: cookieOf(viewer.token), reconnection: false });
      expect(await sio.command('subscribe:all')).toEqual({ ok: true });
      const ws = await connectWs(vigil.port, { headers: cookieOf(viewer.token) });
      expect(await ws.command('subscribe:all')).toEqual({ ok: true });
      const sse = await openSse(vigil.port, '', cookieOf(viewer.token));
      expect(sse.response.status).toBe(200);
    });

    it('refuses all three to a caller with no cookie and no key once an owner exists', async () => {
      await expect(connectSocketIo(vigil.port, { reconnection: false })).rejects.toThrow(/unauthori[sz]ed/i);
      const ws = await connectWs(vigil.port).catch((error: unknown) => error);
      expect(ws).toBeInstanceOf(UpgradeRefused);
      expect((ws as UpgradeRefused).status).toBe(401);
      const sse = await fetch(`http://127.0.0.1:${vigil.port}/api/events`);
      expect(sse.status).toBe(401);
      await sse.body?.cancel();
    });

    it('refuses all three to a cookie that names no session', async () => {
      const forged = cookieOf('A'.repeat(43));
      await expect(connectSocketIo(vigil.port, { extraHeaders: forged, reconnection: false })).rejects.toThrow(/unauthori[sz]ed/i);
      const ws = await connectWs(vigil.port, { headers: forged }).catch((error: unknown) => error);
      expect((ws as UpgradeRefused).status).toBe(401);
      const sse = await fetch(`http://127.0.0.1:${vigil.port}/api/events`, { headers: forged });
      expect(sse.status).toBe(401);
      await sse.body?.cancel();
    });
  });
});
