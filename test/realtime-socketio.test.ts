import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELDS,
  checkCompletedOf,
  closeRealtimeClients,
  connectSocketIo,
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
  type SocketIoClient,
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

const connect = (options = {}) => connectSocketIo(vigil.port, options);

async function subscribedToAll(): Promise<SocketIoClient> {
  const client = await connect();
  expect(await client.command('subscribe:all')).toEqual({ ok: true });
  return client;
}

async function subscribedTo(...endpointIds: string[]): Promise<SocketIoClient> {
  const client = await connect();
  for (const endpointId of endpointIds) expect(await client.command('subscribe:endpoint', { endpointId })).toEqual({ ok: true });
  return client;
}

const isCheckOf = (checkId: string) => (e: Received) => e.event === 'check:completed' && e.data.checkId === checkId;
const checkIdsAbout = (client: SocketIoClient, endpointId: string) =>
  eventsAbout(client.events, endpointId).filter((e) => e.event === 'check:completed').map((e) => e.data.checkId as string);

describe('Socket.io events carry exactly the contract payloads', () => {
  it('sends every event in the life of an endpoint with the fields and values REST reports', async () => {
    const client = await subscribedToAll();
    const life = await runLifecycle(s, '/sio-life');
    await received(client, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === life.created.id, 'endpoint:deleted');

    const got = eventsAbout(client.events, life.created.id);
    for (const e of got) expect(sortedKeys(e.data), e.event).toEqual([...CONTRACT_FIELDS[e.event]!].sort());
    expect(got).toEqual(lifecycleEvents(life));
  });

  it('sends a subscriber of one endpoint the events of that endpoint from the moment it subscribed', async () => {
    const client = await connect();
    const life = await runLifecycle(s, '/sio-life-one', async (endpoint) => {
      expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    });
    await received(client, (e) => e.event === 'endpoint:deleted', 'endpoint:deleted');
    expect(client.events).toEqual(lifecycleEvents(life).slice(3));
  });
});

describe('who gets what over Socket.io', () => {
  it('sends nothing to a client without subscriptions', async () => {
    const client = await connect();
    const endpoint = await s.createEndpoint('/sio-nobody');
    await s.checkNow(endpoint.id);
    await s.rename(endpoint.id, 'Nobody listens');
    await s.remove(endpoint.id);
    await quietFor();
    expect(client.events).toEqual([]);
  });

  it('sends a subscriber of endpoint A none of the events of B, nor endpoint:created of a new endpoint', async () => {
    const a = await s.createEndpoint('/sio-a');
    const b = await s.createEndpoint('/sio-b');
    const client = await subscribedTo(a.id);

    await s.checkNow(b.id);
    await s.rename(b.id, 'B renamed');
    const c = await s.createEndpoint('/sio-c');
    await s.remove(c.id);
    const aCheck = await s.checkNow(a.id);
    // One connection delivers in order: once A's check is in, anything sent before it is too.
    await received(client, isCheckOf(aCheck.id), "A's check");

    expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(aCheck) }]);
  });

  it('sends a subscriber of all every event, endpoint:created included', async () => {
    const client = await subscribedToAll();
    const endpoint = await s.createEndpoint('/sio-everything');
    const check = await s.checkNow(endpoint.id);
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
    expect(checkIdsAbout(client, endpoint.id)).toContain(check.id);
  });

  it('delivers each event once to a client subscribed to all and to the endpoint, in either order', async () => {
    const endpoint = await s.createEndpoint('/sio-twice');
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
    const a = await s.createEndpoint('/sio-unsub-a');
    const b = await s.createEndpoint('/sio-unsub-b');
    const client = await subscribedTo(a.id, b.id);
    const before = await s.checkNow(a.id);
    await received(client, isCheckOf(before.id), 'the check before unsubscribing');

    expect(await client.command('unsubscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
    const after = await s.checkNow(a.id);
    const bCheck = await s.checkNow(b.id);
    await received(client, isCheckOf(bCheck.id), "B's check");

    expect(checkIdsAbout(client, a.id)).toEqual([before.id]);
    expect(checkIdsAbout(client, a.id)).not.toContain(after.id);
  });

  it('stops delivering everything after unsubscribe:all, keeping endpoint subscriptions', async () => {
    const b = await s.createEndpoint('/sio-unsub-all-b');
    const client = await subscribedToAll();
    expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:all')).toEqual({ ok: true });

    const a = await s.createEndpoint('/sio-unsub-all-a');
    await s.checkNow(a.id);
    const bCheck = await s.checkNow(b.id);
    await received(client, isCheckOf(bCheck.id), "B's check");

    expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(bCheck) }]);
  });

  it('sends nothing about an endpoint after endpoint:deleted, not even the check that was running', async () => {
    const path = '/sio-deleted-while-checking';
    const doomed = await s.createEndpoint(path);
    const witness = await s.createEndpoint('/sio-deleted-witness');
    const client = await subscribedTo(doomed.id, witness.id);
    target.setMode(path, { kind: 'slow', delayMs: 300 });
    const running = vigil.api('POST', `/api/endpoints/${doomed.id}/check`);
    await waitFor(() => target.hits(path) >= 2, 5000, 'the slow check to reach the target');
    await s.remove(doomed.id);
    expect((await running).status).toBe(404);
    const barrier = await s.checkNow(witness.id);
    await received(client, isCheckOf(barrier.id), "the witness's check");

    expect(namesOf(eventsAbout(client.events, doomed.id))).toEqual(['endpoint:deleted']);
  });

  it('delivers twenty quick checks of one endpoint in the order of their checkedAt', async () => {
    const endpoint = await s.createEndpoint('/sio-order');
    const client = await subscribedTo(endpoint.id);
    for (let i = 0; i < 20; i++) await s.checkNow(endpoint.id);
    const stored = (await s.checksOf(endpoint.id)).reverse().slice(1); // oldest first, without the first check
    await waitFor(() => checkIdsAbout(client, endpoint.id).length >= 20, 10_000, 'twenty checks');

    expect(checkIdsAbout(client, endpoint.id)).toEqual(stored.map((c) => c.id));
    const times = client.events.map((e) => Date.parse(e.data.timestamp));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('delivers the events of one endpoint in the order they happened when twenty checks run together', async () => {
    const path = '/sio-order-together';
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

describe('Socket.io acknowledgements', () => {
  it('acknowledges every subscription command with { ok: true }', async () => {
    const endpoint = await s.createEndpoint('/sio-acks');
    const client = await connect();
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:all')).toEqual({ ok: true });
  });

  it.each([
    ['no data at all', undefined],
    ['no endpointId', {}],
    ['a bare string instead of an object', 'not-an-object'],
    ['a number', { endpointId: 42 }],
    ['null', { endpointId: null }],
    ['a malformed UUID', { endpointId: 'not-a-uuid' }],
    ['a UUID with junk around it', { endpointId: ' 3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01 ' }],
  ])('refuses a subscription with %s as BAD_REQUEST', async (_, data) => {
    const client = await connect();
    for (const event of ['subscribe:endpoint', 'unsubscribe:endpoint']) {
      expect(await client.command(event, data)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
  });

  it('refuses to subscribe to an unknown endpoint as NOT_FOUND', async () => {
    const client = await connect();
    const ack = await client.command('subscribe:endpoint', { endpointId: '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01' });
    expect(ack).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01') } });
  });

  it('answers an unknown event with a BAD_REQUEST acknowledgement', async () => {
    const client = await connect();
    const ack = await client.command('subscribe:everything', { endpointId: 'x' });
    expect(ack).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('subscribe:everything') } });
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
  });
});

describe('Socket.io under abuse', () => {
  it('answers a flood of subscriptions with RATE_LIMITED for the excess and keeps serving other clients', async () => {
    const endpoint = await s.createEndpoint('/sio-flood');
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

  it('disconnects a client that never stops flooding, and only that one', async () => {
    const endpoint = await s.createEndpoint('/sio-endless-flood');
    const bystander = await subscribedToAll();
    const flooder = await connect();
    for (let i = 0; i < 2000; i++) flooder.socket.emit('subscribe:all', () => {});
    await waitFor(() => flooder.lifecycle.some((l) => l.startsWith('disconnect:')), 10_000, 'the flooder to be disconnected');

    const check = await s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.lifecycle).toEqual(['connect']);
  });

  it('disconnects only the client that sends a message over 64 KiB', async () => {
    const endpoint = await s.createEndpoint('/sio-oversized');
    const bystander = await subscribedToAll();
    const offender = await subscribedToAll();
    offender.socket.emit('subscribe:endpoint', { endpointId: 'x'.repeat(70 * 1024) });
    await waitFor(() => offender.lifecycle.some((l) => l.startsWith('disconnect:')), 10_000, 'the offender to be disconnected');

    const check = await s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.lifecycle).toEqual(['connect']);
  });

  it('leaves no rooms behind after 50 clients subscribe and disconnect', async () => {
    const a = await s.createEndpoint('/sio-rooms-a');
    const b = await s.createEndpoint('/sio-rooms-b');
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect()));
    await Promise.all(
      clients.map(async (client, i) => {
        expect(await client.command('subscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
        if (i % 2 === 0) expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
        if (i % 3 === 0) expect(await client.command('subscribe:all')).toEqual({ ok: true });
      }),
    );
    const rooms = vigil.socketIo.io.of('/').adapter.rooms;
    expect(rooms.get(`endpoint:${a.id}`)?.size).toBe(50);
    expect(rooms.get(`endpoint:${b.id}`)?.size).toBe(25);
    expect(rooms.get('all')?.size).toBe(17);

    await closeRealtimeClients();
    await waitFor(() => vigil.socketIo.io.of('/').sockets.size === 0 && vigil.socketIo.clientCount() === 0, 5000, 'the server to see every disconnect');
    expect([...rooms.keys()].filter((room) => room === 'all' || room.startsWith('endpoint:'))).toEqual([]);
  });
});

describe('Socket.io connection state recovery', () => {
  it('replays, once, the event missed while the transport was down, after the automatic reconnect', async () => {
    const endpoint = await s.createEndpoint('/sio-recovery');
    const client = await subscribedToAll();
    const seen = await s.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check before the drop');

    client.socket.io.engine.close();
    await waitFor(() => vigil.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
    const socketsAtEmit: number[] = [];
    const stopWatching = vigil.bus.on('check:completed', () => socketsAtEmit.push(vigil.socketIo.io.of('/').sockets.size));
    const missed = await s.checkNow(endpoint.id);
    stopWatching();
    expect(socketsAtEmit).toEqual([0]); // the check really happened while the client was away

    await waitFor(() => client.socket.connected, 10_000, 'the automatic reconnect');
    expect(client.socket.recovered).toBe(true);
    await received(client, isCheckOf(missed.id), 'the missed check');
    const after = await s.checkNow(endpoint.id);
    await received(client, isCheckOf(after.id), 'a check after the reconnect');

    expect(checkIdsAbout(client, endpoint.id)).toEqual([seen.id, missed.id, after.id]);
    expect(client.lifecycle).toEqual(['connect', 'disconnect:forced close', 'connect']);
  });

  it('recovers a client that subscribed but had received no event yet when the transport dropped', async () => {
    const endpoint = await s.createEndpoint('/sio-recovery-quiet');
    const client = await subscribedTo(endpoint.id); // a quiet detail page: nothing received so far

    client.socket.io.engine.close();
    await waitFor(() => vigil.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
    const missed = await s.checkNow(endpoint.id);
    await waitFor(() => client.socket.connected, 10_000, 'the automatic reconnect');

    expect(client.socket.recovered).toBe(true);
    await received(client, isCheckOf(missed.id), 'the missed check');
  });

  it('works over HTTP long-polling when WebSockets are not available', async () => {
    const client = await connect({ transports: ['polling'] });
    expect(client.socket.io.engine.transport.name).toBe('polling');
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const endpoint = await s.createEndpoint('/sio-polling');
    const check = await s.checkNow(endpoint.id);
    await received(client, isCheckOf(check.id), 'the check over polling');
    expect(namesOf(eventsAbout(client.events, endpoint.id))[0]).toBe('endpoint:created');
  });
});

describe('Socket.io once the recovery window has passed', () => {
  let forgetful: TestVigil;
  beforeAll(async () => {
    forgetful = await startTestVigil({ REALTIME_RECOVERY_MS: '0' });
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await forgetful?.dispose();
  });

  it('reconnects without recovery: nothing is replayed and the client must subscribe again', async () => {
    const fs = scenario(forgetful, target);
    const endpoint = await fs.createEndpoint('/sio-forgotten');
    const client = await connectSocketIo(forgetful.port);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const seen = await fs.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check before the drop');

    client.socket.io.engine.close();
    await waitFor(() => forgetful.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
    await fs.checkNow(endpoint.id);
    await waitFor(() => client.socket.connected, 10_000, 'the automatic reconnect');
    expect(client.socket.recovered).toBe(false);

    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const after = await fs.checkNow(endpoint.id);
    await received(client, isCheckOf(after.id), 'a check after subscribing again');
    expect(checkIdsAbout(client, endpoint.id)).toEqual([seen.id, after.id]);
  });
});

describe('Socket.io recovery buffer', () => {
  let quiet: TestVigil;
  beforeAll(async () => {
    quiet = await startTestVigil();
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await quiet?.dispose();
  });
  const buffered = () => ((quiet.socketIo.io.of('/').adapter as unknown as { packets: unknown[] }).packets ?? []).length;

  it('keeps nothing while nobody is connected, and starts keeping events once somebody is', async () => {
    const qs = scenario(quiet, target);
    const endpoint = await qs.createEndpoint('/sio-buffer');
    await qs.checkNow(endpoint.id);
    await qs.checkNow(endpoint.id);
    expect(buffered()).toBe(0);

    const client = await connectSocketIo(quiet.port);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const seen = await qs.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check while connected');
    expect(buffered()).toBeGreaterThan(0);
  });
});

describe('Socket.io with an API key', () => {
  let keyed: TestVigil;
  beforeAll(async () => {
    keyed = await startTestVigil({ API_KEY: 'secret' });
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await keyed?.dispose();
  });

  it('refuses a client without the key with a connect_error', async () => {
    await expect(connectSocketIo(keyed.port)).rejects.toThrow(/unauthorized/i);
    await expect(connectSocketIo(keyed.port, { auth: { token: 'wrong' } })).rejects.toThrow(/unauthorized/i);
  });

  it('accepts the key as an Authorization header too', async () => {
    const client = await connectSocketIo(keyed.port, { extraHeaders: { authorization: 'Bearer secret' } });
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
  });

  it('accepts a client that passes auth: { token }', async () => {
    const client = await connectSocketIo(keyed.port, { auth: { token: 'secret' } });
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const res = await keyed.api('POST', '/api/endpoints', { name: 'Keyed', url: target.url('/keyed'), intervalSeconds: 3600 }, { authorization: 'Bearer secret' });
    expect(res.status).toBe(201);
    await received(client, (e) => e.event === 'endpoint:created' && e.data.id === res.body.id, 'endpoint:created');
  });
});
