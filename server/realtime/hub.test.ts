import { beforeEach, describe, expect, it } from 'vitest';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { Endpoint } from '../contract/types.ts';
import { EventBus } from '../events/bus.ts';
import { endpointFixture } from '../../test/support/endpoints.ts';
import { SubscriptionHub, type HubClient } from './hub.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

/** A client that writes down what it was sent. */
function recorder(): HubClient & { got: { event: ServerEventName; data: unknown }[] } {
  const got: { event: ServerEventName; data: unknown }[] = [];
  return { got, send: (event, data) => void got.push({ event, data }) };
}

const endpoint = (id: string): Endpoint => endpointFixture({ id, name: `Endpoint ${id.slice(0, 4)}`, url: 'http://127.0.0.1:1/health' });

const checkOf = (endpointId: string, checkId: string): ServerEvents['check:completed'] => ({
  checkId,
  endpointId,
  status: 'UP',
  responseTime: 12,
  statusCode: 200,
  errorMessage: null,
  errorCode: null,
  errorParams: null,
  failedAssertions: [],
  certificate: null,
  maintenance: false,
  timestamp: '2025-10-16T12:00:00.000Z',
});

let bus: EventBus;
let hub: SubscriptionHub;
let errors: unknown[];

beforeEach(() => {
  errors = [];
  bus = new EventBus((e) => errors.push(e));
  hub = new SubscriptionHub(bus);
});

const names = (client: ReturnType<typeof recorder>) => client.got.map((g) => g.event);

describe('SubscriptionHub routing', () => {
  it('sends nothing to a client without subscriptions', () => {
    const client = recorder();
    hub.targetFor(client); // known to nobody until it subscribes
    bus.emit('endpoint:created', endpoint(A));
    bus.emit('check:completed', checkOf(A, 'c1'));
    expect(client.got).toEqual([]);
  });

  it('sends a subscriber of all every event, as the bus emitted it', () => {
    const client = recorder();
    hub.targetFor(client).subscribeAll();
    const created = endpoint(A);
    const check = checkOf(B, 'c1');
    bus.emit('endpoint:created', created);
    bus.emit('check:completed', check);
    bus.emit('endpoint:deleted', { endpointId: A });
    expect(client.got).toEqual([
      { event: 'endpoint:created', data: created },
      { event: 'check:completed', data: check },
      { event: 'endpoint:deleted', data: { endpointId: A } },
    ]);
    expect(client.got[0]!.data).toBe(created); // the same object: one serialisation can serve everyone
  });

  it('sends endpoint:created to subscribers of all alone', () => {
    const ofA = recorder();
    const ofAll = recorder();
    hub.targetFor(ofA).subscribe(A);
    hub.targetFor(ofAll).subscribeAll();
    bus.emit('endpoint:created', endpoint(A));
    expect(names(ofA)).toEqual([]);
    expect(names(ofAll)).toEqual(['endpoint:created']);
  });

  it('routes endpoint:updated by the endpoint id', () => {
    const ofA = recorder();
    const ofB = recorder();
    hub.targetFor(ofA).subscribe(A);
    hub.targetFor(ofB).subscribe(B);
    const updated = endpoint(A);
    bus.emit('endpoint:updated', updated);
    expect(ofA.got).toEqual([{ event: 'endpoint:updated', data: updated }]);
    expect(ofB.got).toEqual([]);
  });

  it.each<[ServerEventName, ServerEvents[ServerEventName]]>([
    ['check:completed', checkOf(A, 'c1')],
    [
      'endpoint:status-changed',
      {
        endpointId: A,
        endpointName: 'A',
        previousStatus: 'UP',
        currentStatus: 'DOWN',
        timestamp: '2025-10-16T12:00:00.000Z',
        responseTime: 5,
        errorMessage: 'HTTP 500',
      },
    ],
    ['incident:started', { incidentId: 'i1', endpointId: A, endpointName: 'A', startedAt: '2025-10-16T12:00:00.000Z', failureCount: 3 }],
    [
      'incident:resolved',
      { incidentId: 'i1', endpointId: A, endpointName: 'A', startedAt: '2025-10-16T12:00:00.000Z', resolvedAt: '2025-10-16T12:01:00.000Z', durationMs: 60_000 },
    ],
    ['endpoint:deleted', { endpointId: A }],
  ])('routes %s by endpointId', (event, data) => {
    const ofA = recorder();
    const ofB = recorder();
    hub.targetFor(ofA).subscribe(A);
    hub.targetFor(ofB).subscribe(B);
    bus.emit(event, data as never);
    expect(ofA.got).toEqual([{ event, data }]);
    expect(ofB.got).toEqual([]);
  });

  it('sends each event once to a client subscribed to all and to the endpoint, whichever came first', () => {
    const allFirst = recorder();
    const endpointFirst = recorder();
    hub.targetFor(allFirst).subscribeAll();
    hub.targetFor(allFirst).subscribe(A);
    hub.targetFor(endpointFirst).subscribe(A);
    hub.targetFor(endpointFirst).subscribeAll();
    bus.emit('check:completed', checkOf(A, 'c1'));
    bus.emit('endpoint:updated', endpoint(A));
    expect(names(allFirst)).toEqual(['check:completed', 'endpoint:updated']);
    expect(names(endpointFirst)).toEqual(['check:completed', 'endpoint:updated']);
  });

  it('sends each event once even when the same subscription is repeated', () => {
    const client = recorder();
    const target = hub.targetFor(client);
    target.subscribe(A);
    target.subscribe(A);
    target.subscribeAll();
    target.subscribeAll();
    bus.emit('check:completed', checkOf(A, 'c1'));
    expect(names(client)).toEqual(['check:completed']);
    expect(target.endpointCount()).toBe(1);
  });

  it('gives every subscriber of one endpoint the events in emit order', () => {
    const clients = [recorder(), recorder(), recorder()];
    for (const client of clients) hub.targetFor(client).subscribe(A);
    for (let i = 0; i < 10; i++) bus.emit('check:completed', checkOf(A, `c${i}`));
    for (const client of clients) expect(client.got.map((g) => (g.data as { checkId: string }).checkId)).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`));
  });
});

describe('SubscriptionHub bookkeeping', () => {
  it('stops sending an endpoint after unsubscribe, and everything else after unsubscribeAll', () => {
    const client = recorder();
    const target = hub.targetFor(client);
    target.subscribe(A);
    target.subscribe(B);
    target.subscribeAll();
    target.unsubscribe(A);
    bus.emit('check:completed', checkOf(A, 'via-all'));
    target.unsubscribeAll();
    bus.emit('check:completed', checkOf(A, 'gone'));
    bus.emit('endpoint:created', endpoint(A));
    bus.emit('check:completed', checkOf(B, 'still-B'));
    expect(client.got.map((g) => (g.data as { checkId?: string }).checkId)).toEqual(['via-all', 'still-B']);
    expect(target.endpointCount()).toBe(1);
  });

  it('counts the endpoint subscriptions of each client', () => {
    const one = recorder();
    const other = recorder();
    const target = hub.targetFor(one);
    expect(target.endpointCount()).toBe(0);
    target.subscribe(A);
    target.subscribe(B);
    target.subscribeAll(); // not an endpoint subscription
    hub.targetFor(other).subscribe(A);
    expect(target.endpointCount()).toBe(2);
    target.unsubscribe(B);
    target.unsubscribe(B);
    expect(target.endpointCount()).toBe(1);
  });

  it('shrinks its indexes as subscriptions end', () => {
    const one = recorder();
    const other = recorder();
    hub.targetFor(one).subscribe(A);
    hub.targetFor(one).subscribe(B);
    hub.targetFor(other).subscribe(A);
    hub.targetFor(other).subscribeAll();
    expect(hub.size()).toEqual({ all: 1, endpoints: 2, clientsWithEndpoints: 2 });
    hub.targetFor(one).unsubscribe(B);
    expect(hub.size()).toEqual({ all: 1, endpoints: 1, clientsWithEndpoints: 2 });
    hub.targetFor(one).unsubscribe(A);
    expect(hub.size()).toEqual({ all: 1, endpoints: 1, clientsWithEndpoints: 1 });
  });

  it('forgets a removed client in every index, leaving the others', () => {
    const leaving = recorder();
    const staying = recorder();
    hub.targetFor(leaving).subscribe(A);
    hub.targetFor(leaving).subscribe(B);
    hub.targetFor(leaving).subscribeAll();
    hub.targetFor(staying).subscribe(A);

    hub.remove(leaving);
    expect(hub.size()).toEqual({ all: 0, endpoints: 1, clientsWithEndpoints: 1 });
    bus.emit('check:completed', checkOf(A, 'c1'));
    bus.emit('endpoint:created', endpoint(B));
    expect(leaving.got).toEqual([]);
    expect(names(staying)).toEqual(['check:completed']);

    hub.remove(staying);
    hub.remove(staying); // removing twice is harmless
    expect(hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });

  it('lets a thousand clients come and go without leaving a trace', () => {
    const clients = Array.from({ length: 1000 }, () => recorder());
    clients.forEach((client, i) => {
      const target = hub.targetFor(client);
      target.subscribe(i % 2 ? A : B);
      if (i % 10 === 0) target.subscribeAll();
    });
    bus.emit('check:completed', checkOf(A, 'c1'));
    expect(clients.filter((c) => c.got.length === 1)).toHaveLength(500 + 100); // A's half, and every tenth (of B's half) via all
    for (const client of clients) hub.remove(client);
    expect(hub.size()).toEqual({ all: 0, endpoints: 0, clientsWithEndpoints: 0 });
  });

  it('stops listening to the bus once closed', () => {
    const client = recorder();
    hub.targetFor(client).subscribeAll();
    hub.close();
    bus.emit('endpoint:created', endpoint(A));
    expect(client.got).toEqual([]);
  });
});
