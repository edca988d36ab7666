import type { BatchFrame, BatchedEvent, ServerEventName, ServerEvents } from '../contract/events.ts';
import type { EventBus } from '../events/bus.ts';
import { endpointOf } from './routing.ts';

/** At most one batch per client this often: short enough to stay well inside a 50 ms p99. */
export const DEFAULT_BATCH_TICK_MS = 20;

/** What a batched client receives: everything, the events of these endpoints, or nothing yet. */
export type Subscription = 'all' | ReadonlySet<string> | null;

/** The clients of one transport that asked for batches, and how to reach them. */
export interface BatchAudience<C> {
  members(): Iterable<C>;
  subscriptionOf(client: C): Subscription;
  /** Its transport holds more unsent data than the bound: it gets no new batch until it catches up. */
  isBehind(client: C): boolean;
  /** Sends one frame to all these clients; the transport encodes it once for all of them. */
  sendShared(clients: C[], frame: BatchFrame): void;
}

function wants(subscription: Exclude<Subscription, null>, event: BatchedEvent): boolean {
  if (subscription === 'all') return true;
  const endpointId = endpointOf(event.event, event.data as ServerEvents[ServerEventName]);
  return endpointId !== null && subscription.has(endpointId);
}

/**
 * What a client that fell behind still needs to know, in bounded memory: per endpoint its latest
 * `check:completed`, latest `endpoint:status-changed`, latest `maintenance:started` and `ended`,
 * and latest created/updated/deleted, per incident its latest event, and per maintenance window
 * its latest change. Each key keeps the position of its latest event, so what remains
 * arrives in the order it happened.
 */
export class CoalescedState {
  private readonly latest = new Map<string, BatchedEvent>();

  add(event: BatchedEvent): void {
    const key = CoalescedState.keyOf(event);
    this.latest.delete(key);
    this.latest.set(key, event);
  }

  take(): BatchedEvent[] {
    const events = [...this.latest.values()];
    this.latest.clear();
    return events;
  }

  get size(): number {
    return this.latest.size;
  }

  private static keyOf({ event, data }: BatchedEvent): string {
    switch (event) {
      case 'incident:started':
      case 'incident:resolved':
        return `incident:${(data as { incidentId: string }).incidentId}`;
      case 'endpoint:created':
      case 'endpoint:updated':
        return `endpoint:${(data as { id: string }).id}`;
      case 'endpoint:deleted':
        return `endpoint:${(data as { endpointId: string }).endpointId}`;
      case 'maintenance:created':
      case 'maintenance:updated':
        return `window:${(data as { id: string }).id}`;
      case 'maintenance:deleted':
        return `window:${(data as { windowId: string }).windowId}`;
      case 'channel:created':
      case 'channel:updated':
        return `channel:${(data as { id: string }).id}`;
      case 'channel:deleted':
        return `channel:${(data as { channelId: string }).channelId}`;
      case 'notification:delivery':
        return `delivery:${(data as { id: string }).id}`;
      case 'status-page:created':
      case 'status-page:updated':
        return `status-page:${(data as { id: string }).id}`;
      case 'status-page:deleted':
        return `status-page:${(data as { statusPageId: string }).statusPageId}`;
      case 'incident-update:created':
      case 'incident-update:updated':
      case 'incident-update:deleted':
        return `incident-update:${(data as { id: string }).id}`;
      default:
        return `${event}:${(data as { endpointId: string }).endpointId}`;
    }
  }
}

/**
 * Gathers the feed's events for one tick, then sends each group of batched clients with the same
 * subscription one frame with its events in order, encoded once for the group. A client behind
 * (see BatchAudience.isBehind) is skipped and its events are coalesced instead; once it has caught
 * up it gets them in one frame flagged `coalesced: true`, so that it may resync from REST.
 *
 * A tick ends as soon as the events emitted together are all in (the results of one commit come
 * in one synchronous run), but no sooner than `tickMs` after the previous one: a quiet feed adds
 * no delay, a busy one is cut into at most one batch per tick.
 */
export class EventBatcher<C> {
  private pending: BatchedEvent[] = [];
  private readonly behind = new Map<C, CoalescedState>();
  private cancelTimer: (() => void) | undefined;
  private lastFlushAt = 0;
  private readonly unsubscribeBus: () => void;

  constructor(
    feed: EventBus,
    private readonly audience: BatchAudience<C>,
    private readonly tickMs = DEFAULT_BATCH_TICK_MS,
  ) {
    this.unsubscribeBus = feed.onAny((event, data) => {
      this.pending.push({ event, data } as BatchedEvent);
      this.schedule();
    });
  }

  /** Sends what the tick gathered now (also what the timer does). */
  flush(): void {
    this.cancelTimer = undefined;
    this.lastFlushAt = performance.now();
    const events = this.pending;
    this.pending = [];
    const groups = new Map<string, { subscription: Exclude<Subscription, null>; clients: C[] }>();
    for (const client of this.audience.members()) {
      const subscription = this.audience.subscriptionOf(client);
      const coalesced = this.behind.get(client);
      if (coalesced || (events.length > 0 && subscription !== null && this.audience.isBehind(client))) {
        this.coalesce(client, subscription, events, coalesced);
        continue;
      }
      if (subscription === null || events.length === 0) continue;
      const key = subscription === 'all' ? 'all' : [...subscription].sort().join(',');
      const group = groups.get(key);
      if (group) group.clients.push(client);
      else groups.set(key, { subscription, clients: [client] });
    }
    for (const { subscription, clients } of groups.values()) {
      const mine = subscription === 'all' ? events : events.filter((e) => wants(subscription, e));
      if (mine.length > 0) this.audience.sendShared(clients, { events: mine });
    }
    // A client behind is looked at again every tick, events or not, to send it its state once it caught up.
    if (this.behind.size > 0) this.schedule();
  }

  /** Forgets a client that left. */
  remove(client: C): void {
    this.behind.delete(client);
  }

  /** Clients whose events are being coalesced now (they are behind). */
  behindCount(): number {
    return this.behind.size;
  }

  close(): void {
    this.unsubscribeBus();
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.pending = [];
    this.behind.clear();
  }

  private coalesce(client: C, subscription: Subscription, events: BatchedEvent[], existing: CoalescedState | undefined): void {
    let state = existing;
    if (!state) this.behind.set(client, (state = new CoalescedState()));
    if (subscription !== null) for (const event of events) if (wants(subscription, event)) state.add(event);
    if (this.audience.isBehind(client)) return;
    this.behind.delete(client);
    this.audience.sendShared([client], { events: state.take(), coalesced: true });
  }

  private schedule(): void {
    if (this.cancelTimer) return;
    const wait = this.lastFlushAt + this.tickMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.cancelTimer = () => clearImmediate(immediate);
      return;
    }
    const timer = setTimeout(() => this.flush(), wait);
    timer.unref();
    this.cancelTimer = () => clearTimeout(timer);
  }
}
