import { describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELDS,
  UpgradeRefused,
  connectSocketIo,
  connectWs,
  describeDeliveryRules,
  eventsAbout,
  isCheckOf,
  itRefusesMalformedSubscriptions,
  itRateLimitsAFlood,
  itSendsOneEndpointFromSubscription,
  lifecycleEvents,
  received,
  runLifecycle,
  sortedKeys,
  subscribeTo,
  subscribeToAll,
  useOwnVigil,
  useRealtimeTestEnv,
  type WsClient,
} from './support/realtime-clients.ts';
import { waitFor } from './support/vigil.ts';

const env = useRealtimeTestEnv();

const connect = (options = {}) => connectWs(env.vigil.port, options);
const UNKNOWN_ID = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';
const subscribedToAll = async () => subscribeToAll(await connect());
const subscribedTo = async (...endpointIds: string[]) => subscribeTo(await connect(), ...endpointIds);

describe('/ws events carry exactly the contract payloads in the seed envelope', () => {
  it('sends every event in the life of an endpoint as { event, data } with the fields and values REST reports', async () => {
    const client = await subscribedToAll();
    const life = await runLifecycle(env.s, '/ws-life');
    await received(client, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === life.created.id, 'endpoint:deleted');

    const envelopes = client.frames.filter((f) => f.event !== 'ack');
    for (const frame of envelopes) expect(sortedKeys(frame)).toEqual(['data', 'event']);
    const got = eventsAbout(client.events, life.created.id);
    for (const e of got) expect(sortedKeys(e.data), e.event).toEqual([...CONTRACT_FIELDS[e.event]!].sort());
    expect(got).toEqual(lifecycleEvents(life));
  });

  itSendsOneEndpointFromSubscription(env, 'ws', connect);
});

describeDeliveryRules('who gets what over /ws', env, {
  prefix: 'ws',
  connect,
  everythingReceived: (client) => (client as WsClient).frames,
});

describe('/ws acknowledgements and protocol errors', () => {
  it('answers each command with an ack frame echoing its numeric or string id', async () => {
    const endpoint = await env.s.createEndpoint('/ws-acks');
    const client = await connect();
    expect(await client.request({ event: 'subscribe:all', id: 7 })).toEqual({ event: 'ack', id: 7, data: { ok: true } });
    expect(await client.request({ event: 'subscribe:endpoint', data: { endpointId: endpoint.id }, id: 'sub-A' })).toEqual({
      event: 'ack',
      id: 'sub-A',
      data: { ok: true },
    });
    expect(await client.request({ event: 'unsubscribe:endpoint', data: { endpointId: endpoint.id }, id: 0 })).toEqual({
      event: 'ack',
      id: 0,
      data: { ok: true },
    });
    expect(await client.request({ event: 'unsubscribe:all', id: 'last' })).toEqual({ event: 'ack', id: 'last', data: { ok: true } });
  });

  itRefusesMalformedSubscriptions(connect);

  it('refuses to subscribe to an unknown endpoint as NOT_FOUND', async () => {
    const client = await connect();
    expect(await client.request({ event: 'subscribe:endpoint', data: { endpointId: UNKNOWN_ID }, id: 3 })).toEqual({
      event: 'ack',
      id: 3,
      data: { ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining(UNKNOWN_ID) } },
    });
  });

  it('answers an unknown event that carries an id with a BAD_REQUEST ack', async () => {
    const client = await connect();
    expect(await client.request({ event: 'subscribe:everything', id: 9 })).toEqual({
      event: 'ack',
      id: 9,
      data: { ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('subscribe:everything') } },
    });
  });

  it.each([
    ['malformed JSON', '{"event": "subscribe:all"', false],
    ['a binary frame', '{"event":"subscribe:all","id":1}', true],
    ['a JSON array', '["subscribe:all"]', false],
    ['a JSON number', '42', false],
    ['JSON null', 'null', false],
    ['an unknown event without an id', '{"event":"nope"}', false],
  ])('answers %s with an error frame and stays usable', async (_, raw, binary) => {
    const client = await connect();
    client.sendRaw(binary ? Buffer.from(raw) : raw, { binary });
    const error = await client.nextFrame((f) => f.event === 'error');
    expect(error).toEqual({ event: 'error', data: { code: 'BAD_REQUEST', message: expect.any(String) } });

    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const endpoint = await env.s.createEndpoint(`/ws-usable-${Math.random().toString(36).slice(2)}`);
    await received(client, (e) => e.event === 'endpoint:created' && e.data.id === endpoint.id, 'endpoint:created');
  });

  it('answers { event: "ping" } with { event: "pong" }', async () => {
    const client = await connect();
    client.sendRaw(JSON.stringify({ event: 'ping' }));
    expect(await client.nextFrame((f) => f.event === 'pong')).toMatchObject({ event: 'pong' });
  });
});

describe('/ws under abuse', () => {
  itRateLimitsAFlood(env, 'ws', connect);

  it('closes a client that never stops flooding with 1008, and only that one', async () => {
    const endpoint = await env.s.createEndpoint('/ws-endless-flood');
    const bystander = await subscribedToAll();
    const flooder = await connect();
    const frame = JSON.stringify({ event: 'subscribe:all' });
    for (let i = 0; i < 2000; i++) flooder.sendRaw(frame);
    expect((await flooder.closed).code).toBe(1008);

    const check = await env.s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
  });

  it('closes only the client that sends a frame over 64 KiB, with 1009', async () => {
    const endpoint = await env.s.createEndpoint('/ws-oversized');
    const bystander = await subscribedToAll();
    const offender = await subscribedToAll();
    offender.sendRaw(JSON.stringify({ event: 'subscribe:endpoint', data: { endpointId: 'x'.repeat(70 * 1024) } }));
    expect((await offender.closed).code).toBe(1009);

    const check = await env.s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
  });

  it('forgets every subscription after 50 clients subscribe and disconnect', async () => {
    const a = await env.s.createEndpoint('/ws-hub-a');
    const b = await env.s.createEndpoint('/ws-hub-b');
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect()));
    await Promise.all(
      clients.map(async (client, i) => {
        expect(await client.command('subscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
        if (i % 2 === 0) expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
        if (i % 3 === 0) expect(await client.command('subscribe:all')).toEqual({ ok: true });
      }),
    );
    expect(env.vigil.hub.size()).toEqual({ all: 17, endpoints: 2, clientsWithEndpoints: 50 });
    expect(env.vigil.ws.clientCount()).toBe(50);

    await Promise.all(clients.map((client) => client.close()));
    await waitFor(() => env.vigil.ws.clientCount() === 0, 5000, 'the server to see every disconnect');
    expect(env.vigil.hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });

  it('also forgets the subscriptions of clients that vanish without a closing handshake', async () => {
    const a = await env.s.createEndpoint('/ws-hub-terminated');
    const clients = await Promise.all(Array.from({ length: 10 }, () => subscribedTo(a.id)));
    expect(env.vigil.hub.size().clientsWithEndpoints).toBe(10);
    for (const client of clients) client.ws.terminate();
    await waitFor(() => env.vigil.ws.clientCount() === 0, 5000, 'the server to see every drop');
    expect(env.vigil.hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });
});

describe('one port for everything', () => {
  it('serves Socket.io, /ws and REST on the same port', async () => {
    const sio = await connectSocketIo(env.vigil.port);
    const ws = await connect();
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const health = await fetch(`http://127.0.0.1:${env.vigil.port}/healthz`);
    expect(health.status).toBe(200);

    const endpoint = await env.s.createEndpoint('/one-port');
    for (const client of [sio, ws]) await received(client, (e) => e.event === 'endpoint:created' && e.data.id === endpoint.id, 'endpoint:created');
  });

  it.each(['/nope', '/ws/extra', '/api/endpoints', '/'])('refuses a WebSocket upgrade to %s with 404', async (path) => {
    const refused = await connect({ path }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(404);
  });

  it('leaves /socket.io/ upgrades to engine.io', async () => {
    const raw = await connect({ path: '/socket.io/?EIO=4&transport=websocket' });
    const open = await raw.nextFrame((f) => typeof f.raw === 'string');
    expect(open.raw).toMatch(/^0\{"sid":/);
  });

  it('lets neither transport steal the upgrades of the other, ten times over', async () => {
    for (let round = 0; round < 10; round++) {
      const [sio, ws] = await Promise.all([connectSocketIo(env.vigil.port), connect()]);
      expect(await sio.command('subscribe:all')).toEqual({ ok: true });
      expect(await ws.command('subscribe:all')).toEqual({ ok: true });
      await Promise.all([sio.close(), ws.close()]);
    }
  });
});

describe('/ws keepalive', () => {
  const pinging = useOwnVigil({ WS_PING_INTERVAL_MS: '1000' });

  it('pings every client, and drops one that stops answering', async () => {
    const answering = await connectWs(pinging.vigil.port);
    let pings = 0;
    answering.ws.on('ping', () => pings++);
    const silent = await connectWs(pinging.vigil.port, { autoPong: false });
    expect((await silent.closed).code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    await waitFor(() => pinging.vigil.ws.clientCount() === 1, 5000, 'the server to forget the silent client');
  });
});

describe('/ws with an API key', () => {
  const keyed = useOwnVigil({ API_KEY: 'secret' });

  it.each([
    ['without the key', {}],
    ['with a wrong key as the subprotocol', { protocols: ['vigil', 'vigil.key.wrong'] }],
    ['with a wrong key as an Authorization header', { headers: { authorization: 'Bearer wrong' } }],
  ])('refuses an upgrade %s with 401', async (_, options) => {
    const refused = await connectWs(keyed.vigil.port, options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(401);
  });

  it.each([
    ['an Authorization header', { headers: { authorization: 'Bearer secret' } }],
    ['the subprotocol vigil.key.<key> beside vigil', { protocols: ['vigil', 'vigil.key.secret'] }],
  ])('accepts the key as %s', async (_, options) => {
    const client = await connectWs(keyed.vigil.port, options);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
  });

  it('refuses the key in the URL (?token=), saying how to pass it instead', async () => {
    const refused = await connectWs(keyed.vigil.port, { path: '/ws?token=secret' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(401);
    expect((refused as UpgradeRefused).body).toMatch(/not read on \/ws.*Authorization: Bearer <key>.*vigil\.key\.<key>/);
  });
});
