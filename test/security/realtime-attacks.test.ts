import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeRealtimeClients, connectSocketIo, connectWs, openSse, UpgradeRefused, type WsClient } from '../support/realtime-clients.ts';
import { startTestVigil, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * Attacks on the realtime transports (Socket.io, /ws, SSE): cross-site WebSocket hijacking from a
 * page of another origin, DNS rebinding through the Host header, keys in URLs, and a client that
 * holds the server's resources (too many connections, ping floods, a message never finished).
 */

const EVIL = 'http://evil.example';
const started: TestVigil[] = [];
async function vigilWith(env: Record<string, string> = {}): Promise<TestVigil> {
  const vigil = await startTestVigil(env);
  started.push(vigil);
  return vigil;
}
afterEach(async () => {
  await closeRealtimeClients();
});
afterAll(async () => {
  await Promise.all(started.map((v) => v.dispose()));
});

/** A GET with exactly these headers (Host included), answering status, headers and body. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: !('host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // An SSE stream that was let in does not end: its first block is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
}

const refusalOf = (error: unknown) => {
  expect(error).toBeInstanceOf(UpgradeRefused);
  return error as UpgradeRefused;
};

describe('cross-site WebSocket hijacking and DNS rebinding', () => {
  let vigil: TestVigil;
  let self: string;
  beforeAll(async () => {
    vigil = await vigilWith();
    self = `http://127.0.0.1:${vigil.port}`;
  });

  it('refuses a Socket.io handshake from a page of another origin, on polling and on WebSocket', async () => {
    const polling = await rawGet(vigil.port, '/socket.io/?EIO=4&transport=polling', { origin: EVIL });
    expect(polling.status).toBe(403);
    expect(polling.body).toMatch(/another origin \(http:\/\/evil\.example\)/);
    const upgrade = refusalOf(
      await connectWs(vigil.port, { path: '/socket.io/?EIO=4&transport=websocket', headers: { origin: EVIL } }).catch((e: unknown) => e),
    );
    expect(upgrade.body).toMatch(/another origin/);
    for (const transports of [['polling'], ['websocket']]) {
      await expect(connectSocketIo(vigil.port, { transports, extraHeaders: { origin: EVIL }, reconnection: false }), transports[0]).rejects.toThrow();
    }
    expect(vigil.socketIo.clientCount()).toBe(0);
  });

  it('refuses a /ws upgrade from a page of another origin with 403', async () => {
    const refused = refusalOf(await connectWs(vigil.port, { headers: { origin: EVIL } }).catch((e: unknown) => e));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 403, detail: expect.stringMatching(/ALLOWED_ORIGINS/) });
  });

  it('refuses an SSE stream to a page of another origin with 403 problem+json', async () => {
    const answer = await rawGet(vigil.port, '/api/events', { origin: EVIL, host: `127.0.0.1:${vigil.port}` });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each<[string, () => Record<string, string>]>([
    ['the same origin', () => ({ origin: self })],
    ['a client without Origin', () => ({})],
  ])('lets %s connect on all three', async (_, headersOf) => {
    const headers = headersOf();
    const sio = await connectSocketIo(vigil.port, { transports: ['polling', 'websocket'], extraHeaders: headers, reconnection: false });
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    const ws = await connectWs(vigil.port, { headers });
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const sse = await rawGet(vigil.port, '/api/events', { ...headers, host: `127.0.0.1:${vigil.port}` });
    expect(sse.status).toBe(200);
  });

  it('refuses Host: evil.example (DNS rebinding) on Socket.io, /ws and SSE', async () => {
    const host = { host: `evil.example:${vigil.port}` };
    const polling = await rawGet(vigil.port, '/socket.io/?EIO=4&transport=polling', host);
    expect(polling.status).toBe(403);
    expect(polling.body).toMatch(/does not answer to the host name/);
    const sioUpgrade = refusalOf(await connectWs(vigil.port, { path: '/socket.io/?EIO=4&transport=websocket', headers: host }).catch((e: unknown) => e));
    expect(sioUpgrade.body).toMatch(/does not answer to the host name/);
    const ws = refusalOf(await connectWs(vigil.port, { headers: host }).catch((e: unknown) => e));
    expect(ws.status).toBe(421);
    const sse = await rawGet(vigil.port, '/api/events', host);
    expect(sse.status).toBe(421);
    expect(sse.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('keys in URLs', () => {
  let keyed: TestVigil;
  beforeAll(async () => {
    keyed = await vigilWith({ API_KEY: 'k-0123456789abcdef' });
  });

  it('takes the /ws key as a subprotocol from a browser, and never echoes the key in the answer', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${keyed.port}/ws`, ['vigil', 'vigil.key.k-0123456789abcdef']);
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers));
      ws.once('error', reject);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const headers = await answer;
    expect(ws.protocol).toBe('vigil');
    expect(headers['sec-websocket-protocol']).toBe('vigil');
    expect(JSON.stringify(headers)).not.toContain('0123456789abcdef');
    ws.close();
  });

  it('refuses a key offered as a subprotocol without "vigil" beside it, saying what to send', async () => {
    const refused = refusalOf(await connectWs(keyed.port, { protocols: ['vigil.key.k-0123456789abcdef'] }).catch((e: unknown) => e));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/new WebSocket\(url, \['vigil', 'vigil\.key\.<key>'\]\)/);
  });

  it('refuses a subprotocol that is not an HTTP token (a key with / or =), pointing to the header', async () => {
    const refused = refusalOf(await connectWs(keyed.port, { headers: { 'sec-websocket-protocol': 'vigil, vigil.key.a/b=' } }).catch((e: unknown) => e));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/Authorization: Bearer <key>/);
  });

  it('refuses a /ws key in the URL (?token=, which proxies log) with 401 saying how to pass it', async () => {
    const refused = refusalOf(await connectWs(keyed.port, { path: '/ws?token=k-0123456789abcdef' }).catch((e: unknown) => e));
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="vigil"');
    expect(JSON.parse(refused.body).detail).toMatch(/not read on \/ws.*Authorization: Bearer <key>.*vigil\.key\.<key>/);
  });

  it('still takes ?token= on SSE, where EventSource leaves no other way, and the header too', async () => {
    await openSse(keyed.port, 'token=k-0123456789abcdef');
    await openSse(keyed.port, '', { authorization: 'Bearer k-0123456789abcdef' });
  });
});

describe('resource exhaustion', () => {
  let capped: TestVigil;
  beforeAll(async () => {
    capped = await vigilWith({ REALTIME_CONNECTIONS_PER_ADDRESS: '4' });
  });

  it('caps the realtime connections of one address across Socket.io, /ws and SSE', async () => {
    const sio = await connectSocketIo(capped.port, { reconnection: false });
    const ws = await connectWs(capped.port);
    const sse = await openSse(capped.port);
    await connectWs(capped.port);

    const wsRefused = refusalOf(await connectWs(capped.port).catch((e: unknown) => e));
    expect(wsRefused.status).toBe(429);
    expect(wsRefused.body).toMatch(/REALTIME_CONNECTIONS_PER_ADDRESS/);
    await expect(openSse(capped.port)).rejects.toThrow(/429/);
    const polling = await rawGet(capped.port, '/socket.io/?EIO=4&transport=polling', {});
    expect(polling.status).toBe(403);
    expect(polling.body).toMatch(/Too many realtime connections/);
    await expect(connectSocketIo(capped.port, { reconnection: false })).rejects.toThrow();

    await Promise.all([sio.close(), ws.close(), sse.close()]);
    await waitFor(
      async () => {
        const client = await connectWs(capped.port).catch(() => undefined);
        return client;
      },
      5000,
      'a slot to be free again',
    );
  });

  it('disconnects a /ws client that floods control pings, with 1008', async () => {
    const flooder = await connectWs(capped.port);
    const bystander = await connectWs(capped.port);
    for (let i = 0; i < 2000; i++) flooder.ws.ping();
    expect((await flooder.closed).code).toBe(1008);
    expect(await bystander.command('subscribe:all')).toEqual({ ok: true });
  });

  it('disconnects a /ws client that floods { event: "ping" } frames, with 1008', async () => {
    const flooder = await connectWs(capped.port);
    for (let i = 0; i < 2000; i++) flooder.sendRaw('{"event":"ping"}');
    expect((await flooder.closed).code).toBe(1008);
  });

  it('disconnects a Socket.io client that stops reading once 8 MiB wait for it, and only that one', async () => {
    // The bystander follows one endpoint: the flood below is not for it.
    const followed = await capped.api('POST', '/api/endpoints', { name: 'Followed', url: 'http://127.0.0.1:9/followed', paused: true });
    const bystander = await connectSocketIo(capped.port, { reconnection: false });
    expect(await bystander.command('subscribe:endpoint', { endpointId: followed.body.id })).toEqual({ ok: true });
    // A raw engine.io WebSocket client that joins, subscribes to all, then never reads again.
    const stalled = await connectWs(capped.port, { path: '/socket.io/?EIO=4&transport=websocket' });
    await stalled.nextFrame((f) => typeof f.raw === 'string' && f.raw.startsWith('0{'));
    stalled.sendRaw('40');
    await stalled.nextFrame((f) => typeof f.raw === 'string' && f.raw.startsWith('40'));
    stalled.sendRaw('421["subscribe:all"]');
    await stalled.nextFrame((f) => typeof f.raw === 'string' && f.raw.startsWith('431'));
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(capped.socketIo.clientCount()).toBe(2);

    // 24 MB of events on the real bus (~10 KB each): far more than the kernel buffers hold on loopback.
    const flooded = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 240; i++) {
      for (let j = 0; j < 10; j++) capped.feed.emit('endpoint:deleted', { endpointId: flooded, padding: 'x'.repeat(10_000) } as never);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => capped.socketIo.clientCount() === 1, 5000, 'the stalled client to be dropped');
    capped.feed.emit('endpoint:deleted', { endpointId: followed.body.id });
    await waitFor(() => bystander.events.some((e) => e.data.endpointId === followed.body.id), 5000, 'the event at the bystander');
    expect(bystander.socket.connected).toBe(true);
    stalled.ws.terminate(); // it reads nothing, so it would not see a close handshake through
  });

  it('closes a /ws client that sends the first fragment of a message and never the last, within the timeout', async () => {
    const stalled: WsClient = await connectWs(capped.port);
    const bystander = await connectWs(capped.port);
    const sentAt = Date.now();
    stalled.ws.send('{"event":"subscribe:all",', { fin: false });
    // Pings do not keep an unfinished message alive.
    const pinging = setInterval(() => stalled.ws.readyState === WebSocket.OPEN && stalled.ws.ping(), 1000);
    try {
      const closed = await stalled.closed;
      expect(closed.code).toBe(1008);
      expect(closed.reason).toMatch(/not finished/);
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(9_000);
      expect(Date.now() - sentAt).toBeLessThan(13_000);
    } finally {
      clearInterval(pinging);
    }
    expect(await bystander.command('subscribe:all')).toEqual({ ok: true });
  }, 20_000);
});
