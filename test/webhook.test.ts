import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Check, Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { event: string; data: Record<string, unknown>; sentAt: string; notification?: { id: string; event: string } };
  at: number;
}

/** A local webhook receiver that answers with the statuses it is given, then 200. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  let hang = false;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() });
      if (hang) return;
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    hangFromNowOn: () => (hang = true),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the webhook of WEBHOOK_URL (a channel defined by settings)', () => {
  it('posts status changes and incidents of a real Vigil, signed with the secret', async () => {
    const receiver = await startReceiver();
    const target: TargetServer = await startTargetServer();
    const vigil: TestVigil = await startTestVigil({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: 's3cret' });
    cleanups.push(receiver.close, target.close, vigil.dispose);

    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'API Server',
      url: target.url('/hooked'),
      intervalSeconds: 3600,
      failureThreshold: 1,
    });
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${created.body.id}`)).body.status === 'UP', 5000, 'UP');
    target.setMode('/hooked', { kind: 'ok', status: 500 });
    await vigil.api<Check>('POST', `/api/endpoints/${created.body.id}/check`);
    target.setMode('/hooked', { kind: 'ok' });
    await vigil.api<Check>('POST', `/api/endpoints/${created.body.id}/check`);
    await waitFor(() => receiver.received.length === 4, 5000, 'four notifications');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A new endpoint's first UP is no recovery: nothing is said of it.
    expect(receiver.received.map((r) => [r.body.event, r.body.notification?.event])).toEqual([
      ['endpoint:status-changed', 'down'], // UP → DOWN
      ['incident:started', 'incident-started'],
      ['endpoint:status-changed', 'recovered'], // DOWN → UP
      ['incident:resolved', 'incident-resolved'],
    ]);
    // Each carries its notification's id, the same on every attempt: a receiver de-duplicates on it.
    expect(new Set(receiver.received.map((r) => r.headers['x-vigil-delivery'])).size).toBe(4);
    for (const r of receiver.received) expect(r.headers['x-vigil-delivery']).toBe(r.body.notification?.id);
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-vigil-event']).toBe(r.body.event);
      const expected = `sha256=${createHmac('sha256', 's3cret').update(r.raw).digest('hex')}`;
      expect(r.headers['x-vigil-signature']).toBe(expected);
      expect(r.body.data.endpointId).toBe(created.body.id);
    }
    expect(receiver.received[0]!.body.data).toMatchObject({ previousStatus: 'UP', currentStatus: 'DOWN', endpointName: 'API Server' });
    // check:completed is not a notification
    expect(receiver.received.some((r) => r.body.event === 'check:completed')).toBe(false);
  });

  it('says which assertion failed and what it saw in the status change it posts', async () => {
    const receiver = await startReceiver();
    const target: TargetServer = await startTargetServer();
    const vigil: TestVigil = await startTestVigil({ WEBHOOK_URL: receiver.url });
    cleanups.push(receiver.close, target.close, vigil.dispose);
    target.setMode('/asserted', { kind: 'ok', body: '{"status":"degraded"}', headers: { 'Content-Type': 'application/json' } });

    await vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'Health',
      url: target.url('/asserted'),
      intervalSeconds: 3600,
      assertions: [{ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }],
    });
    await waitFor(() => receiver.received.length === 1, 5000, 'the PENDING → DOWN notification');

    expect(receiver.received[0]!.body).toMatchObject({
      event: 'endpoint:status-changed',
      data: {
        previousStatus: 'PENDING',
        currentStatus: 'DOWN',
        errorMessage: '$.status: expected "ok", got "degraded"',
        errorCode: 'assertion',
        errorParams: { subject: '$.status', expected: '"ok"', actual: '"degraded"' },
      },
    });
  });

  it('notifies nothing of a maintenance window: neither the status to and from MAINTENANCE nor the failures during it', async () => {
    const receiver = await startReceiver();
    const target: TargetServer = await startTargetServer();
    const vigil: TestVigil = await startTestVigil({ WEBHOOK_URL: receiver.url });
    cleanups.push(receiver.close, target.close, vigil.dispose);
    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: 'Planned',
      url: target.url('/planned'),
      intervalSeconds: 3600,
      failureThreshold: 1,
    });
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${created.body.id}`)).body.status === 'UP', 5000, 'UP');
    const window = await vigil.api<{ id: string }>('POST', '/api/maintenance-windows', {
      name: 'Planned work',
      endpointIds: [created.body.id],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${created.body.id}`)).body.status === 'MAINTENANCE', 3000, 'MAINTENANCE');
    target.setMode('/planned', { kind: 'ok', status: 500 });
    for (let i = 0; i < 3; i++) expect((await vigil.api<Check>('POST', `/api/endpoints/${created.body.id}/check`)).body.status).toBe('DOWN');
    target.setMode('/planned', { kind: 'ok' });
    await vigil.api<Check>('POST', `/api/endpoints/${created.body.id}/check`);
    expect((await vigil.api('DELETE', `/api/maintenance-windows/${window.body.id}`)).status).toBe(204);
    // The window's end shows the real status (UP) again: still nothing to notify.
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${created.body.id}`)).body.status === 'UP', 3000, 'UP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toEqual([]);
  });

  it('retries a failed delivery with growing delays, keeping the order, and logs each attempt', async () => {
    const receiver = await startReceiver([500, 503]);
    const target = await startTargetServer();
    const vigil = await startTestVigil({ WEBHOOK_URL: receiver.url, NOTIFICATION_RETRY_BASE_MS: '100' });
    cleanups.push(receiver.close, target.close, vigil.dispose);
    target.setMode('/first', { kind: 'ok', status: 500 });
    const first = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'First', url: target.url('/first'), intervalSeconds: 3600, failureThreshold: 5 });
    await waitFor(() => receiver.received.length === 1, 5000, 'the first attempt');
    target.setMode('/second', { kind: 'ok', status: 500 });
    await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Second', url: target.url('/second'), intervalSeconds: 3600, failureThreshold: 5 });
    await waitFor(() => receiver.received.length === 4, 5000, 'two failed attempts and two deliveries');

    expect(receiver.received.map((r) => r.body.data.endpointName)).toEqual(['First', 'First', 'First', 'Second']);
    // Every attempt of one notification carries the same id.
    expect(new Set(receiver.received.slice(0, 3).map((r) => r.headers['x-vigil-delivery'])).size).toBe(1);
    const gaps = [receiver.received[1]!.at - receiver.received[0]!.at, receiver.received[2]!.at - receiver.received[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(receiver.received[0]!.headers['x-vigil-signature']).toBeUndefined();

    const channels = await vigil.api<{ items: { id: string; fromSettings: boolean }[] }>('GET', '/api/notification-channels');
    const channel = channels.body.items.find((c) => c.fromSettings)!;
    await waitFor(
      async () => (await vigil.api<{ items: unknown[] }>('GET', `/api/notification-channels/${channel.id}/deliveries`)).body.items.length === 4,
      5000,
      'four log lines',
    );
    const log = await vigil.api<{ items: { outcome: string; statusCode: number; attempt: number; endpointId: string }[] }>(
      'GET',
      `/api/notification-channels/${channel.id}/deliveries`,
    );
    expect(log.body.items.map((d) => [d.outcome, d.statusCode, d.attempt]).reverse()).toEqual([
      ['retrying', 500, 1],
      ['retrying', 503, 2],
      ['delivered', 200, 3],
      ['delivered', 200, 1],
    ]);
    expect(log.body.items.at(-1)!.endpointId).toBe(first.body.id);
  });

  it('gives up after a refusal (4xx) and goes on with the next notification', async () => {
    const receiver = await startReceiver([400]);
    const target = await startTargetServer();
    const vigil = await startTestVigil({ WEBHOOK_URL: receiver.url, NOTIFICATION_RETRY_BASE_MS: '50' });
    cleanups.push(receiver.close, target.close, vigil.dispose);
    target.setMode('/refused', { kind: 'ok', status: 500 });
    await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Refused', url: target.url('/refused'), intervalSeconds: 3600, failureThreshold: 5 });
    await waitFor(() => receiver.received.length === 1, 5000, 'the refused attempt');
    target.setMode('/next', { kind: 'ok', status: 500 });
    await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Next', url: target.url('/next'), intervalSeconds: 3600, failureThreshold: 5 });
    await waitFor(() => receiver.received.length === 2, 5000, 'the next notification');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.map((r) => r.body.data.endpointName)).toEqual(['Refused', 'Next']);
    expect(vigil.dispatcher.stats).toMatchObject({ failed: 1, delivered: 1 });
  });

  it('never delays checks, even when the receiver hangs', async () => {
    const receiver = await startReceiver();
    receiver.hangFromNowOn();
    const target = await startTargetServer();
    const vigil = await startTestVigil({ WEBHOOK_URL: receiver.url });
    cleanups.push(receiver.close, target.close, vigil.dispose);
    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Fast', url: target.url('/fast'), intervalSeconds: 3600 });
    target.setMode('/fast', { kind: 'ok', status: 500 });
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const check = await vigil.api<Check>('POST', `/api/endpoints/${created.body.id}/check`);
      expect(check.status).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
  });
});
