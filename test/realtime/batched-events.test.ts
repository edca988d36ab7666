import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BatchFrame, EventEnvelope, ServerEvents } from '../../server/contract/events.ts';
import { EventBus } from '../../server/events/bus.ts';
import { ConnectionLimit } from '../../server/realtime/connection-limit.ts';
import { SubscriptionHub } from '../../server/realtime/hub.ts';
import { attachSocketIo, type SocketIoBridge } from '../../server/realtime/socket-io.ts';
import { attachWsBridge, type WsBridge } from '../../server/realtime/ws-bridge.ts';
import { waitFor } from '../support/vigil.ts';

// The real transports on a real HTTP server, fed by a real bus: the test controls exactly which
// events are emitted and when, to count frames and to stall a reader.
const ENDPOINTS = ['a', 'b', 'c', 'd'].map((c) => `00000000-0000-4000-8000-00000000000${c}`);
const BEHIND_BYTES = 64 * 1024;

let server: Server;
let bus: EventBus;
let hub: SubscriptionHub;
let socketIo: SocketIoBridge;
let ws: WsBridge;
let port: number;
const open: { close(): void }[] = [];

beforeAll(async () => {
  bus = new EventBus();
  hub = new SubscriptionHub(bus);
  server = createServer();
  const common = {
    server,
    endpointExists: () => true,
    authorize: () => ({ ok: true }) as const,
    policy: { checkWrite: () => ({ ok: true }) as const },
    clientAddress: () => '127.0.0.1',
    connections: new ConnectionLimit(10_000),
    batchBehindBytes: BEHIND_BYTES,
  };
  socketIo = attachSocketIo({ ...common, feed: bus });
  ws = attachWsBridge({ ...common, hub });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

// Each test's clients go when it ends: those of an earlier test would load this one's process.
afterEach(async () => {
  for (const client of open.splice(0)) client.close();
  await waitFor(() => socketIo.clientCount() === 0 && ws.clientCount() === 0, 10_000);
});

afterAll(async () => {
  await socketIo.close();
  await ws.close();
  hub.close();
  await new Promise((resolve) => server.close(resolve));
});

let sequence = 0;
/** A check:completed whose timestamp is now, so that a receiver can tell its delay; `padding` makes it bigger. */
function check(endpointId: string, padding = 0): ServerEvents['check:completed'] {
  return {
    checkId: String(++sequence),
    endpointId,
    status: 'UP',
    responseTime: 0,
    statusCode: 200,
    errorMessage: padding ? 'x'.repeat(padding) : null,
    errorCode: null,
    errorParams: null,
    failedAssertions: [],
    certificate: null,
    maintenance: false,
    timestamp: new Date().toISOString(),
  };
}

/** A burst of every kind of event an endpoint has, over several endpoints, interleaved. */
function emitBurst(rounds: number): EventEnvelope[] {
  const emitted: EventEnvelope[] = [];
  const emit = (envelope: EventEnvelope) => {
    emitted.push(envelope);
    bus.emit(envelope.event, envelope.data as never);
  };
  for (let round = 0; round < rounds; round++) {
    for (const endpointId of ENDPOINTS) {
      emit({ event: 'check:completed', data: check(endpointId) });
      if (round % 10 === 0) {
        emit({
          event: 'endpoint:status-changed',
          data: {
            endpointId,
            endpointName: endpointId,
            previousStatus: 'UP',
            currentStatus: 'DOWN',
            timestamp: new Date().toISOString(),
            responseTime: null,
            errorMessage: null,
            errorCode: null,
            errorParams: null,
          },
        });
        emit({
          event: 'incident:started',
          data: {
            incidentId: `${endpointId}-${round}`,
            endpointId,
            endpointName: endpointId,
            startedAt: new Date().toISOString(),
            failureCount: 3,
            causedBy: null,
          },
        });
      }
    }
  }
  emit({ event: 'endpoint:deleted', data: { endpointId: ENDPOINTS[3]! } });
  return emitted;
}

interface Recorder {
  frames: { event: string; data: unknown }[];
  /** Every event received, batches unpacked, in arrival order. */
  events: EventEnvelope[];
  batches: BatchFrame[];
  /** When each of `events` arrived. */
  arrivals: number[];
}

function record(): Recorder {
  return { frames: [], events: [], batches: [], arrivals: [] };
}

function take(recorder: Recorder, event: string, data: unknown): void {
  recorder.frames.push({ event, data });
  if (event === 'events:batch') {
    recorder.batches.push(data as BatchFrame);
    recorder.events.push(...(data as BatchFrame).events);
  } else if (!['realtime:ready', 'realtime:heartbeat', 'ack'].includes(event)) {
    recorder.events.push({ event, data } as EventEnvelope);
  }
  const now = Date.now();
  while (recorder.arrivals.length < recorder.events.length) recorder.arrivals.push(now);
}

async function socketIoClient(batch: boolean, subscribe: { all: true } | { endpointId: string }): Promise<Recorder & { socket: Socket }> {
  const socket = ioClient(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(batch ? { query: { batch: '1' } } : {}),
  });
  open.push(socket);
  const recorder = { ...record(), socket };
  socket.onAny((event: string, data: unknown) => take(recorder, event, data));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ack = 'all' in subscribe ? await socket.emitWithAck('subscribe:all') : await socket.emitWithAck('subscribe:endpoint', subscribe);
  expect(ack).toEqual({ ok: true });
  return recorder;
}

async function wsClient(batch: boolean, subscribe: { all: true } | { endpointId: string }): Promise<Recorder & { socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws${batch ? '?batch=1' : ''}`, ['vigil']);
  open.push(socket);
  const recorder = { ...record(), socket };
  let acked: (() => void) | undefined;
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { event: string; data: unknown };
    if (frame.event === 'ack') acked?.();
    take(recorder, frame.event, frame.data);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const subscribed = new Promise<void>((resolve) => (acked = resolve));
  socket.send(JSON.stringify('all' in subscribe ? { event: 'subscribe:all', id: 1 } : { event: 'subscribe:endpoint', data: subscribe, id: 1 }));
  await subscribed;
  return recorder;
}

const about = (events: EventEnvelope[], endpointId: string) =>
  events.filter((e) => ('endpointId' in e.data ? e.data.endpointId : (e.data as { id: string }).id) === endpointId);

describe.each([
  ['Socket.io', socketIoClient],
  ['/ws', wsClient],
] as const)('%s with batch=1', (_name, connect) => {
  it('gets a burst in a few frames, in order, with the same events an unbatched client gets one frame each', async () => {
    const batched = await connect(true, { all: true });
    const perEvent = await connect(false, { all: true });
    const oneEndpoint = await connect(true, { endpointId: ENDPOINTS[1]! });
    const emitted = emitBurst(100);

    await waitFor(() => batched.events.length >= emitted.length && perEvent.events.length >= emitted.length, 10_000);
    await waitFor(() => oneEndpoint.events.length >= about(emitted, ENDPOINTS[1]!).length, 10_000);
    expect(batched.events).toEqual(emitted);
    expect(perEvent.events).toEqual(emitted);
    expect(oneEndpoint.events).toEqual(about(emitted, ENDPOINTS[1]!));
    // One synchronous burst: one tick, so one frame (two if a tick boundary fell inside it).
    expect(batched.batches.length).toBeLessThanOrEqual(2);
    expect(batched.batches.every((b) => b.coalesced === undefined)).toBe(true);
    // The client that did not opt in sees the seed's protocol unchanged: one frame per event, never a batch.
    expect(perEvent.frames.some((f) => f.event === 'events:batch')).toBe(false);
    expect(perEvent.frames.filter((f) => !['realtime:ready', 'realtime:heartbeat', 'ack'].includes(f.event))).toHaveLength(emitted.length);
  });
});

/** Pauses reading on the client's TCP socket: its kernel buffers fill, then Vigil's. */
function stall(socket: WebSocket | Socket): () => void {
  const raw = (
    socket instanceof WebSocket
      ? (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket
      : (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket
  )!;
  raw.pause();
  return () => raw.resume();
}

describe.each([
  ['Socket.io', socketIoClient, () => socketIo.behindCount()],
  ['/ws', wsClient, () => hub.behindCount()],
] as const)('%s: a batched client that stops reading', (_name, connect, behindCount) => {
  it('gets the latest state per endpoint, flagged coalesced, and the fast client stays fast meanwhile', async () => {
    const slow = await connect(true, { all: true });
    const fast = await connect(true, { all: true });
    const resume = stall(slow.socket);
    let behindSince = 0;

    // 40 events of 2 KB every 10 ms (8 MB/s): the stalled reader's buffers fill within seconds.
    const latest = new Map<string, string>();
    const emitting = setInterval(() => {
      for (let i = 0; i < 40; i++) {
        const data = check(ENDPOINTS[i % ENDPOINTS.length]!, 2000);
        latest.set(data.endpointId, data.checkId);
        bus.emit('check:completed', data);
      }
    }, 10);
    try {
      await waitFor(() => behindCount() === 1, 20_000);
      behindSince = fast.events.length;
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      clearInterval(emitting);
    }
    // The fast client got everything, in time, while the other was behind.
    const lastCheckId = String(Math.max(...[...latest.values()].map(Number)));
    await waitFor(() => (fast.events.at(-1)?.data as { checkId?: string } | undefined)?.checkId === lastCheckId, 10_000);
    const delays = fast.events
      .slice(behindSince)
      .map((e, i) => fast.arrivals[behindSince + i]! - Date.parse((e.data as { timestamp: string }).timestamp))
      .sort((x, y) => x - y);
    expect(delays.length).toBeGreaterThan(1000);
    const p99 = delays[Math.floor(delays.length * 0.99)]!;
    // A 20 ms tick plus a busy, shared machine: far below what a queue behind a stalled reader would add.
    expect(p99).toBeLessThan(150);

    resume();
    await waitFor(() => slow.batches.some((b) => b.coalesced), 20_000);
    const coalesced = slow.batches.find((b) => b.coalesced)!;
    // The latest check of each endpoint, one each, nothing older.
    expect(coalesced.events.map((e) => (e.data as { checkId: string }).checkId).sort()).toEqual([...latest.values()].sort());
    expect(behindCount()).toBe(0);
    // Once caught up it gets ordinary batches again.
    const after = slow.batches.length;
    bus.emit('check:completed', check(ENDPOINTS[0]!));
    await waitFor(() => slow.batches.length > after, 5000);
    expect(slow.batches.at(-1)!.coalesced).toBeUndefined();
    expect(slow.socket instanceof WebSocket ? slow.socket.readyState === WebSocket.OPEN : slow.socket.connected).toBe(true);
    expect(fast.batches.every((b) => !b.coalesced)).toBe(true);
  });
});
