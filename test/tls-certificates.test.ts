/**
 * Certificates seen by a real Vigil process that trusts a CA made by the test (NODE_EXTRA_CA_CERTS,
 * as a self-hoster trusts a private CA): an https target's days to expiry judged by the warning
 * period and by a certificateDays assertion, an expired certificate refused; `tls` endpoints on
 * plain TLS servers reporting the certificate (issuer, names, validity) and why one is not valid.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
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
const servers: (https.Server | tls.Server)[] = [];
let soon: string;
let expired: string;
/** tls:// addresses of TLS servers (no HTTP) showing: a certificate valid 200 more days, one expiring in 3, an expired one, one for another name, one from a CA Vigil does not trust. */
const tlsAt = { valid: '', soon: '', expired: '', otherName: '', untrusted: '' };

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

/** A TLS server on 127.0.0.1 (no protocol inside: it handshakes and waits) showing this certificate. */
async function tlsTarget(certificate: { certPem: string; keyPem: string }): Promise<string> {
  const server = tls.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (socket) => socket.on('error', () => {}));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `tls://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  const ca = await createTestCa();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  // Expires in 3 days and 1 hour: 3 whole days left.
  soon = await httpsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(3.04) }));
  expired = await httpsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(-1) }));
  tlsAt.valid = await tlsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(200.04) }));
  tlsAt.soon = await tlsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(3.04) }));
  tlsAt.expired = await tlsTarget(await ca.serverCertificate({ notBefore: days(-10), notAfter: days(-1) }));
  tlsAt.otherName = await tlsTarget(
    await ca.serverCertificate({ notBefore: days(-10), notAfter: days(200), names: ['other.example.test', 'www.other.example.test'] }),
  );
  tlsAt.untrusted = await tlsTarget(await (await createTestCa('Untrusted Test CA')).serverCertificate({ notBefore: days(-10), notAfter: days(200) }));
  database = await createTestDatabase();
  vigil = await startVigilProcess({ env: { ...database.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') } });
}, 60_000);

afterAll(async () => {
  await vigil?.kill();
  await database?.dispose();
  for (const server of servers) if (server instanceof https.Server) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

async function send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await vigil.fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as T };
}

async function checkOnce(url: string, assertions: unknown[], fields: Record<string, unknown> = { certificateWarningDays: null }): Promise<Check> {
  return (await createAndCheck({ url, assertions, ...fields })).check;
}

async function createAndCheck(fields: Record<string, unknown>): Promise<{ endpoint: Endpoint; check: Check }> {
  const created = await send<Endpoint>('POST', '/api/endpoints', { name: `TLS ${fields.url}`, paused: true, ...fields });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const check = await send<Check>('POST', `/api/endpoints/${created.body.id}/check`);
  expect(check.status).toBe(200);
  const endpoint = await send<Endpoint>('GET', `/api/endpoints/${created.body.id}`);
  return { endpoint: endpoint.body, check: check.body };
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

describe('the warning period of an https endpoint (certificateWarningDays)', () => {
  it('is 14 days by default: 3 days left is DEGRADED, saying so, and the endpoint shows when the certificate expires', async () => {
    const { endpoint, check } = await createAndCheck({ url: soon });
    expect(endpoint.certificateWarningDays).toBe(14);
    expect(check).toMatchObject({
      status: 'DEGRADED',
      statusCode: 200,
      errorCode: 'certificate_expiring',
      errorParams: { days: 3, warningDays: 14 },
      errorMessage: 'Certificate expires in 3 days (warning at 14 days)',
      certificate: null,
    });
    expect(Date.parse(endpoint.certificateExpiresAt!)).toBeGreaterThan(days(3).getTime());
    expect(Date.parse(endpoint.certificateExpiresAt!)).toBeLessThan(days(3.1).getTime());
  });

  it('follows the period set (2 days: UP), and null turns it off', async () => {
    expect((await checkOnce(soon, [], { certificateWarningDays: 2 })).status).toBe('UP');
    expect((await checkOnce(soon, [], { certificateWarningDays: null })).status).toBe('UP');
  });
});

describe('tls endpoints (a certificate on any host:port)', () => {
  it('report the certificate: subject, issuer, names, validity and days left; UP while outside the warning period', async () => {
    const { endpoint, check } = await createAndCheck({ url: tlsAt.valid });
    expect(endpoint.type).toBe('tls');
    expect(check).toMatchObject({ status: 'UP', statusCode: null, errorMessage: null, bodyExcerpt: null });
    expect(check.certificate).toMatchObject({ subject: '127.0.0.1', issuer: 'Vigil Test CA', names: ['127.0.0.1'], daysLeft: 200 });
    expect(Date.parse(check.certificate!.validTo)).toBeGreaterThan(days(200).getTime());
    expect(Date.parse(check.certificate!.validFrom)).toBeLessThan(days(-9).getTime());
    expect(endpoint.certificateExpiresAt).toBe(check.certificate!.validTo);
    // The list of checks gives the same certificate back.
    const listed = await send<{ items: Check[] }>('GET', `/api/endpoints/${endpoint.id}/checks?limit=1`);
    expect(listed.body.items[0]!.certificate).toEqual(check.certificate);
  });

  it('are DEGRADED within the warning period, and judged by a certificateDays assertion', async () => {
    const soonCheck = (await createAndCheck({ url: tlsAt.soon })).check;
    expect(soonCheck).toMatchObject({ status: 'DEGRADED', errorCode: 'certificate_expiring', certificate: { daysLeft: 3 } });
    const asserted = await checkOnce(tlsAt.valid, [{ source: 'certificateDays', comparison: 'greaterThan', target: 365 }]);
    expect(asserted).toMatchObject({ status: 'DOWN', errorMessage: 'certificate: expected > 365 days, got 200 days' });
  });

  it('are DOWN when the certificate has expired, covers other names, or comes from an untrusted issuer, still showing it', async () => {
    const expiredCheck = (await createAndCheck({ url: tlsAt.expired })).check;
    expect(expiredCheck).toMatchObject({ status: 'DOWN', errorCode: 'tls', errorMessage: 'TLS error: certificate has expired' });
    expect(expiredCheck.certificate!.daysLeft).toBeLessThan(0);

    const otherName = (await createAndCheck({ url: tlsAt.otherName })).check;
    expect(otherName).toMatchObject({ status: 'DOWN', errorCode: 'tls', errorMessage: "TLS error: the certificate does not cover the host's name" });
    expect(otherName.certificate!.names).toEqual(['other.example.test', 'www.other.example.test']);

    const untrusted = (await createAndCheck({ url: tlsAt.untrusted })).check;
    expect(untrusted).toMatchObject({ status: 'DOWN', errorCode: 'tls', errorMessage: 'TLS error: unable to verify the first certificate' });
    expect(untrusted.certificate!.issuer).toBe('Untrusted Test CA');
  });

  it('are refused over REST with a URL of another scheme, and take certificateDays but not HTTP sources', async () => {
    const wrongUrl = await send<{ errors: { path: string; code: string }[] }>('POST', '/api/endpoints', { name: 'x', type: 'tls', url: 'https://127.0.0.1/' });
    expect(wrongUrl.status).toBe(400);
    expect(wrongUrl.body.errors).toContainEqual(expect.objectContaining({ path: 'url', code: 'invalid_url' }));
    const wrongSource = await send<{ errors: { path: string; code: string }[] }>('POST', '/api/endpoints', {
      name: 'x',
      url: tlsAt.valid,
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(wrongSource.status).toBe(400);
    expect(wrongSource.body.errors).toContainEqual(expect.objectContaining({ path: 'assertions.0.source', code: 'source_not_for_type' }));
  });

  it('of type tcp over tls:// verify the certificate (an expired one is DOWN) and judge its days too', async () => {
    const { endpoint, check } = await createAndCheck({ type: 'tcp', url: tlsAt.soon });
    expect(endpoint.type).toBe('tcp');
    expect(check).toMatchObject({ status: 'DEGRADED', errorCode: 'certificate_expiring', certificate: null });
    expect(endpoint.certificateExpiresAt).not.toBeNull();
    expect((await createAndCheck({ type: 'tcp', url: tlsAt.expired })).check).toMatchObject({
      status: 'DOWN',
      errorMessage: 'TLS error: certificate has expired',
    });
  });
});
