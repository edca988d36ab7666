import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../server/contract/types.ts';
import { freePort } from './support/free-port.ts';
import { reconnectingSse, reconnectingWs, type ReconnectingClient } from './support/reconnecting-clients.ts';
import { closeRealtimeClients, connectWs, openSocketIo, openSse, UpgradeRefused, type Received, type SocketIoClient } from './support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startVigilProcess, type VigilProcess } from './support/vigil-process.ts';
import { createTestDatabase, startTestVigil, waitFor, type TestDatabase } from './support/vigil.ts';

// Vigil as a real process, stopped with SIGTERM and started again on the same port and database,
// while real clients of all three transports stay open and must come back by themselves.
const SOCKET_IO_CLIENTS = 50;

let target: TargetServer;
let database: TestDatabase | undefined;
let dataDir: string | undefined;
let vigil: VigilProcess | undefined;
const reconnecting: ReconnectingClient[] = [];

beforeAll(async () => {
  target = await startTargetServer();
});
afterEach(async () => {
  await Promise.all(reconnecting.splice(0).map((c) => c.close()));
  await closeRealtimeClients();
  await vigil?.kill();
  vigil = undefined;
  await database?.dispose();
  database = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
afterAll(async () => {
  await target?.close();
});

const isShutdownNotice = (e: Received) =>
  e.event === 'server:shutdown' &&
  e.data.reconnect === true &&
  Number.isInteger(e.data.retryAfterMs) &&
  e.data.retryAfterMs > 0 &&
  !Number.isNaN(Date.parse(e.data.at));

const checksOf = (events: Received[], endpointId: string) => events.filter((e) => e.event === 'check:completed' && e.data.endpointId === endpointId);

/** The whole answer of GET /api/events, for a stream that ends by itself. */
async function openSseText(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/events`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return response.text();
}

/** A socket.io-client with the seed's options that subscribes to all on every connect, as the dashboard does. */
function subscribingSocketIo(port: number): SocketIoClient {
  const client = openSocketIo(port);
  client.socket.on('connect', () => client.socket.emit('subscribe:all', () => {}));
  return client;
}

describe('a graceful restart', () => {
  it(`brings ${SOCKET_IO_CLIENTS} Socket.io clients, a /ws client and an SSE reader back by themselves, and events flow again`, async () => {
    const port = await freePort();
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
    const env = { ...database.env, DATA_DIR: database.env.DATA_DIR ?? join(dataDir, 'data'), PORT: String(port), SHUTDOWN_TIMEOUT_MS: '3000' };
    vigil = await startVigilProcess({ env });
    const created = await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Restart target', url: target.url('/restart'), intervalSeconds: 1 }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as Endpoint;

    const sockets = Array.from({ length: SOCKET_IO_CLIENTS }, () => subscribingSocketIo(port));
    const ws = reconnectingWs(`ws://127.0.0.1:${port}/ws`);
    const sse = reconnectingSse(`http://127.0.0.1:${port}/api/events`);
    reconnecting.push(ws, sse);
    const everyone = [...sockets, ws, sse];
    await waitFor(() => everyone.every((c) => checksOf(c.events, endpoint.id).length > 0), 15_000, 'every client to receive a check before the restart');

    vigil.proc.kill('SIGTERM');
    expect(await vigil.exited).toEqual({ code: 0, signal: null });

    // Told "restarting, come back", and closed in a way that is retried, never refused.
    for (const client of everyone) expect(client.events.filter(isShutdownNotice)).toHaveLength(1);
    for (const client of sockets) {
      expect(client.lifecycle).toEqual(['connect', 'disconnect:transport close']);
      expect(client.socket.active, 'Socket.io keeps reconnecting').toBe(true);
    }
    expect(ws.closes).toEqual([{ code: 1012, reason: 'server restarting' }]);
    expect(sse.retries.at(-1)).toBe(sse.events.find(isShutdownNotice)!.data.retryAfterMs);
    expect([...ws.refusals, ...sse.refusals].filter((status) => status === 401 || status === 429)).toEqual([]);
    const beforeRestart = new Map(everyone.map((c) => [c, c.events.length]));

    vigil = await startVigilProcess({ env });
    const readyAt = Date.now();
    const reconnected = () =>
      sockets.every((c) => c.socket.connected && c.lifecycle.filter((l) => l === 'connect').length === 2) && ws.opens === 2 && sse.opens === 2;
    await waitFor(reconnected, 10_000, 'every client to reconnect by itself');
    const reconnectMs = Date.now() - readyAt;
    await waitFor(
      () => everyone.every((c) => checksOf(c.events.slice(beforeRestart.get(c)), endpoint.id).length > 0),
      10_000 - reconnectMs,
      'a check of the restarted Vigil at every client',
    );
    const liveMs = Date.now() - readyAt;
    expect(liveMs, 'live again within 10 s of the new process being ready').toBeLessThan(10_000);
    console.info(`after the restart: every client back ${reconnectMs} ms and receiving checks ${liveMs} ms after Vigil was ready`);
    for (const client of sockets) expect(client.lifecycle).toEqual(['connect', 'disconnect:transport close', 'connect']);
    expect(vigil.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
  }, 60_000);
});

describe('while Vigil stops, and when it refuses', () => {
  it('turns new connections away as "come back later" while it stops: 503 at the upgrade, a Socket.io transport error, an SSE notice', async () => {
    target.setMode('/hang', { kind: 'hang' });
    const stopping = await startTestVigil();
    try {
      const open = await openSse(stopping.port);
      const created = await stopping.api('POST', '/api/endpoints', { name: 'Hangs', url: target.url('/hang'), intervalSeconds: 3600, timeoutMs: 60_000 });
      expect(created.status).toBe(201);
      await waitFor(() => target.hits('/hang') >= 1, 10_000, 'the hanging check to start');
      // The stop waits for the hanging check (SHUTDOWN_TIMEOUT_MS 3 s): new connections arrive meanwhile.
      const stop = stopping.stop();

      const upgrade = await connectWs(stopping.port).catch((error: unknown) => error);
      expect(upgrade).toBeInstanceOf(UpgradeRefused);
      expect((upgrade as UpgradeRefused).status).toBe(503);
      const sio = openSocketIo(stopping.port, { reconnection: false });
      const error = await new Promise<Error>((resolve) => sio.socket.once('connect_error', resolve));
      expect(error.message, 'a transport error, which Socket.io retries').toBe('websocket error');
      const polling = await fetch(`http://127.0.0.1:${stopping.port}/socket.io/?EIO=4&transport=polling`);
      expect(polling.status).toBe(503);
      expect(polling.headers.get('retry-after')).toBe('2');
      const late = await openSseText(stopping.port);
      expect(late).toMatch(/^retry: 2000\nevent: server:shutdown\ndata: \{"reconnect":true,"retryAfterMs":2000,"at":"[^"]+"\}\n\n$/);
      // A stream opened before the stop is still open until the transports close, then gets the notice.
      expect(open.events.map((e) => e.event)).toEqual(['endpoint:created']);

      await stop;
      await open.ended;
      expect(open.events.at(-1)).toEqual({ event: 'server:shutdown', data: { reconnect: true, retryAfterMs: 2000, at: expect.any(String) } });
    } finally {
      await closeRealtimeClients();
      await stopping.dispose();
    }
  });

  it('keeps a refusal distinguishable: a bad key is "unauthorized:" on Socket.io (not retried), 401 on /ws and SSE', async () => {
    const keyed = await startTestVigil({ API_KEY: 'right-key' });
    try {
      const sio = openSocketIo(keyed.port, { auth: { token: 'wrong-key' } });
      const error = await new Promise<Error>((resolve) => sio.socket.once('connect_error', resolve));
      expect(error.message).toMatch(/^unauthorized:/);
      expect(sio.socket.active, 'a refusal is not retried').toBe(false);

      const upgrade = await connectWs(keyed.port, { headers: { authorization: 'Bearer wrong-key' } }).catch((e: unknown) => e);
      expect((upgrade as UpgradeRefused).status).toBe(401);
      const ws = reconnectingWs(`ws://127.0.0.1:${keyed.port}/ws`, ['vigil', 'vigil.key.wrong-key']);
      const sse = reconnectingSse(`http://127.0.0.1:${keyed.port}/api/events?token=wrong-key`);
      reconnecting.push(ws, sse);
      await waitFor(() => ws.gaveUp && sse.gaveUp, 5000, 'both readers to give up on the refusal');
      expect(ws.refusals).toEqual([401]);
      expect(sse.refusals).toEqual([401]);
    } finally {
      await closeRealtimeClients();
      await keyed.dispose();
    }
  });
});
