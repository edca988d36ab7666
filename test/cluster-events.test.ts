import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openNotifications } from '../db/notifications.ts';
import { packFrames, parseFrame, Reassembler, type Sender } from '../server/cluster/event-frames.ts';
import { EventRelay } from '../server/cluster/event-relay.ts';
import type { ServerEventName } from '../server/contract/events.ts';
import type { Check, Endpoint } from '../server/contract/types.ts';
import { EventBus } from '../server/events/bus.ts';
import { endpointOf } from '../server/realtime/routing.ts';
import {
  closeRealtimeClients,
  connectSocketIo,
  connectWs,
  eventsAbout,
  openSse,
  quietFor,
  subscribeTo,
  subscribeToAll,
  type Received,
  type RealtimeClient,
} from './support/realtime-clients.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { createTestDatabase, driver, startTestVigil, waitFor, type TestDatabase, type TestVigil } from './support/vigil.ts';

/**
 * Events cross instances: what one Vigil raises reaches the realtime clients of every Vigil on
 * the same PostgreSQL, once, in order per endpoint. The relay's tests need PostgreSQL, so they run
 * in the postgres project; the pglite project checks instead that a single embedded instance has
 * no relay at all. The framing (packing, chunking, reassembly) is tested as pure functions in both.
 */

// ---------------------------------------------------------------------------------------------
// Framing, as pure functions

const A_SENDER: Sender = { o: 'instance-a', b: 'b00t0001' };
const B_SENDER: Sender = { o: 'instance-b', b: 'b00t0002' };
const LIMIT = 7500;

const counter = (start = 0) => {
  let n = start;
  return () => ++n;
};
const bytes = (s: string) => Buffer.byteLength(s);
const serialised = (events: [string, unknown][]) => events.map((e) => JSON.stringify(e));

/** What a receiver makes of `frames`, in order: the events, and the reassembler's counters. */
function unpack(frames: string[], reassembler = new Reassembler()) {
  const events: [string, unknown][] = [];
  for (const payload of frames) {
    const frame = parseFrame(payload);
    if (!frame) throw new Error(`not a frame: ${payload.slice(0, 80)}`);
    const body = reassembler.accept(frame);
    if (body !== null) events.push(...(JSON.parse(body) as [string, unknown][]));
  }
  return { events, stats: reassembler.stats };
}

const deleted = (i: number): [string, unknown] => ['endpoint:deleted', { endpointId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }];
/** An endpoint:created whose JSON is about `size` bytes, with 1-, 2-, 3- and 4-byte UTF-8 characters throughout. */
const bigCreated = (size: number): [string, unknown] => ['endpoint:created', { id: 'big', headers: { 'X-Big': 'aé€😀'.repeat(Math.ceil(size / 10)) } }];

describe('event frames', () => {
  it('packs many small events into few frames, each under the limit, and unpacks them in order', () => {
    const events = Array.from({ length: 500 }, (_, i) => deleted(i));
    const { frames, chunkedEvents } = packFrames(serialised(events), A_SENDER, counter(), LIMIT);

    expect(chunkedEvents).toBe(0);
    const totalBytes = serialised(events).reduce((sum, e) => sum + bytes(e) + 1, 0);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(totalBytes / (LIMIT - 300)));
    for (const frame of frames) expect(bytes(frame)).toBeLessThanOrEqual(LIMIT);
    expect(unpack(frames).events).toEqual(events);
  });

  it.each([
    ['just under a frame', 7000],
    ['just over a frame', 7600],
    ['20 KB', 20_000],
    ['200 KB', 200_000],
  ])('cuts an event of %s into frames under the limit, between UTF-8 characters, and puts it back whole', (_, size) => {
    const big = bigCreated(size);
    const events = [deleted(1), big, deleted(2)];
    const { frames } = packFrames(serialised(events), A_SENDER, counter(), LIMIT);

    for (const frame of frames) {
      expect(bytes(frame)).toBeLessThanOrEqual(LIMIT);
      expect(frame).not.toContain('\uFFFD'); // no character was cut in two
    }
    expect(unpack(frames)).toEqual({ events, stats: { duplicates: 0, missed: 0, incomplete: 0 } });
  });

  it('numbers frames in sequence and gives each chunk the message id of its first piece', () => {
    const { frames, chunkedEvents } = packFrames(serialised([deleted(1), bigCreated(20_000)]), A_SENDER, counter(41), LIMIT);
    const headers = frames.map((f) => parseFrame(f)!.header);

    expect(chunkedEvents).toBe(1);
    expect(headers.map((h) => h.s)).toEqual(headers.map((_, i) => 42 + i));
    expect(headers[0]).toEqual({ ...A_SENDER, s: 42 });
    expect(headers.slice(1)).toEqual(headers.slice(1).map((_, i) => ({ ...A_SENDER, s: 43 + i, m: 43, i, n: frames.length - 1 })));
  });

  it('ignores a frame heard twice, and counts frames a sender skipped', () => {
    const frames = packFrames(serialised([deleted(1), deleted(2), deleted(3)]), A_SENDER, counter(), 200).frames;
    expect(frames).toHaveLength(3);

    expect(unpack([frames[0]!, frames[0]!, frames[2]!])).toEqual({
      events: [deleted(1), deleted(3)],
      stats: { duplicates: 1, missed: 1, incomplete: 0 },
    });
  });

  it('gives up a chunked message whose piece was lost, and ignores pieces whose start it never heard', () => {
    const frames = packFrames(serialised([bigCreated(20_000), deleted(9)]), A_SENDER, counter(), LIMIT).frames;
    const withoutSecondPiece = frames.filter((_, i) => i !== 1);
    expect(unpack(withoutSecondPiece)).toEqual({ events: [deleted(9)], stats: { duplicates: 0, missed: 1, incomplete: 1 } });

    const fromSecondPiece = frames.slice(1);
    expect(unpack(fromSecondPiece).events).toEqual([deleted(9)]);
  });

  it('puts together the chunks of two senders whose frames interleave', () => {
    const fromA = packFrames(serialised([bigCreated(20_000)]), A_SENDER, counter(), LIMIT).frames;
    const fromB = packFrames(serialised([bigCreated(30_000)]), B_SENDER, counter(), LIMIT).frames;
    const interleaved = Array.from({ length: Math.max(fromA.length, fromB.length) }, (_, i) => [fromA[i], fromB[i]])
      .flat()
      .filter((f) => f !== undefined);

    expect(fromA.length).toBeLessThan(fromB.length);
    expect(unpack(interleaved).events).toEqual([bigCreated(20_000), bigCreated(30_000)]);
  });

  it.each([
    ['no header line', 'hello'],
    ['a header that is not JSON', 'nope\n[]'],
    ['a header without a sequence number', '{"o":"a","b":"x"}\n[]'],
    ['a chunk index past its count', '{"o":"a","b":"x","s":1,"m":1,"i":2,"n":2}\npiece'],
  ])('does not take %s for a frame', (_, payload) => {
    expect(parseFrame(payload)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// The relay when PostgreSQL cannot be reached (no database needed)

describe('the event relay while PostgreSQL is unreachable', () => {
  it('keeps delivering locally, queues at most maxQueuedEvents, counts the dropped ones and stops in bounded time', async () => {
    const bus = new EventBus();
    const failures: unknown[] = [];
    const relay = new EventRelay({
      bus,
      notifications: await openNotifications('postgres://postgres@127.0.0.1:1/unreachable'),
      instanceId: 'alone',
      maxQueuedEvents: 10,
      onError: (error) => failures.push(error),
    });
    const onFeed: unknown[] = [];
    relay.feed.onAny((_, data) => onFeed.push(data));

    const events = Array.from({ length: 25 }, (_, i) => deleted(i)[1] as { endpointId: string });
    const started = performance.now();
    for (const data of events) bus.emit('endpoint:deleted', data);
    const emitMs = performance.now() - started;

    expect(onFeed).toEqual(events);
    expect(emitMs).toBeLessThan(50);
    expect(relay.stats).toMatchObject({ queued: 10, dropped: 15, published: 0 });
    await waitFor(() => relay.stats.sendFailures >= 2, 5000, 'two failed sends');
    expect(failures).toHaveLength(1); // reported once per outage, not once per retry

    const stopping = performance.now();
    await relay.stop(200);
    expect(performance.now() - stopping).toBeLessThan(3000);
    expect(relay.stats).toMatchObject({ queued: 0, dropped: 25, published: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// One embedded instance: nothing to relay

if (driver === 'pglite') {
  describe('on the embedded database', () => {
    let vigil: TestVigil;
    beforeAll(async () => {
      vigil = await startTestVigil();
    });
    afterAll(async () => {
      await closeRealtimeClients();
      await vigil?.dispose();
    });

    it('has no relay: realtime clients are fed by the bus itself', async () => {
      expect(vigil.database.notifications).toBeUndefined();
      expect(vigil.relay).toBeUndefined();
      expect(vigil.feed).toBe(vigil.bus);

      const client = await subscribeToAll(await connectWs(vigil.port));
      vigil.bus.emit('endpoint:deleted', { endpointId: '00000000-0000-4000-8000-000000000001' });
      await waitFor(() => client.events.length === 1, 5000, 'the event');
      expect(client.events).toEqual([{ event: 'endpoint:deleted', data: { endpointId: '00000000-0000-4000-8000-000000000001' } }]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Three instances on one PostgreSQL

if (driver === 'postgres') {
  describe('three instances on one PostgreSQL', () => {
    let target: TargetServer;
    let database: TestDatabase;
    let a: TestVigil;
    let b: TestVigil;
    let c: TestVigil;
    /** Endpoints every instance knows (created before B and C started), paused: checks run only when asked. */
    let known: Endpoint[];
    let burst: Endpoint[];
    const emitted = new Map<TestVigil, Received[]>();

    const create = async (on: TestVigil, path: string, fields: Partial<Endpoint> = {}) => {
      const res = await on.api<Endpoint>('POST', '/api/endpoints', {
        name: `Target ${path}`,
        url: target.url(path),
        intervalSeconds: 3600,
        paused: true,
        ...fields,
      });
      if (res.status !== 201) throw new Error(`POST /api/endpoints answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const checkNow = async (on: TestVigil, endpointId: string) => {
      const res = await on.api<Check>('POST', `/api/endpoints/${endpointId}/check`);
      if (res.status !== 200) throw new Error(`POST …/check answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    /** What `on`'s bus emits from now on (the truth clients are compared with). */
    const recordFrom = (on: TestVigil) => {
      const start = emitted.get(on)!.length;
      return () => emitted.get(on)!.slice(start);
    };
    const subscribersOfAll = async (on: TestVigil): Promise<RealtimeClient[]> => [
      await subscribeToAll(await connectSocketIo(on.port)),
      await subscribeToAll(await connectWs(on.port)),
      await openSse(on.port),
    ];
    const subscribersOf = async (on: TestVigil, endpointId: string): Promise<RealtimeClient[]> => [
      await subscribeTo(await connectSocketIo(on.port), endpointId),
      await subscribeTo(await connectWs(on.port), endpointId),
      await openSse(on.port, `endpointId=${endpointId}`),
    ];
    const eachReceived = (clients: RealtimeClient[], count: number, what: string, timeoutMs = 10_000) =>
      waitFor(() => clients.every((client) => client.events.length >= count), timeoutMs, what);
    const start = () => startTestVigil({ WEBHOOK_URL: target.url('/hook') }, database);

    beforeAll(async () => {
      target = await startTargetServer();
      database = await createTestDatabase();
      a = await start();
      known = [await create(a, '/known-1'), await create(a, '/known-2')];
      burst = [];
      for (let i = 0; i < 100; i += 20) burst.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => create(a, `/burst-${i + j}`)))));
      b = await start();
      c = await start();
      for (const vigil of [a, b, c]) {
        const events: Received[] = [];
        vigil.bus.onAny((event, data) => events.push({ event, data }));
        emitted.set(vigil, events);
      }
    });
    afterEach(async () => {
      await closeRealtimeClients();
      for (const vigil of [a, b, c]) expect(vigil.errors).toEqual([]);
    });
    afterAll(async () => {
      await closeRealtimeClients();
      for (const vigil of [c, b, a]) await vigil?.stop();
      await database?.dispose();
      await target?.close();
    });

    it('runs a relay on each instance, and their realtime clients are fed by it', () => {
      for (const [name, vigil] of Object.entries({ a, b, c })) {
        expect(vigil.relay, name).toBeDefined();
        expect(vigil.feed, name).toBe(vigil.relay!.feed);
        expect(vigil.feed, name).not.toBe(vigil.bus);
        expect(vigil.relay!.stats.listening, name).toBe(true);
      }
      expect(new Set([a, b, c].map((v) => v.relay!.instanceId)).size).toBe(3);
    });

    it('sends the checks run on A to the Socket.io, /ws and SSE clients of B and C once each, with the payloads A emitted', async () => {
      const [k1, k2] = known as [Endpoint, Endpoint];
      const allOnB = await subscribersOfAll(b);
      const k1OnC = await subscribersOf(c, k1.id);
      const allOnA = await subscribersOfAll(a);
      const fromA = recordFrom(a);

      const checks: Check[] = [];
      for (let i = 0; i < 3; i++) checks.push(await checkNow(a, k1.id));
      checks.push(await checkNow(a, k2.id));
      const happened = fromA();
      const aboutK1 = happened.filter((e) => endpointOf(e.event as ServerEventName, e.data) === k1.id);
      expect(happened.filter((e) => e.event === 'check:completed').map((e) => e.data.checkId)).toEqual(checks.map((c) => c.id));

      await eachReceived([...allOnB, ...allOnA], happened.length, 'every event at the subscribers of all');
      await eachReceived(k1OnC, aboutK1.length, "k1's events at its subscribers on C");
      await quietFor(300);
      for (const client of [...allOnB, ...allOnA]) expect(client.events).toEqual(happened);
      for (const client of k1OnC) expect(client.events).toEqual(aboutK1);
    });

    it('sends endpoint:created, updated and deleted made on A to the subscribers of all on B, not to subscribers of another endpoint', async () => {
      const allOnB = await subscribersOfAll(b);
      const otherOnB = await subscribersOf(b, known[1]!.id);
      const fromA = recordFrom(a);

      const created = await create(a, '/lifecycle');
      const renamed = await a.api<Endpoint>('PATCH', `/api/endpoints/${created.id}`, { name: 'Renamed on A' });
      expect((await a.api('DELETE', `/api/endpoints/${created.id}`)).status).toBe(204);

      const expected = [
        { event: 'endpoint:created', data: created },
        { event: 'endpoint:updated', data: renamed.body },
        { event: 'endpoint:deleted', data: { endpointId: created.id } },
      ];
      expect(fromA()).toEqual(expected);
      await eachReceived(allOnB, 3, 'the three endpoint events on B');
      await quietFor(300);
      for (const client of allOnB) expect(client.events).toEqual(expected);
      for (const client of otherOnB) expect(client.events).toEqual([]);
    });

    it('delivers whole an endpoint:created far over the 8000-byte NOTIFY limit (20 KB of headers, multi-byte characters)', async () => {
      const allOnB = await subscribersOfAll(b);
      const chunkedBefore = a.relay!.stats.chunked;
      const headers = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`X-Big-${i}`, 'aé€😀'.repeat(200)]));
      const created = await create(a, '/big', { name: 'Big één € 😀', headers, tags: ['ünïcödé', '😀'] });
      expect(Buffer.byteLength(JSON.stringify(created))).toBeGreaterThan(20_000);

      await eachReceived(allOnB, 1, 'the big endpoint:created on B');
      await quietFor(200);
      for (const client of allOnB) expect(client.events).toEqual([{ event: 'endpoint:created', data: created }]);
      expect(a.relay!.stats.chunked).toBe(chunkedBefore + 1);
      expect(b.relay!.stats).toMatchObject({ incomplete: 0, missed: 0, malformed: 0 });
    });

    it('delivers a burst of 500 events raised on A and C together complete, once, and in order per endpoint', async () => {
      const allOnB = await subscribersOfAll(b);
      const [onA] = await subscribersOfAll(a);
      const fromA = recordFrom(a);
      const fromC = recordFrom(c);
      const before = { a: a.relay!.stats, c: c.relay!.stats };

      // 100 endpoints (half checked on A, half on C) × 4 checks, the first of each also a status change.
      await Promise.all(
        burst.map(async (endpoint, i) => {
          for (let n = 0; n < 4; n++) await checkNow(i < 50 ? a : c, endpoint.id);
        }),
      );
      const happened = [...fromA(), ...fromC()];
      expect(happened).toHaveLength(500);

      await eachReceived(allOnB, 500, '500 events on B', 20_000);
      await waitFor(() => onA!.events.length >= 500, 20_000, '500 events at the client on A');
      await quietFor(300);
      for (const client of [...allOnB, onA!]) {
        expect(client.events).toHaveLength(500);
        for (const [i, endpoint] of burst.entries()) {
          const origin = i < 50 ? fromA() : fromC();
          expect(eventsAbout(client.events, endpoint.id)).toEqual(eventsAbout(origin, endpoint.id));
        }
      }
      // Events of one tick share a NOTIFY: fewer payloads than events.
      const sent = (after: typeof before.a, was: typeof before.a) => ({
        events: after.published - was.published,
        notifications: after.notifications - was.notifications,
      });
      for (const [name, after, was] of [
        ['A', a.relay!.stats, before.a],
        ['C', c.relay!.stats, before.c],
      ] as const) {
        const { events, notifications } = sent(after, was);
        expect(events, name).toBe(250);
        expect(notifications, name).toBeLessThan(events);
      }
    });

    it('sends webhooks once, from the instance where the event happened', async () => {
      const [onB] = await subscribersOfAll(b);
      const failing = await create(a, '/hook-failing', { failureThreshold: 1 });
      target.setMode('/hook-failing', { kind: 'ok', status: 500 });
      await checkNow(a, failing.id);

      await waitFor(() => onB!.events.some((e) => e.event === 'incident:started' && e.data.endpointId === failing.id), 10_000, 'incident:started on B');
      const hooks = () =>
        target.requests
          .filter((r) => r.path === '/hook')
          .map((r) => JSON.parse(r.body))
          .filter((h) => h.data.endpointId === failing.id);
      await waitFor(() => hooks().length >= 2, 10_000, 'the two webhooks');
      await quietFor(500);
      // B and C heard both events too (B's client got them), yet neither sent a webhook.
      expect(hooks().map((h) => h.event)).toEqual(['endpoint:status-changed', 'incident:started']);
    });

    it('listens again after the LISTEN connections are cut, and delivers what is raised from then on', async () => {
      const resumesBefore = [a, b, c].map((v) => v.relay!.stats.listenResumes);
      const admin = postgres(database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const cut = await admin`select pg_terminate_backend(pid) as cut from pg_stat_activity
          where application_name = 'vigil events listen' and datname = current_database()`;
        expect(cut).toHaveLength(3);
      } finally {
        await admin.end();
      }
      await waitFor(
        () => [a, b, c].every((v, i) => v.relay!.stats.listenResumes > resumesBefore[i]! && v.relay!.stats.listening),
        10_000,
        'every instance to listen again',
      );

      const allOnB = await subscribersOfAll(b);
      const [onA] = await subscribersOfAll(a);
      const fromA = recordFrom(a);
      const fromB = recordFrom(b);
      await checkNow(a, known[0]!.id);
      await checkNow(b, known[1]!.id);
      const total = fromA().length + fromB().length;
      await eachReceived([...allOnB, onA!], total, 'both checks on A and B');
      await quietFor(200);
      for (const client of [...allOnB, onA!]) {
        expect(client.events).toHaveLength(total);
        expect(eventsAbout(client.events, known[0]!.id)).toEqual(fromA());
        expect(eventsAbout(client.events, known[1]!.id)).toEqual(fromB());
      }
    });
  });
}
