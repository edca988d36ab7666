import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELDS,
  UpgradeRefused,
  checkCompletedOf,
  closeRealtimeClients,
  connectSocketIo,
  connectWs,
  eventsAbout,
  lifecycleEvents,
  namesOf,
  quietFor,
  realtimeIsIdle,
  received,
  runLifecycle,
  scenario,
  sortedKeys,
  type Received,
  type Scenario,
  type WsClient,
} from './support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;
let s: Scenario;

beforeAll(async () => {
  target = await startTargetServer();
  vigil = await startTestVigil();
  s = scenario(vigil, target);
});
afterAll(async () => {
  await closeRealtimeClients();
  await vigil?.dispose();
  await target?.close();
});
afterEach(async () => {
  await closeRealtimeClients();
  await waitFor(() => realtimeIsIdle(vigil), 5000, 'every realtime client to leave');
  expect(vigil.errors).toEqual([]);
});

const connect = (options = {}) => connectWs(vigil.port, options);
const UNKNOWN_ID = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';

async function subscribedToAll(): Promise<WsClient> {
  const client = await connect();
  expect(await client.command('subscribe:all')).toEqual({ ok: true });
  return client;
}

async function subscribedTo(...endpointIds: string[]): Promise<WsClient> {
  const client = await connect();
  for (const endpointId of endpointIds) expect(await client.command('subscribe:endpoint', { endpointId })).toEqual({ ok: true });
  return client;
}

const isCheckOf = (checkId: string) => (e: Received) => e.event === 'check:completed' && e.data.checkId === checkId;
const checkIdsAbout = (client: WsClient, endpointId: string) =>
  eventsAbout(client.events, endpointId).filter((e) => e.event === 'check:completed').map((e) => e.data.checkId as string);

describe('/ws events carry exactly the contract payloads in the seed envelope', () => {
  it('sends every event in the life of an endpoint as { event, data } with the fields and values REST reports', async () => {
    const client = await subscribedToAll();
    const life = await runLifecycle(s, '/ws-life');
    await received(client, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === life.created.id, 'endpoint:deleted');

    const envelopes = client.frames.filter((f) => f.event !== 'ack');
    for (const frame of envelopes) expect(sortedKeys(frame)).toEqual(['data', 'event']);
    const got = eventsAbout(client.events, life.created.id);
    for (const e of got) expect(sortedKeys(e.data), e.event).toEqual([...CONTRACT_FIELDS[e.event]!].sort());
    expect(got).toEqual(lifecycleEvents(life));
  });

  it('sends a subscriber of one endpoint the events of that endpoint from the moment it subscribed', async () => {
    const client = await connect();
    const life = await runLifecycle(s, '/ws-life-one', async (endpoint) => {
      expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    });
    await received(client, (e) => e.event === 'endpoint:deleted', 'endpoint:deleted');
    expect(client.events).toEqual(lifecycleEvents(life).slice(3));
  });
});

describe('who gets what over /ws', () => {
  it('sends nothing to a client without subscriptions', async () => {
    const client = await connect();
    const endpoint = await s.createEndpoint('/ws-nobody');
    await s.checkNow(endpoint.id);
    await s.rename(endpoint.id, 'Nobody listens');
    await s.remove(endpoint.id);
    await quietFor();
    expect(client.frames).toEqual([]);
  });

  it('sends a subscriber of endpoint A none of the events of B, nor endpoint:created of a new endpoint', async () => {
    const a = await s.createEndpoint('/ws-a');
    const b = await s.createEndpoint('/ws-b');
    const client = await subscribedTo(a.id);

    await s.checkNow(b.id);
    await s.rename(b.id, 'B renamed');
    const c = await s.createEndpoint('/ws-c');
    await s.remove(c.id);
    const aCheck = await s.checkNow(a.id);
    // One connection delivers in order: once A's check is in, anything sent before it is too.
    await received(client, isCheckOf(aCheck.id), "A's check");

    expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(aCheck) }]);
  });

  it('sends a subscriber of all every event, endpoint:created included', async () => {
    const client = await subscribedToAll();
    const endpoint = await s.createEndpoint('/ws-everything');
    await s.checkNow(endpoint.id);
    await s.rename(endpoint.id, 'Everything renamed');
    await s.remove(endpoint.id);
    await received(client, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === endpoint.id, 'endpoint:deleted');

    expect(namesOf(eventsAbout(client.events, endpoint.id))).toEqual([
      'endpoint:created',
      'check:completed',
      'endpoint:status-changed',
      'check:completed',
      'endpoint:updated',
      'endpoint:deleted',
    ]);
  });

  it('delivers each event once to a client subscribed to all and to the endpoint, in either order', async () => {
    const endpoint = await s.createEndpoint('/ws-twice');
    const allFirst = await subscribedToAll();
    expect(await allFirst.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    const endpointFirst = await subscribedTo(endpoint.id);
    expect(await endpointFirst.command('subscribe:all')).toEqual({ ok: true });

    const checks = [];
    for (let i = 0; i < 5; i++) checks.push(await s.checkNow(endpoint.id));
    await s.rename(endpoint.id, 'Twice renamed');
    for (const client of [allFirst, endpointFirst]) {
      await received(client, (e) => e.event === 'endpoint:updated' && e.data.id === endpoint.id, 'endpoint:updated');
      await quietFor(100);
      expect(checkIdsAbout(client, endpoint.id)).toEqual(checks.map((c) => c.id));
      expect(namesOf(eventsAbout(client.events, endpoint.id)).filter((n) => n === 'endpoint:updated')).toHaveLength(1);
    }
  });

  it('stops delivering an endpoint after unsubscribe:endpoint', async () => {
    const a = await s.createEndpoint('/ws-unsub-a');
    const b = await s.createEndpoint('/ws-unsub-b');
    const client = await subscribedTo(a.id, b.id);
    const before = await s.checkNow(a.id);
    await received(client, isCheckOf(before.id), 'the check before unsubscribing');

    expect(await client.command('unsubscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
    await s.checkNow(a.id);
    const bCheck = await s.checkNow(b.id);
    await received(client, isCheckOf(bCheck.id), "B's check");

    expect(checkIdsAbout(client, a.id)).toEqual([before.id]);
  });

  it('stops delivering everything after unsubscribe:all, keeping endpoint subscriptions', async () => {
    const b = await s.createEndpoint('/ws-unsub-all-b');
    const client = await subscribedToAll();
    expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:all')).toEqual({ ok: true });

    const a = await s.createEndpoint('/ws-unsub-all-a');
    await s.checkNow(a.id);
    const bCheck = await s.checkNow(b.id);
    await received(client, isCheckOf(bCheck.id), "B's check");

    expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(bCheck) }]);
  });

  it('delivers twenty quick checks of one endpoint in the order of their checkedAt', async () => {
    const endpoint = await s.createEndpoint('/ws-order');
    const client = await subscribedTo(endpoint.id);
    for (let i = 0; i < 20; i++) await s.checkNow(endpoint.id);
    const stored = (await s.checksOf(endpoint.id)).reverse().slice(1); // oldest first, without the first check
    await waitFor(() => checkIdsAbout(client, endpoint.id).length >= 20, 10_000, 'twenty checks');

    expect(checkIdsAbout(client, endpoint.id)).toEqual(stored.map((c) => c.id));
    const times = client.events.map((e) => Date.parse(e.data.timestamp));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('delivers the events of one endpoint in the order they happened when twenty checks run together', async () => {
    const path = '/ws-order-together';
    const endpoint = await s.createEndpoint(path, { failureThreshold: 1 });
    const client = await subscribedTo(endpoint.id);
    s.fail(path);
    await Promise.all(Array.from({ length: 20 }, () => s.checkNow(endpoint.id)));
    s.heal(path);
    const last = await s.checkNow(endpoint.id);
    await received(client, isCheckOf(last.id), 'the last check');

    const happened = eventsAbout(s.emitted, endpoint.id).filter((e) => e.event !== 'endpoint:created');
    const fromFirstFailure = happened.slice(happened.findIndex((e) => e.event === 'check:completed' && e.data.status === 'DOWN'));
    expect(client.events).toEqual(fromFirstFailure);
  });
});

describe('/ws acknowledgements and protocol errors', () => {
  it('answers each command with an ack frame echoing its numeric or string id', async () => {
    const endpoint = await s.createEndpoint('/ws-acks');
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

  it.each([
    ['no data at all', undefined],
    ['no endpointId', {}],
    ['a bare string instead of an object', 'not-an-object'],
    ['a number', { endpointId: 42 }],
    ['null', { endpointId: null }],
    ['a malformed UUID', { endpointId: 'not-a-uuid' }],
  ])('refuses a subscription with %s as BAD_REQUEST', async (_, data) => {
    const client = await connect();
    for (const event of ['subscribe:endpoint', 'unsubscribe:endpoint']) {
      expect(await client.command(event, data)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
  });

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
    const endpoint = await s.createEndpoint(`/ws-usable-${Math.random().toString(36).slice(2)}`);
    await received(client, (e) => e.event === 'endpoint:created' && e.data.id === endpoint.id, 'endpoint:created');
  });

  it('answers { event: "ping" } with { event: "pong" }', async () => {
    const client = await connect();
    client.sendRaw(JSON.stringify({ event: 'ping' }));
    expect(await client.nextFrame((f) => f.event === 'pong')).toMatchObject({ event: 'pong' });
  });
});

describe('/ws under abuse', () => {
  it('answers a flood of subscriptions with RATE_LIMITED for the excess and keeps serving other clients', async () => {
    const endpoint = await s.createEndpoint('/ws-flood');
    const bystander = await subscribedToAll();
    const flooder = await connect();

    const acks = await Promise.all(Array.from({ length: 250 }, () => flooder.command('subscribe:endpoint', { endpointId: endpoint.id })));
    const accepted = acks.filter((a) => a.ok);
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    expect(accepted.length).toBeGreaterThanOrEqual(100);
    expect(limited.length).toBeGreaterThanOrEqual(100);
    expect(accepted.length + limited.length).toBe(250);
    expect(limited[0]).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: expect.any(String) } });

    const check = await s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    await received(flooder, isCheckOf(check.id), 'the check at the flooder, still subscribed');
  });

  it('closes a client that never stops flooding with 1008, and only that one', async () => {
    const endpoint = await s.createEndpoint('/ws-endless-flood');
    const bystander = await subscribedToAll();
    const flooder = await connect();
    const frame = JSON.stringify({ event: 'subscribe:all' });
    for (let i = 0; i < 2000; i++) flooder.sendRaw(frame);
    expect((await flooder.closed).code).toBe(1008);

    const check = await s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
  });

  it('closes only the client that sends a frame over 64 KiB, with 1009', async () => {
    const endpoint = await s.createEndpoint('/ws-oversized');
    const bystander = await subscribedToAll();
    const offender = await subscribedToAll();
    offender.sendRaw(JSON.stringify({ event: 'subscribe:endpoint', data: { endpointId: 'x'.repeat(70 * 1024) } }));
    expect((await offender.closed).code).toBe(1009);

    const check = await s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
  });

  it('forgets every subscription after 50 clients subscribe and disconnect', async () => {
    const a = await s.createEndpoint('/ws-hub-a');
    const b = await s.createEndpoint('/ws-hub-b');
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect()));
    await Promise.all(
      clients.map(async (client, i) => {
        expect(await client.command('subscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
        if (i % 2 === 0) expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
        if (i % 3 === 0) expect(await client.command('subscribe:all')).toEqual({ ok: true });
      }),
    );
    expect(vigil.hub.size()).toEqual({ all: 17, endpoints: 2, clientsWithEndpoints: 50 });
    expect(vigil.ws.clientCount()).toBe(50);

    await Promise.all(clients.map((client) => client.close()));
    await waitFor(() => vigil.ws.clientCount() === 0, 5000, 'the server to see every disconnect');
    expect(vigil.hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });

  it('also forgets the subscriptions of clients that vanish without a closing handshake', async () => {
    const a = await s.createEndpoint('/ws-hub-terminated');
    const clients = await Promise.all(Array.from({ length: 10 }, () => subscribedTo(a.id)));
    expect(vigil.hub.size().clientsWithEndpoints).toBe(10);
    for (const client of clients) client.ws.terminate();
    await waitFor(() => vigil.ws.clientCount() === 0, 5000, 'the server to see every drop');
    expect(vigil.hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });
});

describe('one port for everything', () => {
  it('serves Socket.io, /ws and REST on the same port', async () => {
    const sio = await connectSocketIo(vigil.port);
    const ws = await connect();
    expect(await sio.command('subscribe:all')).toEqual({ ok: true });
    expect(await ws.command('subscribe:all')).toEqual({ ok: true });
    const health = await fetch(`http://127.0.0.1:${vigil.port}/healthz`);
    expect(health.status).toBe(200);

    const endpoint = await s.createEndpoint('/one-port');
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
      const [sio, ws] = await Promise.all([connectSocketIo(vigil.port), connect()]);
      expect(await sio.command('subscribe:all')).toEqual({ ok: true });
      expect(await ws.command('subscribe:all')).toEqual({ ok: true });
      await Promise.all([sio.close(), ws.close()]);
    }
  });
});

describe('/ws keepalive', () => {
  let pinging: TestVigil;
  beforeAll(async () => {
    pinging = await startTestVigil({ WS_PING_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await pinging?.dispose();
  });

  it('pings every client, and drops one that stops answering', async () => {
    const answering = await connectWs(pinging.port);
    let pings = 0;
    answering.ws.on('ping', () => pings++);
    const silent = await connectWs(pinging.port, { autoPong: false });
    expect((await silent.closed).code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    await waitFor(() => pinging.ws.clientCount() === 1, 5000, 'the server to forget the silent client');
  });
});

describe('/ws with an API key', () => {
  let keyed: TestVigil;
  beforeAll(async () => {
    keyed = await startTestVigil({ API_KEY: 'secret' });
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await keyed?.dispose();
  });

  it('refuses an upgrade without the key, or with a wrong one, with 401', async () => {
    for (const options of [{}, { path: '/ws?token=wrong' }, { headers: { authorization: 'Bearer wrong' } }]) {
      const refused = await connectWs(keyed.port, options).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(UpgradeRefused);
      expect((refused as UpgradeRefused).status).toBe(401);
    }
  });

  it('accepts the key as ?token= or as an Authorization header', async () => {
    for (const options of [{ path: '/ws?token=secret' }, { headers: { authorization: 'Bearer secret' } }]) {
      const client = await connectWs(keyed.port, options);
      expect(await client.command('subscribe:all')).toEqual({ ok: true });
    }
  });
});
