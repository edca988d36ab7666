import { describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELDS,
  checkIdsAbout,
  closeRealtimeClients,
  connectSocketIo,
  describeDeliveryRules,
  eventsAbout,
  isCheckOf,
  itRefusesMalformedSubscriptions,
  itRateLimitsAFlood,
  itSendsOneEndpointFromSubscription,
  lifecycleEvents,
  namesOf,
  received,
  runLifecycle,
  scenario,
  sortedKeys,
  subscribeTo,
  subscribeToAll,
  useOwnVigil,
  useRealtimeTestEnv,
} from './support/realtime-clients.ts';
import { waitFor } from './support/vigil.ts';

const env = useRealtimeTestEnv();

const connect = (options = {}) => connectSocketIo(env.vigil.port, options);
const subscribedToAll = async () => subscribeToAll(await connect());
const subscribedTo = async (...endpointIds: string[]) => subscribeTo(await connect(), ...endpointIds);

describe('Socket.io events carry exactly the contract payloads', () => {
  it('sends every event in the life of an endpoint with the fields and values REST reports', async () => {
    const client = await subscribedToAll();
    const life = await runLifecycle(env.s, '/sio-life');
    await received(client, (e) => e.event === 'endpoint:deleted' && e.data.endpointId === life.created.id, 'endpoint:deleted');

    const got = eventsAbout(client.events, life.created.id);
    for (const e of got) expect(sortedKeys(e.data), e.event).toEqual([...CONTRACT_FIELDS[e.event]!].sort());
    expect(got).toEqual(lifecycleEvents(life));
  });

  itSendsOneEndpointFromSubscription(env, 'sio', connect);
});

describeDeliveryRules('who gets what over Socket.io', env, {
  prefix: 'sio',
  connect,
  moreTests: () => {
    it('sends nothing about an endpoint after endpoint:deleted, not even the check that was running', async () => {
      const path = '/sio-deleted-while-checking';
      const doomed = await env.s.createEndpoint(path);
      const witness = await env.s.createEndpoint('/sio-deleted-witness');
      const client = await subscribedTo(doomed.id, witness.id);
      env.target.setMode(path, { kind: 'slow', delayMs: 300 });
      const running = env.vigil.api('POST', `/api/endpoints/${doomed.id}/check`);
      await waitFor(() => env.target.hits(path) >= 2, 5000, 'the slow check to reach the target');
      await env.s.remove(doomed.id);
      expect((await running).status).toBe(404);
      const barrier = await env.s.checkNow(witness.id);
      await received(client, isCheckOf(barrier.id), "the witness's check");

      expect(namesOf(eventsAbout(client.events, doomed.id))).toEqual(['endpoint:deleted']);
    });
  },
});

describe('Socket.io acknowledgements', () => {
  it('acknowledges every subscription command with { ok: true }', async () => {
    const endpoint = await env.s.createEndpoint('/sio-acks');
    const client = await connect();
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    expect(await client.command('unsubscribe:all')).toEqual({ ok: true });
  });

  itRefusesMalformedSubscriptions(connect, [['a UUID with junk around it', { endpointId: ' 3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01 ' }]]);

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
  itRateLimitsAFlood(env, 'sio', connect);

  it('disconnects a client that never stops flooding, and only that one', async () => {
    const endpoint = await env.s.createEndpoint('/sio-endless-flood');
    const bystander = await subscribedToAll();
    const flooder = await connect();
    for (let i = 0; i < 2000; i++) flooder.socket.emit('subscribe:all', () => {});
    await waitFor(() => flooder.lifecycle.some((l) => l.startsWith('disconnect:')), 10_000, 'the flooder to be disconnected');

    const check = await env.s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.lifecycle).toEqual(['connect']);
  });

  it('disconnects only the client that sends a message over 64 KiB', async () => {
    const endpoint = await env.s.createEndpoint('/sio-oversized');
    const bystander = await subscribedToAll();
    const offender = await subscribedToAll();
    offender.socket.emit('subscribe:endpoint', { endpointId: 'x'.repeat(70 * 1024) });
    await waitFor(() => offender.lifecycle.some((l) => l.startsWith('disconnect:')), 10_000, 'the offender to be disconnected');

    const check = await env.s.checkNow(endpoint.id);
    await received(bystander, isCheckOf(check.id), 'the check at the bystander');
    expect(bystander.lifecycle).toEqual(['connect']);
  });

  it('leaves no rooms behind after 50 clients subscribe and disconnect', async () => {
    const a = await env.s.createEndpoint('/sio-rooms-a');
    const b = await env.s.createEndpoint('/sio-rooms-b');
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect()));
    await Promise.all(
      clients.map(async (client, i) => {
        expect(await client.command('subscribe:endpoint', { endpointId: a.id })).toEqual({ ok: true });
        if (i % 2 === 0) expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
        if (i % 3 === 0) expect(await client.command('subscribe:all')).toEqual({ ok: true });
      }),
    );
    const rooms = env.vigil.socketIo.io.of('/').adapter.rooms;
    expect(rooms.get(`endpoint:${a.id}`)?.size).toBe(50);
    expect(rooms.get(`endpoint:${b.id}`)?.size).toBe(25);
    expect(rooms.get('all')?.size).toBe(17);

    await closeRealtimeClients();
    await waitFor(() => env.vigil.socketIo.io.of('/').sockets.size === 0 && env.vigil.socketIo.clientCount() === 0, 5000, 'the server to see every disconnect');
    expect([...rooms.keys()].filter((room) => room === 'all' || room.startsWith('endpoint:'))).toEqual([]);
  });
});

describe('Socket.io connection state recovery', () => {
  it('replays, once, the event missed while the transport was down, after the automatic reconnect', async () => {
    const endpoint = await env.s.createEndpoint('/sio-recovery');
    const client = await subscribedToAll();
    const seen = await env.s.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check before the drop');

    client.socket.io.engine.close();
    await waitFor(() => env.vigil.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
    const socketsAtEmit: number[] = [];
    const stopWatching = env.vigil.bus.on('check:completed', () => socketsAtEmit.push(env.vigil.socketIo.io.of('/').sockets.size));
    const missed = await env.s.checkNow(endpoint.id);
    stopWatching();
    expect(socketsAtEmit).toEqual([0]); // the check really happened while the client was away

    await waitFor(() => client.socket.connected, 10_000, 'the automatic reconnect');
    expect(client.socket.recovered).toBe(true);
    await received(client, isCheckOf(missed.id), 'the missed check');
    const after = await env.s.checkNow(endpoint.id);
    await received(client, isCheckOf(after.id), 'a check after the reconnect');

    expect(checkIdsAbout(client, endpoint.id)).toEqual([seen.id, missed.id, after.id]);
    expect(client.lifecycle).toEqual(['connect', 'disconnect:forced close', 'connect']);
  });

  it('recovers a client that subscribed but had received no event yet when the transport dropped', async () => {
    const endpoint = await env.s.createEndpoint('/sio-recovery-quiet');
    const client = await subscribedTo(endpoint.id); // a quiet detail page: nothing received so far

    client.socket.io.engine.close();
    await waitFor(() => env.vigil.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
    const missed = await env.s.checkNow(endpoint.id);
    await waitFor(() => client.socket.connected, 10_000, 'the automatic reconnect');

    expect(client.socket.recovered).toBe(true);
    await received(client, isCheckOf(missed.id), 'the missed check');
  });

  it('works over HTTP long-polling when WebSockets are not available', async () => {
    const client = await connect({ transports: ['polling'] });
    expect(client.socket.io.engine.transport.name).toBe('polling');
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const endpoint = await env.s.createEndpoint('/sio-polling');
    const check = await env.s.checkNow(endpoint.id);
    await received(client, isCheckOf(check.id), 'the check over polling');
    expect(namesOf(eventsAbout(client.events, endpoint.id))[0]).toBe('endpoint:created');
  });
});

describe('Socket.io once the recovery window has passed', () => {
  const forgetful = useOwnVigil({ REALTIME_RECOVERY_MS: '0' });

  it('reconnects without recovery: nothing is replayed and the client must subscribe again', async () => {
    const fs = scenario(forgetful.vigil, env.target);
    const endpoint = await fs.createEndpoint('/sio-forgotten');
    const client = await connectSocketIo(forgetful.vigil.port);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const seen = await fs.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check before the drop');

    client.socket.io.engine.close();
    await waitFor(() => forgetful.vigil.socketIo.io.of('/').sockets.size === 0, 5000, 'the server to notice the drop');
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
  const quiet = useOwnVigil();
  const buffered = () => ((quiet.vigil.socketIo.io.of('/').adapter as unknown as { packets: unknown[] }).packets ?? []).length;

  it('keeps nothing while nobody is connected, and starts keeping events once somebody is', async () => {
    const qs = scenario(quiet.vigil, env.target);
    const endpoint = await qs.createEndpoint('/sio-buffer');
    await qs.checkNow(endpoint.id);
    await qs.checkNow(endpoint.id);
    expect(buffered()).toBe(0);

    const client = await connectSocketIo(quiet.vigil.port);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const seen = await qs.checkNow(endpoint.id);
    await received(client, isCheckOf(seen.id), 'a check while connected');
    expect(buffered()).toBeGreaterThan(0);
  });
});

describe('Socket.io with an API key', () => {
  const keyed = useOwnVigil({ API_KEY: 'secret' });

  it('refuses a client without the key with a connect_error', async () => {
    await expect(connectSocketIo(keyed.vigil.port)).rejects.toThrow(/unauthorized/i);
    await expect(connectSocketIo(keyed.vigil.port, { auth: { token: 'wrong' } })).rejects.toThrow(/unauthorized/i);
  });

  it('accepts the key as an Authorization header too', async () => {
    const client = await connectSocketIo(keyed.vigil.port, { extraHeaders: { authorization: 'Bearer secret' } });
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
  });

  it('accepts a client that passes auth: { token }', async () => {
    const client = await connectSocketIo(keyed.vigil.port, { auth: { token: 'secret' } });
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const res = await keyed.vigil.api(
      'POST',
      '/api/endpoints',
      { name: 'Keyed', url: env.target.url('/keyed'), intervalSeconds: 3600 },
      { authorization: 'Bearer secret' },
    );
    expect(res.status).toBe(201);
    await received(client, (e) => e.event === 'endpoint:created' && e.data.id === res.body.id, 'endpoint:created');
  });
});
