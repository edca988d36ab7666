import { describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELDS,
  checkCompletedOf,
  checkIdsAbout,
  closeRealtimeClients,
  connectSocketIo,
  connectWs,
  eventsAbout,
  isCheckOf,
  itDeliversConcurrentChecksInOrder,
  lifecycleEvents,
  openSse,
  received,
  runLifecycle,
  sortedKeys,
  useOwnVigil,
  useRealtimeTestEnv,
  type SseReader,
} from './support/realtime-clients.ts';
import { startTestVigil, waitFor } from './support/vigil.ts';

const env = useRealtimeTestEnv();

const UNKNOWN_ID = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';
const listen = (query = '') => openSse(env.vigil.port, query);

async function metric(port: number, transport: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`vigil_realtime_clients{transport="${transport}"} `));
  if (!line) throw new Error(`no vigil_realtime_clients line for ${transport}`);
  return Number(line.split(' ')[1]);
}

describe('GET /api/events streams the contract events', () => {
  it('streams every event in the life of an endpoint as event:/data: blocks with the fields and values REST reports', async () => {
    const reader = await listen();
    expect(reader.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const life = await runLifecycle(env.s, '/sse-life');
    await received(reader, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === life.created.id, 'endpoint:deleted');

    const got = eventsAbout(reader.events, life.created.id);
    for (const e of got) expect(sortedKeys(e.data), e.event).toEqual([...CONTRACT_FIELDS[e.event]!].sort());
    expect(got).toEqual(lifecycleEvents(life));
  });

  it('streams only the events of one endpoint with ?endpointId=, from the moment it opened', async () => {
    let reader: SseReader | undefined;
    const life = await runLifecycle(env.s, '/sse-life-one', async (endpoint) => {
      reader = await listen(`endpointId=${endpoint.id}`);
    });
    await received(reader!, (e) => e.event === 'endpoint:deleted', 'endpoint:deleted');
    expect(reader!.events).toEqual(lifecycleEvents(life).slice(3));
  });

  it('leaves out other endpoints and endpoint:created from a stream of one endpoint', async () => {
    const a = await env.s.createEndpoint('/sse-a');
    const b = await env.s.createEndpoint('/sse-b');
    const reader = await listen(`endpointId=${a.id}`);

    await env.s.checkNow(b.id);
    await env.s.rename(b.id, 'B renamed');
    const c = await env.s.createEndpoint('/sse-c');
    await env.s.remove(c.id);
    const aCheck = await env.s.checkNow(a.id);
    // One stream delivers in order: once A's check is in, anything written before it is too.
    await received(reader, isCheckOf(aCheck.id), "A's check");

    expect(reader.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(aCheck) }]);
  });

  itDeliversConcurrentChecksInOrder(env, 'sse', (endpointId) => listen(`endpointId=${endpointId}`));

  it('delivers twenty quick checks of one endpoint in the order of their checkedAt', async () => {
    const endpoint = await env.s.createEndpoint('/sse-order');
    const reader = await listen(`endpointId=${endpoint.id}`);
    for (let i = 0; i < 20; i++) await env.s.checkNow(endpoint.id);
    const stored = (await env.s.checksOf(endpoint.id)).reverse().slice(1); // oldest first, without the first check
    await waitFor(() => checkIdsAbout(reader, endpoint.id).length >= 20, 10_000, 'twenty checks');
    expect(checkIdsAbout(reader, endpoint.id)).toEqual(stored.map((c) => c.id));
  });
});

describe('GET /api/events refusals', () => {
  it.each(['bad', '', '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e0', `${UNKNOWN_ID}x`])(
    'answers ?endpointId=%s with a 400 problem naming endpointId',
    async (value) => {
      const res = await fetch(`http://127.0.0.1:${env.vigil.port}/api/events?endpointId=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = await res.json();
      expect(problem).toMatchObject({
        status: 400,
        code: 'invalid_input',
        errors: [{ path: 'endpointId', message: expect.stringMatching(/^must be a UUID/), code: 'invalid_uuid' }],
      });
    },
  );

  it('answers an unknown endpoint with a 404 problem', async () => {
    const res = await fetch(`http://127.0.0.1:${env.vigil.port}/api/events?endpointId=${UNKNOWN_ID}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 404,
      detail: expect.stringContaining(UNKNOWN_ID),
      code: 'not_found',
      params: { resource: 'Endpoint', id: UNKNOWN_ID },
    });
  });
});

describe('SSE readers come and go', () => {
  it('forgets a reader once it closes the stream', async () => {
    const endpoint = await env.s.createEndpoint('/sse-leave');
    const readers = await Promise.all([listen(), listen(), listen(`endpointId=${endpoint.id}`), listen(`endpointId=${endpoint.id}`)]);
    expect(env.vigil.hub.size()).toEqual({ all: 2, endpoints: 1, clientsWithEndpoints: 2 });

    await Promise.all(readers.map((r) => r.close()));
    await waitFor(() => env.vigil.hub.size().all === 0 && env.vigil.hub.size().endpoints === 0, 5000, 'the hub to forget the readers');
    expect(env.vigil.hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
    await waitFor(async () => (await metric(env.vigil.port, 'sse')) === 0, 5000, 'the SSE gauge to drop to zero');
  });

  it('answers HEAD without opening a stream: no reader, no connection slot held', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${env.vigil.port}/api/events`, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
    expect(env.vigil.hub.size().all).toBe(0);
    expect(await metric(env.vigil.port, 'sse')).toBe(0);
  });

  it('counts the clients of each transport in /metrics while they are connected', async () => {
    expect(await metric(env.vigil.port, 'socketio')).toBe(0);
    expect(await metric(env.vigil.port, 'ws')).toBe(0);
    expect(await metric(env.vigil.port, 'sse')).toBe(0);

    const sio = await connectSocketIo(env.vigil.port);
    const ws = await connectWs(env.vigil.port);
    const sse = await listen();
    expect(await metric(env.vigil.port, 'socketio')).toBe(1);
    expect(await metric(env.vigil.port, 'ws')).toBe(1);
    expect(await metric(env.vigil.port, 'sse')).toBe(1);

    await Promise.all([sio.close(), ws.close(), sse.close()]);
    await waitFor(
      async () => (await metric(env.vigil.port, 'socketio')) + (await metric(env.vigil.port, 'ws')) + (await metric(env.vigil.port, 'sse')) === 0,
      5000,
      'every gauge back to zero',
    );
  });
});

describe('a graceful stop', () => {
  it('closes every realtime connection so that clients come back: /ws with 1012, Socket.io as a dropped transport, SSE by ending the stream, each after the shutdown notice', async () => {
    const stopping = await startTestVigil();
    try {
      const sio = await connectSocketIo(stopping.port);
      const ws = await connectWs(stopping.port);
      const sse = await openSse(stopping.port);
      await stopping.stop();

      expect(await ws.closed).toEqual({ code: 1012, reason: 'server restarting' });
      await waitFor(() => sio.lifecycle.includes('disconnect:transport close'), 5000, 'the Socket.io disconnect');
      expect(sio.lifecycle).not.toContain('disconnect:io server disconnect');
      await sse.ended;
      for (const client of [sio, ws, sse]) expect(client.events.map((e) => e.event)).toEqual(['server:shutdown']);
    } finally {
      await closeRealtimeClients();
      await stopping.dispose();
    }
  });
});

describe('the three transports', () => {
  it('show a Socket.io client, a /ws client and an SSE reader of one endpoint the same events, in the same order', async () => {
    const path = '/sse-three';
    const endpoint = await env.s.createEndpoint(path, { name: 'Three ways', failureThreshold: 2 });
    const sio = await connectSocketIo(env.vigil.port);
    expect(await sio.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    const ws = await connectWs(env.vigil.port);
    expect(await ws.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    const sse = await listen(`endpointId=${endpoint.id}`);

    env.s.fail(path);
    for (let i = 0; i < 3; i++) await env.s.checkNow(endpoint.id);
    env.s.heal(path);
    await env.s.checkNow(endpoint.id);
    await env.s.rename(endpoint.id, 'Three ways renamed');
    await env.s.remove(endpoint.id);
    for (const client of [sio, ws, sse]) await received(client, (e) => e.event === 'endpoint:deleted', 'endpoint:deleted');

    expect(sse.events.map((e) => e.event)).toEqual([
      'check:completed',
      'endpoint:status-changed', // UP → DOWN
      'check:completed',
      'incident:started',
      'check:completed',
      'check:completed',
      'endpoint:status-changed',
      'incident:resolved', // DOWN → UP
      'endpoint:updated',
      'endpoint:deleted',
    ]);
    expect(ws.events).toEqual(sse.events);
    expect(sio.events).toEqual(sse.events);
  });
});

describe('SSE with an API key', () => {
  const keyed = useOwnVigil({ API_KEY: 'secret' });

  it.each([
    ['no key', '', {}],
    ['a wrong ?token=', '?token=wrong', {}],
    ['a wrong Authorization header', '', { authorization: 'Bearer wrong' }],
  ])('answers a stream request with %s with a 401 problem', async (_, query, headers) => {
    const res = await fetch(`http://127.0.0.1:${keyed.vigil.port}/api/events${query}`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('streams to a reader with ?token= or an Authorization header', async () => {
    const byQuery = await openSse(keyed.vigil.port, 'token=secret');
    const byHeader = await openSse(keyed.vigil.port, '', { authorization: 'Bearer secret' });
    const res = await keyed.vigil.api(
      'POST',
      '/api/endpoints',
      { name: 'Keyed', url: env.target.url('/sse-keyed'), intervalSeconds: 3600 },
      { authorization: 'Bearer secret' },
    );
    expect(res.status).toBe(201);
    for (const reader of [byQuery, byHeader]) await received(reader, (e) => e.event === 'endpoint:created' && e.data.id === res.body.id, 'endpoint:created');
  });
});
