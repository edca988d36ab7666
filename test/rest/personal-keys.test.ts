import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitePerson, setUpOwner, type SignedIn } from '../support/accounts.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const endpoint = (name: string) => ({ name, url: 'http://127.0.0.1:9/', intervalSeconds: 3600 });

describe('personal API keys', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  let editor: SignedIn;
  beforeAll(async () => {
    vigil = await startTestVigil({ AUTH_FAILURE_LIMIT: '1000' });
    owner = await setUpOwner(vigil);
    editor = await invitePerson(vigil, owner, 'editor');
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  async function makeKey(person: SignedIn, fields: Record<string, unknown>): Promise<{ id: string; secret: string; prefix: string; scope: string }> {
    const made = await vigil.api('POST', '/api/keys', fields, person.headers);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    return made.body;
  }

  it('is shown once, listed by its first characters only, and stored as a hash', async () => {
    const key = await makeKey(editor, { name: 'deploy script', scope: 'write' });
    expect(key.secret).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 8));
    const listed = await vigil.api('GET', '/api/keys', undefined, editor.headers);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: key.id, name: 'deploy script', scope: 'write', expiresAt: null, lastUsedAt: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.secret);
    const stored = await vigil.database.db.query.apiKeys.findFirst({ where: (k, { eq }) => eq(k.id, key.id) });
    expect(JSON.stringify(stored)).not.toContain(key.secret.slice(8));
  });

  it('acts as its person with the key’s scope: a read key reads, a write key writes what the role may', async () => {
    const read = await makeKey(editor, { name: 'dashboard tv' });
    const write = await makeKey(editor, { name: 'terraform', scope: 'write' });
    expect((await vigil.api('GET', '/api/endpoints', undefined, bearer(read.secret))).status).toBe(200);
    const refused = await vigil.api('POST', '/api/endpoints', endpoint('by a read key'), bearer(read.secret));
    expect([refused.status, refused.body.code]).toEqual([403, 'key_read_only']);
    const created = await vigil.api('POST', '/api/endpoints', endpoint('by a write key'), bearer(write.secret));
    expect(created.status).toBe(201);
    // An editor's key is an editor's: no owner routes; and no CSRF token is needed with a key.
    expect((await vigil.api('GET', '/api/users', undefined, bearer(write.secret))).body.code).toBe('forbidden_role');
    expect((await vigil.api('POST', '/api/import', { version: 1, endpoints: [] }, bearer(write.secret))).status).toBe(403);
    // Keys cannot make keys or manage sessions: a leaked key cannot make itself a successor.
    expect((await vigil.api('POST', '/api/keys', { name: 'successor' }, bearer(write.secret))).status).toBe(403);
    expect((await vigil.api('DELETE', '/api/sessions', undefined, bearer(write.secret))).status).toBe(403);
    // The last use is recorded, with where from.
    const mine = await waitFor(async () => {
      const items = (await vigil.api('GET', '/api/keys', undefined, editor.headers)).body.items as { id: string; lastUsedAt: string | null }[];
      return items.find((k) => k.id === write.id && k.lastUsedAt);
    });
    expect(mine).toMatchObject({ lastUsedAddress: '127.0.0.1' });
  });

  it('follows its person: a role change applies at once, removal ends the key', async () => {
    const person = await invitePerson(vigil, owner, 'editor');
    const key = await makeKey(person, { name: 'ci', scope: 'write' });
    expect((await vigil.api('POST', '/api/endpoints', endpoint('as editor'), bearer(key.secret))).status).toBe(201);
    expect((await vigil.api('PATCH', `/api/users/${person.user.id}`, { role: 'viewer' }, owner.headers)).status).toBe(200);
    expect((await vigil.api('POST', '/api/endpoints', endpoint('as viewer'), bearer(key.secret))).body.code).toBe('forbidden_role');
    expect((await vigil.api('DELETE', `/api/users/${person.user.id}`, undefined, owner.headers)).status).toBe(204);
    expect((await vigil.api('GET', '/api/endpoints', undefined, bearer(key.secret))).status).toBe(401);
  });

  it('is read-only when a viewer makes it: a write key would gain writes the day they were promoted', async () => {
    const viewer = await invitePerson(vigil, owner, 'viewer');
    const refused = await vigil.api('POST', '/api/keys', { name: 'wants writes', scope: 'write' }, viewer.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'scope', code: 'scope_above_role', params: { role: 'viewer' } })]);
    expect((await vigil.api('GET', '/api/keys', undefined, viewer.headers)).body.items).toEqual([]);
    expect((await makeKey(viewer, { name: 'reads', scope: 'read' })).scope).toBe('read');
  });

  it('expires at its time, and is revoked at once by its person or an owner', async () => {
    const soon = await makeKey(editor, { name: 'short-lived', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await vigil.api('GET', '/api/summary', undefined, bearer(soon.secret))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    expect((await vigil.api('GET', '/api/summary', undefined, bearer(soon.secret))).status).toBe(401);
    expect((await vigil.api('GET', '/api/keys', undefined, editor.headers)).body.items).toContainEqual(expect.objectContaining({ id: soon.id, expired: true }));

    const mine = await makeKey(editor, { name: 'to revoke' });
    expect((await vigil.api('GET', '/api/summary', undefined, bearer(mine.secret))).status).toBe(200);
    expect((await vigil.api('DELETE', `/api/keys/${mine.id}`, undefined, editor.headers)).status).toBe(204);
    expect((await vigil.api('GET', '/api/summary', undefined, bearer(mine.secret))).status).toBe(401);

    const theirs = await makeKey(editor, { name: 'owner revokes' });
    // Someone else's key is not found for another non-owner; an owner sees and revokes everyone's.
    const viewer = await invitePerson(vigil, owner, 'viewer');
    expect((await vigil.api('DELETE', `/api/keys/${theirs.id}`, undefined, viewer.headers)).status).toBe(404);
    const all = await vigil.api('GET', '/api/keys?all=true', undefined, owner.headers);
    expect(all.body.items).toContainEqual(expect.objectContaining({ id: theirs.id, userEmail: editor.user.email }));
    expect((await vigil.api('DELETE', `/api/keys/${theirs.id}`, undefined, owner.headers)).status).toBe(204);
    expect((await vigil.api('GET', '/api/summary', undefined, bearer(theirs.secret))).status).toBe(401);
  });

  it('refuses bad input with the field named, and nothing is made', async () => {
    const before = (await vigil.api('GET', '/api/keys', undefined, editor.headers)).body.items.length;
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, 'name', 'required'],
      [{ name: 'x', scope: 'admin' }, 'scope', 'invalid_choice'],
      [{ name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt', 'in_the_past'],
      [{ name: 'x', expiresAt: 'tomorrow' }, 'expiresAt', 'invalid_time'],
      [{ name: 'x', expiresAt: '2999-01-01T00:00:00Z' }, 'expiresAt', 'too_far'],
      [{ name: 'x'.repeat(101) }, 'name', 'too_long'],
      [{ name: 'x', owner: 'me' }, 'owner', 'unknown_field'],
    ];
    for (const [body, path, code] of cases) {
      const answer = await vigil.api('POST', '/api/keys', body, editor.headers);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path, code }));
    }
    expect((await vigil.api('GET', '/api/keys', undefined, editor.headers)).body.items.length).toBe(before);
  });

  it('opens realtime connections as its person', async () => {
    const key = await makeKey(editor, { name: 'wallboard' });
    const socket = io(`http://127.0.0.1:${vigil.port}`, { transports: ['websocket'], auth: { token: key.secret }, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      expect(await socket.emitWithAck('subscribe:all')).toEqual({ ok: true });
    } finally {
      socket.close();
    }
    const wrong = io(`http://127.0.0.1:${vigil.port}`, { transports: ['websocket'], auth: { token: `vk_${'x'.repeat(43)}` }, reconnection: false });
    const refused = await new Promise<string>((resolve) => wrong.on('connect_error', (error) => resolve(error.message)));
    wrong.close();
    expect(refused).toMatch(/^unauthorized: The API key is not valid/);
  });
});

describe('wrong personal keys', () => {
  it('count towards AUTH_FAILURE_LIMIT like wrong API keys, without locking out a right key', async () => {
    const vigil = await startTestVigil({ AUTH_FAILURE_LIMIT: '3' });
    try {
      const owner = await setUpOwner(vigil);
      const made = await vigil.api('POST', '/api/keys', { name: 'right' }, owner.headers);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await vigil.api('GET', '/api/summary', undefined, bearer(`vk_${String(i).repeat(43)}`))).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect((await vigil.api('GET', '/api/summary', undefined, bearer(made.body.secret))).status).toBe(200);
    } finally {
      await vigil.dispose();
    }
  });
});
