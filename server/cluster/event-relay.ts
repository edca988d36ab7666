import { randomBytes } from 'node:crypto';
import type { Notifications } from '../../db/notifications.ts';
import { SERVER_EVENT_NAMES, type ServerEventName, type ServerEvents } from '../contract/events.ts';
import { EventBus } from '../events/bus.ts';
import { DEFAULT_FRAME_LIMIT_BYTES, packFrames, parseFrame, Reassembler, type Sender } from './event-frames.ts';

/** Listens to the events other instances raised (`origin` is their instance id), before the feed delivers them. */
export type RemoteListener = <K extends ServerEventName>(event: K, data: ServerEvents[K], origin: string) => void;

export interface EventRelayOptions {
  /** The local bus: what this instance raises. */
  bus: EventBus;
  notifications: Notifications;
  /** This instance's id, sent with every event (own events are not delivered twice). */
  instanceId: string;
  /** The NOTIFY channel every instance of one database shares. */
  channel?: string;
  /** Events waiting to be sent, at most (default 10,000; PostgreSQL unreachable): beyond, the oldest are dropped. */
  maxQueuedEvents?: number;
  /** The same bound in characters of serialised events (default 32 Mi). */
  maxQueuedBytes?: number;
  /** Events sent in one transaction, at most. */
  maxBatchEvents?: number;
  frameLimitBytes?: number;
  /** Failures (of a listener of the feed, or a send that will be retried). */
  onError?: (error: unknown) => void;
  /** Connection news worth a warning (lost, resumed). */
  log?: (message: string) => void;
}

/** Counters for /metrics: totals since start, except `queued` and `listening` (now). */
export interface EventRelayStats {
  /** Local events handed to PostgreSQL (committed NOTIFYs). */
  published: number;
  /** NOTIFY payloads sent. */
  notifications: number;
  /** Transactions that sent them. */
  transactions: number;
  /** Local events too large for one NOTIFY, sent in chunks. */
  chunked: number;
  /** Local events never sent: the queue was full (PostgreSQL unreachable too long), or still full at stop. */
  dropped: number;
  /** Failed send attempts (each retried). */
  sendFailures: number;
  /** Local events waiting to be sent. */
  queued: number;
  /** Events from other instances delivered to the feed. */
  received: number;
  /** NOTIFY payloads read (own ones included, then ignored). */
  receivedNotifications: number;
  /** Payloads on the channel that were not events of ours, or not valid. */
  malformed: number;
  /** Payloads of other instances never heard (holes in their sequence: e.g. sent while this one was not listening). */
  missed: number;
  /** Payloads heard twice (a send retried after an unclear failure): ignored. */
  duplicates: number;
  /** Chunked events given up because a piece never came. */
  incomplete: number;
  /** Times the LISTEN connection dropped and listening resumed. */
  listenResumes: number;
  listening: boolean;
}

const knownEvents = new Set<string>(SERVER_EVENT_NAMES);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Carries events between Vigil instances on one PostgreSQL through LISTEN/NOTIFY.
 *
 * 1. Every event of the local bus goes to the feed at once, and into a bounded queue.
 * 2. The queue is sent on one dedicated connection, one transaction at a time (so in order):
 *    what was emitted while the previous send ran (at least one tick) goes together, packed
 *    many events per NOTIFY and chunked when one event alone is too large.
 * 3. What other instances send is put back together and emitted on the feed in the order sent;
 *    `onRemote` listeners hear it first (e.g. to update the registry before clients react).
 * The transports deliver the feed; webhooks and metrics stay on the local bus, so that each
 * event is notified once, by the instance where it happened.
 * @example const relay = new EventRelay({ bus, notifications, instanceId }); await relay.start(); relay.feed.onAny(…)
 */
export class EventRelay {
  /** Local events and those of other instances: what clients of this instance receive. */
  readonly feed: EventBus;
  readonly instanceId: string;
  private readonly sender: Sender;
  private readonly channel: string;
  private readonly reassembler = new Reassembler();
  private readonly remoteListeners = new Set<RemoteListener>();
  private readonly counters = {
    published: 0,
    notifications: 0,
    transactions: 0,
    chunked: 0,
    dropped: 0,
    sendFailures: 0,
    received: 0,
    receivedNotifications: 0,
    malformed: 0,
    listenResumes: 0,
  };
  private queue: string[] = [];
  private queuedBytes = 0;
  /** The frames of the transaction being sent (kept to retry with the same sequence numbers). */
  private inFlight: { frames: string[]; events: number; chunked: number } | undefined;
  private sending: Promise<void> | undefined;
  private scheduled = false;
  private seq = 0;
  private listening = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: EventRelayOptions) {
    this.instanceId = options.instanceId;
    this.sender = { o: options.instanceId, b: randomBytes(4).toString('hex') };
    this.channel = options.channel ?? 'vigil_events';
    this.feed = new EventBus(options.onError);
    this.unsubscribe = options.bus.onAny((event, data) => {
      this.feed.emit(event, data);
      this.enqueue(event, data);
    });
  }

  /** Starts listening to the other instances; resolves once PostgreSQL confirmed the LISTEN. */
  async start(): Promise<void> {
    await this.options.notifications.listen(this.channel, {
      onMessage: (payload) => this.receive(payload),
      onListening: (resumed) => {
        this.listening = true;
        if (!resumed) return;
        this.counters.listenResumes++;
        this.options.log?.('event relay: listening to other instances again; their events of the gap were not delivered here');
      },
      onLost: () => {
        this.listening = false;
        this.options.log?.('event relay: the LISTEN connection dropped; reconnecting');
      },
    });
  }

  /** Hears each event of another instance before the feed delivers it; returns the unsubscribe function. */
  onRemote(listener: RemoteListener): () => void {
    this.remoteListeners.add(listener);
    return () => this.remoteListeners.delete(listener);
  }

  get stats(): EventRelayStats {
    return {
      ...this.counters,
      ...this.reassembler.stats,
      queued: this.queue.length + (this.inFlight?.events ?? 0),
      listening: this.listening,
    };
  }

  /** Resolves once every event emitted so far has been sent (or dropped). */
  async flush(): Promise<void> {
    while (this.sending || this.scheduled) await (this.sending ?? sleep(1));
  }

  /**
   * Stops relaying: sends what is queued (waiting at most `graceMs`, what is left then is
   * dropped and counted), UNLISTENs, closes the dedicated connections.
   */
  async stop(graceMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.unsubscribe();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    this.counters.dropped += this.queue.length + (this.inFlight?.events ?? 0);
    this.queue = [];
    this.queuedBytes = 0;
    this.inFlight = undefined;
    this.listening = false;
    await this.options.notifications.close(1);
  }

  private enqueue<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    const text = JSON.stringify([event, data]);
    this.queue.push(text);
    this.queuedBytes += text.length;
    const maxEvents = this.options.maxQueuedEvents ?? 10_000;
    const maxBytes = this.options.maxQueuedBytes ?? 32 * 1024 * 1024;
    while (this.queue.length > 0 && (this.queue.length + (this.inFlight?.events ?? 0) > maxEvents || this.queuedBytes > maxBytes)) {
      this.queuedBytes -= this.queue.shift()!.length;
      this.counters.dropped++;
    }
    if (this.sending || this.scheduled) return;
    // Everything emitted in this tick (a batch of check results) goes out together.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sending ??= this.sendLoop().finally(() => (this.sending = undefined));
    });
  }

  private async sendLoop(): Promise<void> {
    let retryDelayMs = 0;
    while (!this.stopped && (this.inFlight || this.queue.length > 0)) {
      this.inFlight ??= this.takeBatch();
      try {
        await this.options.notifications.notify(this.channel, this.inFlight.frames);
        this.counters.published += this.inFlight.events;
        this.counters.notifications += this.inFlight.frames.length;
        this.counters.chunked += this.inFlight.chunked;
        this.counters.transactions++;
        this.inFlight = undefined;
        if (retryDelayMs > 0) this.options.log?.('event relay: sending to PostgreSQL again');
        retryDelayMs = 0;
      } catch (error) {
        this.counters.sendFailures++;
        if (this.stopped) return;
        if (retryDelayMs === 0) this.options.onError?.(error);
        retryDelayMs = Math.min(5000, retryDelayMs ? retryDelayMs * 2 : 100);
        await sleep(retryDelayMs);
      }
    }
  }

  private takeBatch(): { frames: string[]; events: number; chunked: number } {
    const events = this.queue.splice(0, this.options.maxBatchEvents ?? 1000);
    for (const text of events) this.queuedBytes -= text.length;
    const frameLimit = this.options.frameLimitBytes ?? DEFAULT_FRAME_LIMIT_BYTES;
    const { frames, chunkedEvents } = packFrames(events, this.sender, () => ++this.seq, frameLimit);
    return { frames, events: events.length, chunked: chunkedEvents };
  }

  private receive(payload: string): void {
    this.counters.receivedNotifications++;
    const frame = parseFrame(payload);
    if (!frame) {
      this.counters.malformed++;
      return;
    }
    if (frame.header.o === this.sender.o && frame.header.b === this.sender.b) return;
    const body = this.reassembler.accept(frame);
    if (body === null) return;
    let events: unknown;
    try {
      events = JSON.parse(body);
    } catch {
      this.counters.malformed++;
      return;
    }
    if (!Array.isArray(events)) {
      this.counters.malformed++;
      return;
    }
    for (const entry of events) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !knownEvents.has(entry[0]) || typeof entry[1] !== 'object' || entry[1] === null) {
        this.counters.malformed++;
        continue;
      }
      const [event, data] = entry as [ServerEventName, never];
      for (const listener of this.remoteListeners) {
        try {
          listener(event, data, frame.header.o);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
      this.counters.received++;
      this.feed.emit(event, data);
    }
  }
}
