/**
 * Real clients of Vigil's three realtime transports, for tests: a socket.io-client with the seed's
 * options, a plain `ws` WebSocket speaking the /ws envelope, and an SSE reader on fetch. Each one
 * records what it receives, in order, and is closed by `closeRealtimeClients()` (call it in
 * afterEach: a leaked socket keeps vitest from exiting).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import WebSocket from 'ws';
import type { ServerEvents } from '../../server/contract/events.ts';
import type { Check, Endpoint, Incident, Page } from '../../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './target-server.ts';
import { startTestVigil, waitFor, type TestVigil } from './vigil.ts';

/** One server → client event as a client received it. */
export interface Received {
  event: string;
  data: any;
}

/** An acknowledgement as CONTRACT.md words it. */
export type Ack = { ok: true } | { ok: false; error: { code: string; message: string } };

/** What every recording client offers. */
export interface RealtimeClient {
  /** Server events received so far, in arrival order. */
  events: Received[];
  close(): Promise<void>;
}

/** A client that can change its subscriptions (Socket.io and /ws). */
export interface CommandingClient extends RealtimeClient {
  /** Sends a client → server event and resolves with its acknowledgement. */
  command(event: string, data?: unknown): Promise<Ack>;
}

const openClients = new Set<RealtimeClient>();

function track<T extends RealtimeClient>(client: T): T {
  const close = client.close;
  client.close = async () => {
    openClients.delete(client);
    await close();
  };
  openClients.add(client);
  return client;
}

/** Closes every client the helpers opened and not yet closed. */
export async function closeRealtimeClients(): Promise<void> {
  await Promise.all([...openClients].map((c) => c.close()));
}

/** No /ws, SSE or Socket.io client is known to the server any more, and no subscription is left. */
export function realtimeIsIdle(vigil: TestVigil): boolean {
  const { all, endpoints, clientsWithEndpoints } = vigil.hub.size();
  return all === 0 && endpoints === 0 && clientsWithEndpoints === 0 && vigil.ws.clientCount() === 0 && vigil.socketIo.clientCount() === 0;
}

// ---------------------------------------------------------------------------------------------
// Socket.io

/** The seed's client options (MISSION.md, part 3). */
export const SEED_SOCKET_OPTIONS = {
  transports: ['websocket'],
  reconnection: true,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
  reconnectionAttempts: 5,
} satisfies Partial<ManagerOptions & SocketOptions>;

export interface SocketIoClient extends CommandingClient {
  socket: Socket;
  /** 'connect' and 'disconnect:<reason>', in the order they happened. */
  lifecycle: string[];
}

/** A socket.io-client with the seed's options, not yet connected (see `connectSocketIo`). */
export function openSocketIo(port: number, options: Partial<ManagerOptions & SocketOptions> = {}): SocketIoClient {
  const socket = io(`http://127.0.0.1:${port}`, { ...SEED_SOCKET_OPTIONS, forceNew: true, ...options });
  const events: Received[] = [];
  const lifecycle: string[] = [];
  // Socket.io's own realtime:* events (recovery bookkeeping) are not contract events.
  socket.onAny((event: string, data: unknown) => {
    if (!event.startsWith('realtime:')) events.push({ event, data });
  });
  socket.on('connect', () => lifecycle.push('connect'));
  socket.on('disconnect', (reason) => lifecycle.push(`disconnect:${reason}`));
  return track({
    socket,
    events,
    lifecycle,
    command: (event, data) => (data === undefined ? socket.timeout(5000).emitWithAck(event) : socket.timeout(5000).emitWithAck(event, data)),
    close: async () => {
      socket.close();
    },
  });
}

/** A socket.io-client with the seed's options, once connected; rejects with the connect_error. */
export async function connectSocketIo(port: number, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<SocketIoClient> {
  const client = openSocketIo(port, options);
  await new Promise<void>((resolve, reject) => {
    client.socket.once('connect', () => resolve());
    client.socket.once('connect_error', (error) => {
      void client.close();
      reject(error);
    });
  });
  return client;
}

// ---------------------------------------------------------------------------------------------
// Native WebSocket at /ws

export interface WsClient extends CommandingClient {
  ws: WebSocket;
  /** Every frame received, parsed (acks, errors and pongs included). */
  frames: any[];
  /** Sends a frame (an id is added when missing) and resolves with the matching ack frame. */
  request(frame: { event: unknown; data?: unknown; id?: number | string }): Promise<any>;
  /** Sends raw text or bytes as they are. */
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /** The first frame after `from` (an index into `frames`) that matches. */
  nextFrame(match: (frame: any) => boolean, from?: number, timeoutMs?: number): Promise<any>;
  /** Resolves with the close code and reason once the connection is closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Refused WebSocket upgrades reject with the HTTP status. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    /** The answer's body (Vigil explains its refusals), when it came before the test looked. */
    readonly body = '',
    readonly headers: IncomingMessage['headers'] = {},
  ) {
    super(`upgrade refused with HTTP ${status}${body ? `: ${body}` : ''}`);
  }
}

const SERVER_ONLY_FRAMES = new Set(['ack', 'error', 'pong']);

/** A plain WebSocket on `path` (default /ws), once open; rejects with UpgradeRefused. */
export async function connectWs(
  port: number,
  options: { path?: string; headers?: Record<string, string>; autoPong?: boolean; protocols?: string[] } = {},
): Promise<WsClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/ws'}`, options.protocols ?? [], {
    headers: options.headers,
    autoPong: options.autoPong ?? true,
  });
  const frames: any[] = [];
  const events: Received[] = [];
  let nextId = 1;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (raw) => {
    let frame: any;
    try {
      frame = JSON.parse(raw.toString());
    } catch {
      frames.push({ raw: raw.toString() }); // not Vigil's envelope (e.g. engine.io's own protocol)
      return;
    }
    frames.push(frame);
    if (!SERVER_ONLY_FRAMES.has(frame?.event)) events.push({ event: frame?.event, data: frame?.data });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (request, response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const refuse = () => {
        request.destroy();
        reject(new UpgradeRefused(response.statusCode ?? 0, Buffer.concat(chunks).toString(), response.headers));
      };
      response.once('end', refuse);
      response.once('error', refuse);
      response.once('close', refuse);
    });
    ws.once('error', reject);
  });
  ws.on('error', () => {});

  const nextFrame = (match: (frame: any) => boolean, from = 0, timeoutMs = 5000) =>
    waitFor(() => frames.slice(from).find(match), timeoutMs, 'a matching /ws frame');
  const request: WsClient['request'] = async (frame) => {
    const id = frame.id ?? nextId++;
    ws.send(JSON.stringify({ ...frame, id }));
    return nextFrame((f) => f.event === 'ack' && f.id === id);
  };
  return track<WsClient>({
    ws,
    frames,
    events,
    closed,
    request,
    nextFrame,
    command: async (event, data) => (await request({ event, data })).data,
    sendRaw: (data, sendOptions = {}) => ws.send(data, { binary: sendOptions.binary ?? false }),
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Server-Sent Events at /api/events

export interface SseReader extends RealtimeClient {
  response: Response;
  /** Comment lines (without the colon), e.g. "connected", "keepalive". */
  comments: string[];
  /** Resolves when the stream ends, whoever ended it. */
  ended: Promise<void>;
}

/**
 * Opens GET /api/events?<query> and resolves once the server says it is connected (so the
 * subscription is in place). Rejects with the status when the answer is not a stream.
 */
export async function openSse(port: number, query = '', headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/api/events${query ? `?${query}` : ''}`, { headers, signal: controller.signal });
  if (response.status !== 200 || !response.body) {
    controller.abort();
    throw new Error(`SSE answered ${response.status}`);
  }
  const events: Received[] = [];
  const comments: string[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          parseBlock(buffer.slice(0, end), events, comments);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      /* aborted by close() */
    }
  })();
  const reader = track<SseReader>({
    response,
    events,
    comments,
    ended: reading,
    close: async () => {
      controller.abort();
      await reading;
    },
  });
  await waitFor(() => comments.includes('connected'), 5000, 'the SSE stream to open');
  return reader;
}

function parseBlock(block: string, events: Received[], comments: string[]): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
}

// ---------------------------------------------------------------------------------------------
// Payloads as CONTRACT.md lists them, and what REST says they must carry

/**
 * The payload fields of each server → client event, copied from CONTRACT.md ("Realtime"), with
 * the error codes next to each error message (an extension: issue 13, docs/api-errors.md).
 */
export const CONTRACT_FIELDS: Record<string, string[]> = {
  'endpoint:status-changed': [
    'endpointId',
    'endpointName',
    'previousStatus',
    'currentStatus',
    'timestamp',
    'responseTime',
    'errorMessage',
    'errorCode',
    'errorParams',
  ],
  'check:completed': [
    'checkId',
    'endpointId',
    'status',
    'responseTime',
    'statusCode',
    'errorMessage',
    'errorCode',
    'errorParams',
    'failedAssertions',
    'certificate',
    'maintenance',
    'timestamp',
  ],
  'incident:started': ['incidentId', 'endpointId', 'endpointName', 'startedAt', 'failureCount', 'causedBy'],
  'incident:resolved': ['incidentId', 'endpointId', 'endpointName', 'startedAt', 'resolvedAt', 'durationMs', 'causedBy'],
  // The Endpoint resource, with secretHeaders (an extension of the contract: issue 12).
  'endpoint:created': [
    'id',
    'name',
    'type',
    'url',
    'method',
    'headers',
    'secretHeaders',
    'body',
    'intervalSeconds',
    'retryIntervalSeconds',
    'timeoutMs',
    'expectedStatusCodes',
    'degradedThresholdMs',
    'certificateWarningDays',
    'graceSeconds',
    'cron',
    'timezone',
    'failureThreshold',
    'recoveryThreshold',
    'slaTarget',
    'assertions',
    'paused',
    'tags',
    'parentId',
    'status',
    'lastCheckedAt',
    'lastResponseTime',
    'lastStatusCode',
    'lastErrorMessage',
    'lastErrorCode',
    'lastErrorParams',
    'consecutiveFailures',
    'certificateExpiresAt',
    'lastPingAt',
    'nextDeadlineAt',
    'maintenance',
    'createdAt',
    'updatedAt',
  ],
  'endpoint:deleted': ['endpointId'],
  'maintenance:started': ['windowId', 'windowName', 'endpointId', 'endpointName', 'startsAt', 'endsAt', 'timestamp'],
  'maintenance:ended': ['windowId', 'windowName', 'endpointId', 'endpointName', 'timestamp'],
  'maintenance:created': [
    'id',
    'name',
    'description',
    'kind',
    'startsAt',
    'endsAt',
    'cron',
    'durationMinutes',
    'timezone',
    'allEndpoints',
    'endpointIds',
    'tags',
    'active',
    'currentPeriod',
    'nextPeriod',
    'createdAt',
    'updatedAt',
  ],
  'maintenance:deleted': ['windowId'],
};
CONTRACT_FIELDS['endpoint:updated'] = CONTRACT_FIELDS['endpoint:created']!;
CONTRACT_FIELDS['maintenance:updated'] = CONTRACT_FIELDS['maintenance:created']!;

export const sortedKeys = (data: object) => Object.keys(data).sort();

export const checkCompletedOf = (check: Check) => ({
  checkId: check.id,
  endpointId: check.endpointId,
  status: check.status,
  responseTime: check.responseTime,
  statusCode: check.statusCode,
  errorMessage: check.errorMessage,
  errorCode: check.errorCode,
  errorParams: check.errorParams,
  failedAssertions: check.failedAssertions,
  certificate: check.certificate,
  maintenance: check.maintenance,
  timestamp: check.checkedAt,
});

export const statusChangedOf = (endpoint: Endpoint, previousStatus: string, check: Check) => ({
  endpointId: endpoint.id,
  endpointName: endpoint.name,
  previousStatus,
  currentStatus: check.status,
  timestamp: check.checkedAt,
  responseTime: check.responseTime,
  errorMessage: check.errorMessage,
  errorCode: check.errorCode,
  errorParams: check.errorParams,
});

/** The events of one endpoint (by endpointId, or id for the Endpoint payloads). */
export const eventsAbout = (events: Received[], endpointId: string) => events.filter((e) => e.data?.endpointId === endpointId || e.data?.id === endpointId);

export const namesOf = (events: Received[]) => events.map((e) => e.event);

// ---------------------------------------------------------------------------------------------
// Driving Vigil through REST

/** Creating endpoints, flipping the target and running checks, all through REST. */
export interface Scenario {
  /** Every event Vigil's bus emitted, in order: the truth the transports are compared with. */
  emitted: Received[];
  /** Creates an endpoint on `path` of the target (hourly, so only the immediate first check runs) and waits for that check. */
  createEndpoint(path: string, fields?: Partial<Endpoint>): Promise<Endpoint>;
  checkNow(endpointId: string): Promise<Check>;
  fail(path: string): void;
  heal(path: string): void;
  /** PATCHes the name; resolves with the stored endpoint. */
  rename(endpointId: string, name: string): Promise<Endpoint>;
  remove(endpointId: string): Promise<void>;
  checksOf(endpointId: string): Promise<Check[]>;
  incidentsOf(endpointId: string): Promise<Incident[]>;
  /** Resolves once the bus has emitted an event matching `match` (and the transports have been handed it). */
  emittedEvent(match: (e: Received) => boolean, what?: string): Promise<Received>;
}

export function scenario(vigil: TestVigil, target: TargetServer, headers: Record<string, string> = {}): Scenario {
  const emitted: Received[] = [];
  vigil.bus.onAny((event, data) => emitted.push({ event, data }));
  const emittedEvent = (match: (e: Received) => boolean, what = 'an event') => waitFor(() => emitted.find(match), 10_000, what);
  return {
    emitted,
    emittedEvent,
    async createEndpoint(path, fields = {}) {
      const res = await vigil.api<Endpoint>(
        'POST',
        '/api/endpoints',
        { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, ...fields },
        headers,
      );
      if (res.status !== 201) throw new Error(`POST /api/endpoints answered ${res.status}: ${JSON.stringify(res.body)}`);
      const endpoint = res.body;
      await emittedEvent((e) => e.event === 'check:completed' && e.data.endpointId === endpoint.id, 'the first check');
      return endpoint;
    },
    async checkNow(endpointId) {
      const res = await vigil.api<Check>('POST', `/api/endpoints/${endpointId}/check`, undefined, headers);
      if (res.status !== 200) throw new Error(`POST …/check answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    fail: (path) => target.setMode(path, { kind: 'ok', status: 500 }),
    heal: (path) => target.setMode(path, { kind: 'ok' }),
    async rename(endpointId, name) {
      const res = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpointId}`, { name }, headers);
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async remove(endpointId) {
      const res = await vigil.api('DELETE', `/api/endpoints/${endpointId}`, undefined, headers);
      if (res.status !== 204) throw new Error(`DELETE answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async checksOf(endpointId) {
      return (await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpointId}/checks?limit=100`)).body.items;
    },
    async incidentsOf(endpointId) {
      return (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpointId}`)).body.items;
    },
  };
}

/** What REST reports after `runLifecycle`. */
export interface Lifecycle {
  created: Endpoint;
  /** The four checks, oldest first: UP (at creation), DOWN, DOWN, UP. */
  checks: Check[];
  incident: Incident;
  updated: Endpoint;
}

/**
 * One endpoint's whole life, each contract event at least once: created (failureThreshold 2),
 * checked UP, fails twice (DOWN, incident opens), recovers (incident resolves), renamed, deleted.
 * `beforeFailing` runs after the first check, e.g. to subscribe to the new endpoint.
 */
export async function runLifecycle(s: Scenario, path: string, beforeFailing: (endpoint: Endpoint) => Promise<void> = async () => {}): Promise<Lifecycle> {
  const created = await s.createEndpoint(path, { name: `Lifecycle ${path}`, failureThreshold: 2 });
  await beforeFailing(created);
  s.fail(path);
  await s.checkNow(created.id);
  await s.checkNow(created.id);
  s.heal(path);
  await s.checkNow(created.id);
  const checks = (await s.checksOf(created.id)).reverse();
  const [incident] = await s.incidentsOf(created.id);
  const updated = await s.rename(created.id, `Renamed ${path}`);
  await s.remove(created.id);
  return { created, checks, incident: incident!, updated };
}

/** The events of `runLifecycle`, in order, with the payloads REST's answers imply. */
export function lifecycleEvents(l: Lifecycle): Received[] {
  const [up, down1, down2, recovered] = l.checks as [Check, Check, Check, Check];
  const { created, incident } = l;
  return [
    { event: 'endpoint:created', data: created },
    { event: 'check:completed', data: checkCompletedOf(up) },
    { event: 'endpoint:status-changed', data: statusChangedOf(created, 'PENDING', up) },
    { event: 'check:completed', data: checkCompletedOf(down1) },
    { event: 'endpoint:status-changed', data: statusChangedOf(created, 'UP', down1) },
    { event: 'check:completed', data: checkCompletedOf(down2) },
    {
      event: 'incident:started',
      data: { incidentId: incident.id, endpointId: created.id, endpointName: created.name, startedAt: incident.startedAt, failureCount: 2, causedBy: null },
    },
    { event: 'check:completed', data: checkCompletedOf(recovered) },
    { event: 'endpoint:status-changed', data: statusChangedOf(created, 'DOWN', recovered) },
    {
      event: 'incident:resolved',
      data: {
        incidentId: incident.id,
        endpointId: created.id,
        endpointName: created.name,
        startedAt: incident.startedAt,
        resolvedAt: incident.resolvedAt,
        durationMs: Date.parse(incident.resolvedAt!) - Date.parse(incident.startedAt),
        causedBy: null,
      },
    },
    { event: 'endpoint:updated', data: l.updated },
    { event: 'endpoint:deleted', data: { endpointId: created.id } },
  ];
}

/** Waits until `client` has received an event matching `match`. */
export const received = (client: RealtimeClient, match: (e: Received) => boolean, what = 'an event', timeoutMs = 10_000) =>
  waitFor(() => client.events.find(match), timeoutMs, what);

/** Resolves after `ms`: only to prove that nothing more arrives. */
export const quietFor = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The per-file setup, and the delivery rules Socket.io and /ws share

/** A target server, a Vigil and a scenario on them, for one test file (filled in by beforeAll). */
export interface RealtimeTestEnv {
  target: TargetServer;
  vigil: TestVigil;
  s: Scenario;
}

/**
 * Starts a target server and a Vigil for the file, closes every realtime client after each test
 * (and checks that the server forgot them and logged no error), and stops everything at the end.
 */
export function useRealtimeTestEnv(): RealtimeTestEnv {
  const env = {} as RealtimeTestEnv;
  beforeAll(async () => {
    env.target = await startTargetServer();
    env.vigil = await startTestVigil();
    env.s = scenario(env.vigil, env.target);
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await env.vigil?.dispose();
    await env.target?.close();
  });
  afterEach(async () => {
    await closeRealtimeClients();
    await waitFor(() => realtimeIsIdle(env.vigil), 5000, 'every realtime client to leave');
    expect(env.vigil.errors).toEqual([]);
  });
  return env;
}

export const isCheckOf = (checkId: string) => (e: Received) => e.event === 'check:completed' && e.data.checkId === checkId;

/** The ids of the check:completed events `client` received about one endpoint, in arrival order. */
export const checkIdsAbout = (client: RealtimeClient, endpointId: string) =>
  eventsAbout(client.events, endpointId)
    .filter((e) => e.event === 'check:completed')
    .map((e) => e.data.checkId as string);

/** A connected client subscribed to all; fails the test unless the server acknowledges. */
export async function subscribeToAll<C extends CommandingClient>(client: C): Promise<C> {
  expect(await client.command('subscribe:all')).toEqual({ ok: true });
  return client;
}

/** A connected client subscribed to each endpoint; fails the test unless the server acknowledges. */
export async function subscribeTo<C extends CommandingClient>(client: C, ...endpointIds: string[]): Promise<C> {
  for (const endpointId of endpointIds) expect(await client.command('subscribe:endpoint', { endpointId })).toEqual({ ok: true });
  return client;
}

export interface DeliveryTransport {
  /** Prefix of the target paths, e.g. 'sio' for /sio-a. */
  prefix: string;
  /** A new connected client, without subscriptions. */
  connect(): Promise<CommandingClient>;
  /** Everything a client received (by default its events); must stay empty without subscriptions. */
  everythingReceived?: (client: CommandingClient) => unknown[];
  /** Further tests of the block, declared after the unsubscribe tests. */
  moreTests?: () => void;
}

/** Declares, in a describe block named `title`, the tests of who gets which event over a commanding transport. */
export function describeDeliveryRules(title: string, env: RealtimeTestEnv, transport: DeliveryTransport): void {
  const { prefix, connect, everythingReceived = (client) => client.events } = transport;
  const subscribedToAll = async () => subscribeToAll(await connect());
  const subscribedTo = async (...endpointIds: string[]) => subscribeTo(await connect(), ...endpointIds);

  describe(title, () => {
    it('sends nothing to a client without subscriptions', async () => {
      const { s } = env;
      const client = await connect();
      const endpoint = await s.createEndpoint(`/${prefix}-nobody`);
      await s.checkNow(endpoint.id);
      await s.rename(endpoint.id, 'Nobody listens');
      await s.remove(endpoint.id);
      await quietFor();
      expect(everythingReceived(client)).toEqual([]);
    });

    it('sends a subscriber of endpoint A none of the events of B, nor endpoint:created of a new endpoint', async () => {
      const { s } = env;
      const a = await s.createEndpoint(`/${prefix}-a`);
      const b = await s.createEndpoint(`/${prefix}-b`);
      const client = await subscribedTo(a.id);

      await s.checkNow(b.id);
      await s.rename(b.id, 'B renamed');
      const c = await s.createEndpoint(`/${prefix}-c`);
      await s.remove(c.id);
      const aCheck = await s.checkNow(a.id);
      // One connection delivers in order: once A's check is in, anything sent before it is too.
      await received(client, isCheckOf(aCheck.id), "A's check");

      expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(aCheck) }]);
    });

    it('sends a subscriber of all every event, endpoint:created included', async () => {
      const { s } = env;
      const client = await subscribedToAll();
      const endpoint = await s.createEndpoint(`/${prefix}-everything`);
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
      const { s } = env;
      const endpoint = await s.createEndpoint(`/${prefix}-twice`);
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
      const { s } = env;
      const a = await s.createEndpoint(`/${prefix}-unsub-a`);
      const b = await s.createEndpoint(`/${prefix}-unsub-b`);
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
      const { s } = env;
      const b = await s.createEndpoint(`/${prefix}-unsub-all-b`);
      const client = await subscribedToAll();
      expect(await client.command('subscribe:endpoint', { endpointId: b.id })).toEqual({ ok: true });
      expect(await client.command('unsubscribe:all')).toEqual({ ok: true });

      const a = await s.createEndpoint(`/${prefix}-unsub-all-a`);
      await s.checkNow(a.id);
      const bCheck = await s.checkNow(b.id);
      await received(client, isCheckOf(bCheck.id), "B's check");

      expect(client.events).toEqual([{ event: 'check:completed', data: checkCompletedOf(bCheck) }]);
    });

    transport.moreTests?.();

    it('delivers twenty quick checks of one endpoint in the order of their checkedAt', async () => {
      const { s } = env;
      const endpoint = await s.createEndpoint(`/${prefix}-order`);
      const client = await subscribedTo(endpoint.id);
      for (let i = 0; i < 20; i++) await s.checkNow(endpoint.id);
      const stored = (await s.checksOf(endpoint.id)).reverse().slice(1); // oldest first, without the first check
      await waitFor(() => checkIdsAbout(client, endpoint.id).length >= 20, 10_000, 'twenty checks');

      expect(checkIdsAbout(client, endpoint.id)).toEqual(stored.map((c) => c.id));
      const times = client.events.map((e) => Date.parse(e.data.timestamp));
      expect(times).toEqual([...times].sort((x, y) => x - y));
    });

    itDeliversConcurrentChecksInOrder(env, prefix, subscribedTo);
  });
}

/**
 * Declares the test that twenty checks of one endpoint running together reach a client of that
 * endpoint (opened by `subscribedTo`) in the order the bus emitted their events.
 */
export function itDeliversConcurrentChecksInOrder(env: RealtimeTestEnv, prefix: string, subscribedTo: (endpointId: string) => Promise<RealtimeClient>): void {
  it('delivers the events of one endpoint in the order they happened when twenty checks run together', async () => {
    const { s } = env;
    const path = `/${prefix}-order-together`;
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
}

/** Declares the test that a client subscribing to a new endpoint gets its events from then on. */
export function itSendsOneEndpointFromSubscription(env: RealtimeTestEnv, prefix: string, connect: () => Promise<CommandingClient>): void {
  it('sends a subscriber of one endpoint the events of that endpoint from the moment it subscribed', async () => {
    const client = await connect();
    const life = await runLifecycle(env.s, `/${prefix}-life-one`, async (endpoint) => {
      expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    });
    await received(client, (e) => e.event === 'endpoint:deleted', 'endpoint:deleted');
    expect(client.events).toEqual(lifecycleEvents(life).slice(3));
  });
}

/** Declares the test that a flood of subscriptions is partly refused as RATE_LIMITED while other clients are served. */
export function itRateLimitsAFlood(env: RealtimeTestEnv, prefix: string, connect: () => Promise<CommandingClient>): void {
  it('answers a flood of subscriptions with RATE_LIMITED for the excess and keeps serving other clients', async () => {
    const { s } = env;
    const endpoint = await s.createEndpoint(`/${prefix}-flood`);
    const bystander = await subscribeToAll(await connect());
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
}

/** A Vigil of its own for one describe block (started with `vars` in beforeAll, disposed with its clients in afterAll). */
export function useOwnVigil(vars?: Record<string, string>): { vigil: TestVigil } {
  const own = {} as { vigil: TestVigil };
  beforeAll(async () => {
    own.vigil = await startTestVigil(vars);
  });
  afterAll(async () => {
    await closeRealtimeClients();
    await own.vigil?.dispose();
  });
  return own;
}

/** Declares the tests that malformed (un)subscriptions are refused as BAD_REQUEST; `moreCases` come after the common ones. */
export function itRefusesMalformedSubscriptions(connect: () => Promise<CommandingClient>, moreCases: [string, unknown][] = []): void {
  it.each([
    ['no data at all', undefined],
    ['no endpointId', {}],
    ['a bare string instead of an object', 'not-an-object'],
    ['a number', { endpointId: 42 }],
    ['null', { endpointId: null }],
    ['a malformed UUID', { endpointId: 'not-a-uuid' }],
    ...moreCases,
  ])('refuses a subscription with %s as BAD_REQUEST', async (_, data) => {
    const client = await connect();
    for (const event of ['subscribe:endpoint', 'unsubscribe:endpoint']) {
      expect(await client.command(event, data)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
  });
}

/** The check:completed event of one check, as `client` receives it (at most 5 s). */
export async function checkCompletedEvent(client: RealtimeClient, checkId: string): Promise<ServerEvents['check:completed']> {
  const received = await waitFor(
    () => client.events.find((e) => e.event === 'check:completed' && e.data.checkId === checkId),
    5000,
    'the check:completed event',
  );
  return received.data as ServerEvents['check:completed'];
}
