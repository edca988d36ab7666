import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, SessionInfo } from '../../server/contract/accounts.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import { PASSWORD, cookieOf, invitePerson, setUpOwner, sessionTokenOf } from '../support/accounts.ts';
import { startFaultTarget } from '../support/fault-target.ts';
import { killNine, startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { apiOf } from '../support/vigil.ts';

/**
 * Accounts through kill -9 (no shutdown code runs), on PGlite's files: what was answered stays
 * true after the restart. Sessions and keys go on working, and ended ones stay ended. The owner
 * stays, so set-up stays closed. Every sign-in answered before the kill works after it, and every
 * change answered has its audit entry: the entry is written before the answer leaves.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const apiTo = (vigil: VigilProcess) => apiOf(Number(new URL(vigil.url).port));

describe('accounts through kill -9', () => {
  it('keeps sessions, keys, the owner and the audit log as answered; ended sessions stay ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-accounts-kill9-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cpSync(inject('pgliteTemplateDir'), join(dir, 'data'), { recursive: true });
    const target = await startFaultTarget();
    cleanups.push(() => target.close());
    const start = async () => {
      const vigil = await startVigilProcess({ env: { DATA_DIR: join(dir, 'data') } });
      cleanups.push(() => vigil.kill());
      return { vigil, api: apiTo(vigil) };
    };

    let { vigil, api } = await start();
    const owner = await setUpOwner({ api });
    const editor = await invitePerson({ api }, owner, 'editor');
    const signedOut = await invitePerson({ api }, owner, 'viewer');
    expect((await api('DELETE', '/api/session', undefined, signedOut.headers)).status).toBe(204);
    const key = await api<{ secret: string }>('POST', '/api/keys', { name: 'deploy script', scope: 'write' }, editor.headers);
    expect(key.status).toBe(201);

    // A burst of sign-ins and creates, killed while it runs.
    const signIns: Promise<{ status: number; token?: string }>[] = [];
    const creates: Promise<{ status: number; id?: string }>[] = [];
    for (let i = 0; i < 12; i++) {
      signIns.push(
        api<SessionInfo>('POST', '/api/session', { email: editor.user.email, password: PASSWORD }).then(
          (answer) => ({ status: answer.status, token: sessionTokenOf(answer.headers) }),
          () => ({ status: 0 }),
        ),
      );
      creates.push(
        api<Endpoint>('POST', '/api/endpoints', { name: `burst ${i}`, url: target.url(`/b/${i}`), intervalSeconds: 60 }, editor.headers).then(
          (answer) => ({ status: answer.status, id: answer.body?.id }),
          () => ({ status: 0 }),
        ),
      );
    }
    // Kill once a few sign-ins were answered (scrypt keeps the rest busy for a while).
    let answered = 0;
    await Promise.race([
      Promise.all([...signIns, ...creates]),
      new Promise<void>((resolve) => {
        for (const signIn of signIns) void signIn.then((a) => a.status === 200 && ++answered === 3 && resolve());
      }),
    ]);
    await killNine(vigil);
    const answeredSignIns = (await Promise.all(signIns)).filter((a) => a.status === 200);
    const answeredCreates = (await Promise.all(creates)).filter((a) => a.status === 201);
    expect(answeredSignIns.length, 'three sign-ins were answered before the kill').toBeGreaterThanOrEqual(3);

    ({ vigil, api } = await start());

    // The owner stays: no set-up page, and set-up refuses.
    const session = await api<SessionInfo>('GET', '/api/session', undefined, owner.headers);
    expect(session.body).toMatchObject({ setupRequired: false, via: 'session', user: { id: owner.user.id }, csrfToken: owner.csrfToken });
    expect((await api('POST', '/api/setup', { email: 'late@example.test', password: PASSWORD, name: 'Late' })).status).toBe(409);

    // Sessions and the key work as before; the signed-out session stays ended.
    expect((await api('POST', '/api/endpoints', { name: 'after', url: target.url('/after'), intervalSeconds: 60 }, editor.headers)).status).toBe(201);
    expect((await api('GET', '/api/endpoints', undefined, { authorization: `Bearer ${key.body.secret}` })).status).toBe(200);
    expect((await api('GET', '/api/endpoints', undefined, signedOut.headers)).status).toBe(401);

    // Every sign-in answered before the kill is a working session now.
    for (const answered of answeredSignIns) {
      const reply = await api<SessionInfo>('GET', '/api/session', undefined, cookieOf(answered.token!));
      expect(reply.body.user?.id, 'a session answered before kill -9').toBe(editor.user.id);
    }

    // Every create answered before the kill is stored, with its audit entry.
    const audit = await api<{ items: AuditEntry[] }>('GET', '/api/audit-log?action=endpoint.created&limit=200', undefined, owner.headers);
    expect(audit.status).toBe(200);
    const audited = new Set(audit.body.items.map((entry) => entry.target?.id));
    for (const created of answeredCreates) {
      expect((await api('GET', `/api/endpoints/${created.id}`, undefined, owner.headers)).status).toBe(200);
      expect(audited.has(created.id), `audit entry of endpoint ${created.id}`).toBe(true);
    }
  }, 120_000);
});
