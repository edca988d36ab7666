import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/services/audit/audit-log.ts';
import { invitePerson, PASSWORD, setUpOwner, type SignedIn } from '../support/accounts.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

interface Entry {
  id: string;
  at: string;
  actor: { id: string | null; name: string; kind: string };
  action: string;
  target: { type: string; id: string | null; name: string | null } | null;
  address: string;
  details: Record<string, unknown>;
}

describe('the audit log', () => {
  let vigil: TestVigil;
  let owner: SignedIn;
  let editor: SignedIn;
  const log = async (query = '') =>
    (await vigil.api<{ items: Entry[]; nextCursor: string | null }>('GET', `/api/audit-log${query}`, undefined, owner.headers)).body;
  beforeAll(async () => {
    vigil = await startTestVigil({ API_KEY: 'automation-key-1', ALLOWED_TARGETS: '127.0.0.1' });
    owner = await setUpOwner(vigil);
    editor = await invitePerson(vigil, owner, 'editor');
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('records who changed which endpoint and how, newest first, with the name even of a deleted one', async () => {
    const created = await vigil.api(
      'POST',
      '/api/endpoints',
      { name: 'Payments API', url: 'http://127.0.0.1:9/health', intervalSeconds: 3600 },
      editor.headers,
    );
    const id = created.body.id as string;
    await vigil.api('PATCH', `/api/endpoints/${id}`, { intervalSeconds: 600, headers: { authorization: 'Bearer target-secret-123' } }, editor.headers);
    await vigil.api('POST', `/api/endpoints/${id}/pause`, undefined, { authorization: 'Bearer automation-key-1' });
    await vigil.api('DELETE', `/api/endpoints/${id}`, undefined, editor.headers);

    const entries = (await log(`?targetType=endpoint&targetId=${id}`)).items;
    expect(entries.map((e) => e.action)).toEqual(['endpoint.deleted', 'endpoint.paused', 'endpoint.updated', 'endpoint.created']);
    for (const entry of entries) expect(entry.target).toEqual({ type: 'endpoint', id, name: 'Payments API' });
    expect(entries[0]!.actor).toEqual({ id: editor.user.id, name: editor.user.email, kind: 'session' });
    expect(entries[1]!.actor).toEqual({ id: null, name: 'API_KEY', kind: 'api-key' });
    expect(entries[2]!.details).toEqual({ fields: ['intervalSeconds', 'headers'] });
    expect(entries[0]!.address).toBe('127.0.0.1');
  });

  it('records sign-ins (how) and failed sign-ins (why), never a password', async () => {
    await vigil.api('POST', '/api/session', { email: editor.user.email, password: 'Wrong-Password-Typed' });
    await vigil.api('POST', '/api/session', { email: 'nobody@example.test', password: 'Another-Wrong-One' });
    await vigil.api('POST', '/api/session', { email: editor.user.email, password: PASSWORD });
    const failed = (await log('?action=session.sign-in-failed')).items;
    expect(failed.slice(0, 2).map((e) => [e.actor.kind, e.target?.name, e.details.reason])).toEqual([
      ['anonymous', 'nobody@example.test', 'invalid_credentials'],
      ['anonymous', editor.user.email, 'invalid_credentials'],
    ]);
    const signedIn = (await log(`?action=session.signed-in&actorId=${editor.user.id}`)).items;
    expect(signedIn[0]).toMatchObject({ actor: { id: editor.user.id, kind: 'session' }, details: { method: 'password' } });
  });

  it('records people, invites and keys, and holds no secret anywhere', async () => {
    const made = await vigil.api(
      'POST',
      '/api/notification-channels',
      { name: 'Ops hook', type: 'webhook', config: { url: 'http://127.0.0.1:9/hook-secret-path', secret: 'hmac-secret-456' } },
      editor.headers,
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const key = await vigil.api('POST', '/api/keys', { name: 'ci', scope: 'write' }, editor.headers);
    const invited = await vigil.api('POST', '/api/invites', { role: 'viewer' }, owner.headers);
    await vigil.api('PATCH', `/api/users/${editor.user.id}`, { role: 'viewer' }, owner.headers);
    await vigil.api('PATCH', `/api/users/${editor.user.id}`, { role: 'editor' }, owner.headers);

    const all = JSON.stringify(await log('?limit=500'));
    for (const secret of [
      PASSWORD,
      'Wrong-Password-Typed',
      'target-secret-123',
      'hook-secret-path',
      'hmac-secret-456',
      key.body.secret,
      invited.body.token,
      'automation-key-1',
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    const roles = (await log(`?action=user.role-changed&targetId=${editor.user.id}`)).items;
    expect(roles.map((e) => e.details.role)).toEqual(['editor', 'viewer']);
    expect((await log('?action=channel.created')).items[0]).toMatchObject({ target: { name: 'Ops hook' }, details: { fields: ['name', 'type', 'config'] } });
    expect((await log('?action=key.created')).items[0]).toMatchObject({ target: { name: 'ci' }, details: { scope: 'write' } });
    expect((await log('?action=invite.created')).items[0]).toMatchObject({ actor: { id: owner.user.id }, details: { role: 'viewer' } });
  });

  it('pages with a cursor and filters by time', async () => {
    const first = await log('?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await log(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.items[0]!.at <= first.items[1]!.at).toBe(true);
    expect(second.items.map((e) => e.id)).not.toContain(first.items[0]!.id);
    expect((await log(`?to=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).items).toEqual([]);
    const bad = await vigil.api('GET', '/api/audit-log?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', undefined, owner.headers);
    expect(bad.status).toBe(400);
    expect((await vigil.api('GET', '/api/audit-log?actorKind=robot', undefined, owner.headers)).status).toBe(400);
  });

  it('is an owner’s only', async () => {
    expect((await vigil.api('GET', '/api/audit-log', undefined, editor.headers)).status).toBe(403);
    expect((await vigil.api('GET', '/api/audit-log')).status).toBe(401);
  });

  it('keeps entries AUDIT_RETENTION_DAYS, pruning older ones (a controllable clock)', async () => {
    let now = Date.parse('2020-06-01T00:00:00Z');
    const audit = new AuditLog(vigil.database.db, { retentionDays: 30, onError: (error) => expect.unreachable(String(error)), now: () => now });
    await audit.record(null, '192.0.2.1', { action: 'test.old', targetType: 'test' });
    now += 20 * 86_400_000;
    await audit.record(null, '192.0.2.1', { action: 'test.newer', targetType: 'test' });
    now += 15 * 86_400_000; // the first is 35 days old, the second 15
    expect(await audit.prune()).toBeGreaterThanOrEqual(1);
    expect((await log('?targetType=test')).items.map((e) => e.action)).toEqual(['test.newer']);
  });
});
