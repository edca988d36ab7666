/**
 * The certificate of an https target, seen by a real Vigil process that trusts a CA made by the
 * test (NODE_EXTRA_CA_CERTS, as a self-hoster trusts a private CA): days to expiry judged by a
 * certificateDays assertion, an expired certificate refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Endpoint } from '../server/contract/types.ts';
import { createTestCa, days } from './support/certificates.ts';
import { startVigilProcess, type VigilProcess } from './support/vigil-process.ts';
import { createTestDatabase, type TestDatabase } from './support/vigil.ts';

let dir: string;
let vigil: VigilProcess;
let database: TestDatabase;
const servers: https.Server[] = [];
let soon: string;
let expired: string;

/** An https server on 127.0.0.1 answering 200 {"status":"ok"} with this certificate. */
async function httpsTarget(certificate: { certPem: string; keyPem: string }): Promise<string> {
  const server = https.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  const ca = await createTestCa();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  // Expires in 3 days and 1 hour: 3 whole days left.
  soon = await httpsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(3.04) }));
  expired = await httpsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(-1) }));
  database = await createTestDatabase();
  vigil = await startVigilProcess({ env: { ...database.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') } });
}, 60_000);

afterAll(async () => {
  await vigil?.kill();
  await database?.dispose();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

async function send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await vigil.fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as T };
}

async function checkOnce(url: string, assertions: unknown[]): Promise<Check> {
  const created = await send<Endpoint>('POST', '/api/endpoints', { name: `TLS ${url}`, url, paused: true, assertions });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const check = await send<Check>('POST', `/api/endpoints/${created.body.id}/check`);
  expect(check.status).toBe(200);
  return check.body;
}

describe('the certificate of an https target', () => {
  it('is DEGRADED under a certificateDays ≥ 14 assertion of severity DEGRADED when 3 days are left, with what it saw', async () => {
    const check = await checkOnce(soon, [{ source: 'certificateDays', comparison: 'greaterThanOrEqual', target: 14, severity: 'DEGRADED' }]);
    expect(check).toMatchObject({ status: 'DEGRADED', statusCode: 200, errorCode: 'assertion', errorMessage: 'certificate: expected ≥ 14 days, got 3 days' });
  });

  it('is UP when the days left meet the assertion, the certificate being read on a reused connection too', async () => {
    const first = await checkOnce(soon, [{ source: 'certificateDays', comparison: 'greaterThan', target: 2 }]);
    const second = await checkOnce(soon, [{ source: 'certificateDays', comparison: 'lessThanOrEqual', target: 3 }]);
    expect([first.status, second.status]).toEqual(['UP', 'UP']);
  });

  it('is DOWN with a TLS error when the certificate has expired, whatever the assertions', async () => {
    const check = await checkOnce(expired, [{ source: 'certificateDays', comparison: 'greaterThanOrEqual', target: -100 }]);
    expect(check).toMatchObject({ status: 'DOWN', statusCode: null, errorCode: 'tls', errorMessage: 'TLS error: certificate has expired' });
  });
});
