import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { EventBus } from '../events/bus.ts';
import type { SubscriptionTarget } from './commands.ts';
import { endpointOf } from './routing.ts';
import { DEFAULT_BATCH_TICK_MS, EventBatcher } from './batching.ts';

/** One connected client of a transport that has no rooms of its own (/ws, SSE). */
export interface HubClient {
  send<K extends ServerEventName>(event: K, data: ServerEvents[K]): void;
  /** Present when the client asked for `events:batch` frames: then it gets those alone, never `send`. */
  batched?: BatchedHubClient;
}

export interface BatchedHubClient {
  /** Its transport holds more unsent data than the bound. */
  isBehind(): boolean;
  /** One `events:batch` frame, already encoded (the same bytes go to every client of its group). */
  sendEncoded(frame: Buffer): void;
}

/**
 * Subscriptions of the /ws and SSE clients, indexed so that an event finds its recipients without
 * scanning every client, and each recipient gets it once whatever mix of subscriptions it holds.
 */
export class SubscriptionHub {
  private readonly everything = new Set<HubClient>();
  private readonly byEndpoint = new Map<string, Set<HubClient>>();
  private readonly endpointsOf = new Map<HubClient, Set<string>>();
  private readonly batchedClients = new Set<HubClient>();
  private readonly unsubscribeBus: () => void;
  private readonly batcher: EventBatcher<HubClient>;

  /** `feed`: the events to deliver (this instance's and, on PostgreSQL, the other instances'). */
  constructor(
    feed: EventBus,
    private readonly onClientError: (error: unknown) => void = (e) => console.error('realtime client failed', e),
    batchTickMs = DEFAULT_BATCH_TICK_MS,
  ) {
    this.unsubscribeBus = feed.onAny((event, data) => this.deliver(event, data));
    this.batcher = new EventBatcher<HubClient>(
      feed,
      {
        members: () => this.batchedClients,
        subscriptionOf: (client) => (this.everything.has(client) ? 'all' : (this.endpointsOf.get(client) ?? null)),
        isBehind: (client) => client.batched!.isBehind(),
        sendShared: (clients, frame) => {
          const encoded = Buffer.from(JSON.stringify({ event: 'events:batch', data: frame }));
          for (const client of clients) this.attempt(client, () => client.batched!.sendEncoded(encoded));
        },
      },
      batchTickMs,
    );
  }

  /** The subscription operations of one client, for `runCommand`. */
  targetFor(client: HubClient): SubscriptionTarget {
    if (client.batched) this.batchedClients.add(client);
    return {
      subscribeAll: () => this.everything.add(client),
      unsubscribeAll: () => this.everything.delete(client),
      subscribe: (endpointId) => {
        let clients = this.byEndpoint.get(endpointId);
        if (!clients) this.byEndpoint.set(endpointId, (clients = new Set()));
        clients.add(client);
        let ids = this.endpointsOf.get(client);
        if (!ids) this.endpointsOf.set(client, (ids = new Set()));
        ids.add(endpointId);
      },
      unsubscribe: (endpointId) => this.unsubscribe(client, endpointId),
      endpointCount: () => this.endpointsOf.get(client)?.size ?? 0,
    };
  }

  /** Forgets a client entirely (it disconnected). */
  remove(client: HubClient): void {
    this.batchedClients.delete(client);
    this.batcher.remove(client);
    this.everything.delete(client);
    for (const endpointId of this.endpointsOf.get(client) ?? []) this.unsubscribe(client, endpointId);
    this.endpointsOf.delete(client);
  }

  close(): void {
    this.unsubscribeBus();
    this.batcher.close();
  }

  /** Batched clients now behind, whose events are coalesced. */
  behindCount(): number {
    return this.batcher.behindCount();
  }

  /** Sizes of the indexes, to prove they shrink when clients leave. */
  size(): { all: number; endpoints: number; clientsWithEndpoints: number } {
    return { all: this.everything.size, endpoints: this.byEndpoint.size, clientsWithEndpoints: this.endpointsOf.size };
  }

  private unsubscribe(client: HubClient, endpointId: string): void {
    const clients = this.byEndpoint.get(endpointId);
    clients?.delete(client);
    if (clients?.size === 0) this.byEndpoint.delete(endpointId);
    const ids = this.endpointsOf.get(client);
    ids?.delete(endpointId);
    if (ids?.size === 0) this.endpointsOf.delete(client);
  }

  private deliver<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    for (const client of this.everything) if (!client.batched) this.attempt(client, () => client.send(event, data));
    const endpointId = endpointOf(event, data);
    if (endpointId === null) return;
    const clients = this.byEndpoint.get(endpointId);
    if (clients) for (const client of clients) if (!client.batched && !this.everything.has(client)) this.attempt(client, () => client.send(event, data));
  }

  /** One client's failure never keeps the event from the others. */
  private attempt(client: HubClient, send: () => void): void {
    try {
      send();
    } catch (error) {
      this.onClientError(error);
      this.remove(client);
    }
  }
}
