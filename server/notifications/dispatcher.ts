import { randomUUID } from 'node:crypto';
import type { ChannelType, NotificationDelivery } from '../contract/notifications.ts';
import type { EventBus } from '../events/bus.ts';
import type { ChannelDirectory, HeldChannel } from '../state/channel-directory.ts';
import type { OutboxEntry } from './outbox-entry.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { OutgoingMessage, Provider, ProviderAnswer, SendContext } from './provider.ts';

export interface DispatcherOptions {
  store: OutboxStore;
  directory: ChannelDirectory;
  providers: Record<ChannelType, Provider>;
  bus: EventBus;
  send: SendContext;
  /** Attempts before giving up on a notification (default 12: about 3 hours of backoff). */
  maxAttempts?: number;
  /** The first retry's delay; doubles each attempt up to 30 minutes (default 2 s). */
  retryBaseMs?: number;
  /** How often the outbox is read for rows to take over (another instance's, a restart's) and claims are kept (default 5 s). */
  sweepMs?: number;
  /** At most this many notifications in one grouped message (default 500). */
  groupMax?: number;
  /** Whether an incident is still open (a reminder of a resolved one is dropped). */
  incidentOpen?: (incidentId: string) => Promise<boolean> | boolean;
  log?: (message: string, error?: unknown) => void;
}

export interface DispatcherStats {
  delivered: number;
  failed: number;
  retried: number;
  /** Messages sent (a grouped one counts once). */
  messages: number;
  grouped: number;
  /** Notifications held in memory (waiting for their group, their retry or their channel). */
  held: number;
  /** Outcomes per channel type, for /metrics. */
  byType: Record<string, { delivered: number; failed: number; retried: number }>;
}

/** One channel's line of notifications: in order, one message at a time, within the provider's limits. */
interface Lane {
  channelId: string;
  queue: OutboxEntry[];
  busy: boolean;
  /** Not before then: a 429's Retry-After, or the provider's own rate. */
  pausedUntil: number;
  lastSentAt: number;
  /** When the flood-control group now gathering goes out (null: none gathering), and when it began. */
  groupCloseAt: number | null;
  groupStartedAt: number | null;
  timer: NodeJS.Timeout | undefined;
}

const MAX_BACKOFF_MS = 30 * 60_000;
/** A flood-control group is sent at most this long after its first notification, however many keep coming. */
const GROUP_MAX_MS = 60_000;
/** Finished notifications and log lines are kept this long, and pruned this often. */
const OUTBOX_KEEP_DAYS = 7;
const LOG_KEEP_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;
/** An entry made by a check but never handed over this long after is one whose result was not kept. */
const FORGET_EXPECTED_MS = 600_000;
/** What follows an alert and answers it (where the provider threads). */
const FOLLOW_UPS = new Set<OutboxEntry['event']>(['recovered', 'incident-resolved', 'reminder']);

/**
 * Delivers the outbox (docs/notifications.md):
 * 1. entries arrive from the check that caused them (after its commit, or at once while the
 *    database is away), or from a sweep of the outbox (another instance died holding them, a
 *    restart, a retry due, a reminder);
 * 2. each channel has a lane: one message at a time, never faster than the provider allows, paused
 *    by a 429 until its Retry-After; notifications arriving less than `groupSeconds` apart go as one
 *    grouped message (sent `groupSeconds` after the last, a minute after the first at the latest);
 * 3. each attempt's outcome is written to the row (once it is stored) and to the delivery log;
 *    a failure is retried with backoff until `maxAttempts`, a refusal (4xx) is not.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  /** Every entry this instance holds, by id: the sweep leaves them alone. */
  private readonly held = new Map<string, OutboxEntry>();
  /** When each entry still expected was made: one never given (its endpoint was deleted, its check dropped) is forgotten. */
  private readonly expectedAt = new Map<string, number>();
  /** Outcomes waiting for their row to be stored before they are written. */
  private unrecorded: Array<{ entries: OutboxEntry[]; delivery: NotificationDelivery | null }> = [];
  /** The provider's reference of each thread's first message, per channel (for replies). */
  private readonly threadRefs = new Map<string, string>();
  /** Alerts sent inside a grouped one, per channel: the group's key, and the group's alerts still open. */
  private readonly groupOfThread = new Map<string, string>();
  private readonly openInGroup = new Map<string, Set<string>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private inFlight = 0;
  private prunedAt = 0;
  /** Rows this instance id claimed before then are a previous run's: taken back at once. */
  private readonly startedAt = new Date();
  private sweepFailing = false;
  private recordFailing = false;
  private readonly counts = { delivered: 0, failed: 0, retried: 0, messages: 0, grouped: 0 };
  private readonly byType: DispatcherStats['byType'] = {};
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly groupMax: number;

  constructor(private readonly options: DispatcherOptions) {
    this.maxAttempts = options.maxAttempts ?? 12;
    this.retryBaseMs = options.retryBaseMs ?? 2000;
    this.groupMax = options.groupMax ?? 500;
  }

  get stats(): DispatcherStats {
    return { ...this.counts, held: this.held.size, byType: this.byType };
  }

  /** Entries made by a check, not yet given to `accept`: the sweep must not take their rows. */
  expect(entries: readonly OutboxEntry[]): void {
    const now = Date.now();
    for (const e of entries) {
      this.held.set(e.id, e);
      this.expectedAt.set(e.id, now);
    }
  }

  /** Entries to deliver (their state change is committed, or announced while the database is away). */
  accept(entries: readonly OutboxEntry[]): void {
    const now = Date.now();
    for (const entry of entries) {
      // The same row read again (a sweep racing a check's commit): the entry held already is the one.
      const known = this.held.get(entry.id);
      if (known && known !== entry) continue;
      this.expectedAt.delete(entry.id);
      if (entry.duplicate) this.held.delete(entry.id);
      if (this.stopped || entry.duplicate || entry.deliveredAt || entry.failedAt) continue;
      this.held.set(entry.id, entry);
      const lane = this.laneOf(entry.channelId);
      lane.queue.push(entry);
      const groupSeconds = this.options.directory.get(entry.channelId)?.channel.groupSeconds ?? 0;
      // A group goes out once nothing has joined it for groupSeconds (a storm's checks spread over
      // an interval), and a minute after it began at the latest.
      if (groupSeconds > 0 && entry.attempts === 0) {
        lane.groupStartedAt ??= now;
        lane.groupCloseAt = Math.min(lane.groupStartedAt + Math.max(GROUP_MAX_MS, groupSeconds * 1000), now + groupSeconds * 1000);
      }
      this.schedule(lane);
    }
  }

  /** Entries whose rows are now committed: outcomes waiting for them are written. */
  stored(entries: readonly OutboxEntry[]): void {
    for (const e of entries) e.stored = true;
    // Entries delivered from memory and now stored are done with.
    for (const e of entries) if (e.deliveredAt || e.failedAt) this.held.delete(e.id);
    void this.flushUnrecorded();
  }

  /** Starts the sweep of the outbox: at once (a restart takes back its rows), then every `sweepMs`. */
  start(): void {
    const tick = () => {
      this.sweepTimer = setTimeout(async () => {
        await this.sweep();
        if (!this.stopped) tick();
      }, this.options.sweepMs ?? 5000);
      this.sweepTimer.unref();
    };
    void this.sweep().finally(() => {
      if (!this.stopped) tick();
    });
  }

  /** Stops sweeping; waits at most `graceMs` for the messages in flight (what waits stays in the outbox for later). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    const deadline = Date.now() + graceMs;
    while ((this.inFlight > 0 || this.sweeping) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.race([this.flushUnrecorded(), new Promise((r) => setTimeout(r, Math.max(graceMs, 1000)))]);
    // What still waits here (a group, a retry) is handed over: another instance, or the next run, sends it.
    const waiting = [...this.held.values()].filter((e) => e.stored && !e.deliveredAt && !e.failedAt).map((e) => e.id);
    await this.options.store.releaseClaims(waiting).catch((error) => this.options.log?.('cannot hand over the notifications waiting', error));
  }

  /** Takes over due rows nobody holds, keeps the claims of those held here, writes outcomes still waiting. */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    this.sweeping ??= this.takeOver().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async takeOver(): Promise<void> {
    try {
      await this.flushUnrecorded();
      const storedHeld = [...this.held.values()].filter((e) => e.stored).map((e) => e.id);
      await this.options.store.extendClaims(storedHeld);
      const claimed = await this.options.store.claimDue([...this.held.keys()], this.startedAt);
      if (claimed.length > 0) this.accept(claimed);
      for (const [id, at] of this.expectedAt) {
        if (Date.now() - at < FORGET_EXPECTED_MS) break;
        this.expectedAt.delete(id);
        if (!this.held.get(id)?.stored) this.held.delete(id);
      }
      if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
        this.prunedAt = Date.now();
        await this.options.store.prune(OUTBOX_KEEP_DAYS, LOG_KEEP_DAYS);
      }
      this.sweepFailing = false;
    } catch (error) {
      // Once per streak: the database may be away for long, and checks say so already.
      if (!this.sweepFailing) this.options.log?.('cannot read the notification outbox (tried again at each sweep; notifications go on from memory)', error);
      this.sweepFailing = true;
    }
  }

  /** Sends a test message on a channel now, outside its lane, and answers with the provider's answer. */
  async test(held: HeldChannel): Promise<ProviderAnswer & { latencyMs: number }> {
    const provider = this.options.providers[held.channel.type];
    const started = performance.now();
    const answer = await provider.send({ language: held.channel.language, notices: [], groupKey: null, test: true }, held.channel.config, this.options.send);
    const latencyMs = Math.round(performance.now() - started);
    const delivery = this.deliveryOf(held.id, 'test', null, 0, 1, answer, latencyMs, answer.ok ? 'delivered' : 'failed');
    this.options.bus.emit('notification:delivery', delivery);
    this.unrecorded.push({ entries: [], delivery });
    void this.flushUnrecorded();
    return { ...answer, latencyMs };
  }

  private laneOf(channelId: string): Lane {
    let lane = this.lanes.get(channelId);
    if (!lane) {
      lane = { channelId, queue: [], busy: false, pausedUntil: 0, lastSentAt: 0, groupCloseAt: null, groupStartedAt: null, timer: undefined };
      this.lanes.set(channelId, lane);
    }
    return lane;
  }

  /** Sets the lane's timer for when its next message may go. */
  private schedule(lane: Lane): void {
    if (lane.busy || this.stopped) return;
    clearTimeout(lane.timer);
    lane.timer = undefined;
    if (lane.queue.length === 0) {
      this.lanes.delete(lane.channelId);
      return;
    }
    const provider = this.providerOf(lane.channelId);
    // In order: the first waiting (a retry, say) holds back those behind it.
    const at = Math.max(lane.queue[0]!.dueAt.getTime(), lane.pausedUntil, lane.lastSentAt + (provider?.minIntervalMs ?? 0), lane.groupCloseAt ?? 0);
    const wait = at - Date.now();
    if (wait <= 0) {
      void this.sendNext(lane);
      return;
    }
    lane.timer = setTimeout(() => void this.sendNext(lane), wait);
  }

  private providerOf(channelId: string): Provider | undefined {
    const held = this.options.directory.get(channelId);
    return held ? this.options.providers[held.channel.type] : undefined;
  }

  private async sendNext(lane: Lane): Promise<void> {
    if (lane.busy || this.stopped) return;
    lane.timer = undefined;
    const held = this.options.directory.get(lane.channelId);
    const now = Date.now();
    if (!held?.channel.enabled) {
      // Deleted or switched off since: what waits for it is given up.
      const reason = held ? 'the channel is disabled' : 'the channel was deleted';
      for (const e of lane.queue) this.giveUp(e, reason);
      lane.queue = [];
      this.lanes.delete(lane.channelId);
      return;
    }
    lane.groupCloseAt = null;
    lane.groupStartedAt = null;
    const due: OutboxEntry[] = [];
    for (const e of lane.queue) {
      if (e.dueAt.getTime() > now) break;
      due.push(e);
    }
    if (due.length === 0) return this.schedule(lane);
    // A group is for many endpoints: one endpoint's few notifications (recovered, then its incident resolved) go one by one.
    const manyEndpoints = due.some((e) => e.endpointId !== due[0]!.endpointId);
    const batch = held.channel.groupSeconds > 0 && manyEndpoints ? due.slice(0, this.groupMax) : due.slice(0, 1);
    const taken = new Set(batch);
    lane.queue = lane.queue.filter((e) => !taken.has(e));
    lane.busy = true;
    this.inFlight++;
    try {
      await this.deliver(lane, held, batch);
    } finally {
      this.inFlight--;
      lane.busy = false;
      lane.lastSentAt = Date.now();
      this.schedule(lane);
    }
  }

  private async deliver(lane: Lane, held: HeldChannel, batch: OutboxEntry[]): Promise<void> {
    // A reminder of an incident resolved meanwhile is not sent.
    const live: OutboxEntry[] = [];
    for (const e of batch) {
      if (e.event === 'reminder' && e.incidentId && this.options.incidentOpen && !(await this.isOpen(e.incidentId)))
        this.giveUp(e, 'the incident was resolved');
      else live.push(e);
    }
    if (live.length === 0) return;
    const provider = this.options.providers[held.channel.type];
    if (provider.replies) for (const e of live) await this.fillThreadRef(held.id, e);
    const message: OutgoingMessage = {
      language: held.channel.language,
      notices: live.map((e) => e.notice),
      groupKey: live.length > 1 ? `vigil-group-${live[0]!.id}` : null,
      test: false,
    };
    if (provider.threads) this.closeGroups(held.id, live, message);
    const started = performance.now();
    const answer = await provider.send(message, held.channel.config, this.options.send);
    const latencyMs = Math.round(performance.now() - started);
    const now = Date.now();
    const attempt = Math.max(...live.map((e) => e.attempts)) + 1;
    let outcome: NotificationDelivery['outcome'];
    if (answer.ok) {
      outcome = 'delivered';
      for (const e of live) {
        e.attempts++;
        e.deliveredAt = new Date(now);
        e.lastError = null;
        // The first message of a thread is what its reminders and resolution answer.
        const threadKey = `${held.id} ${e.notice.threadKey}`;
        if (answer.threadRef && live.length === 1 && !FOLLOW_UPS.has(e.event) && !this.threadRefs.has(threadKey)) {
          e.threadRef = answer.threadRef;
          this.threadRefs.set(threadKey, answer.threadRef);
        }
        // Resolved: the next trouble starts a thread of its own.
        if (e.event === 'recovered' || e.event === 'incident-resolved') this.threadRefs.delete(threadKey);
      }
      if (provider.threads && message.groupKey && live.some((e) => !FOLLOW_UPS.has(e.event))) this.openGroup(held.id, message.groupKey, live);
    } else if (answer.retryable && attempt < this.maxAttempts) {
      outcome = 'retrying';
      const backoff = Math.min(MAX_BACKOFF_MS, this.retryBaseMs * 2 ** (attempt - 1));
      const wait = Math.max(backoff, answer.retryAfterMs ?? 0);
      // Told to wait (429, 503 with Retry-After): nothing else goes to this channel before then.
      if (answer.retryAfterMs !== null) lane.pausedUntil = now + answer.retryAfterMs;
      for (const e of live) {
        e.attempts++;
        e.dueAt = new Date(now + wait);
        e.lastError = answer.answer;
      }
      lane.queue.unshift(...live);
    } else {
      outcome = 'failed';
      for (const e of live) {
        e.attempts++;
        e.failedAt = new Date(now);
        e.lastError = answer.answer;
      }
    }
    this.count(held.channel.type, outcome, live.length);
    this.counts.messages++;
    if (live.length > 1) this.counts.grouped++;
    const first = live[0]!;
    const delivery = this.deliveryOf(
      held.id,
      live.length > 1 ? 'group' : first.event,
      live.length > 1 ? null : first.notice.endpoint,
      live.length,
      attempt,
      answer,
      latencyMs,
      outcome,
    );
    this.options.bus.emit('notification:delivery', delivery);
    if (outcome !== 'retrying') for (const e of live) if (e.stored) this.held.delete(e.id);
    this.unrecorded.push({ entries: live, delivery });
    void this.flushUnrecorded();
  }

  /** A grouped alert was taken: its alerts are resolved through it (PagerDuty's dedup_key, Opsgenie's alias). */
  private openGroup(channelId: string, groupKey: string, live: OutboxEntry[]): void {
    const members = new Set<string>();
    for (const e of live) {
      if (FOLLOW_UPS.has(e.event)) continue;
      members.add(e.notice.threadKey);
      this.groupOfThread.set(`${channelId} ${e.notice.threadKey}`, groupKey);
    }
    this.openInGroup.set(`${channelId} ${groupKey}`, members);
  }

  /**
   * Resolutions of alerts that went out in a group: once the last of a group's alerts resolves, the
   * message resolves the group's alert itself (a lone resolution takes the group's key; a grouped
   * one, the group's). Held in memory: after a restart a group's alert is left for people to close.
   */
  private closeGroups(channelId: string, live: OutboxEntry[], message: OutgoingMessage): void {
    const closed = new Set<string>();
    for (const e of live) {
      if (e.event !== 'recovered' && e.event !== 'incident-resolved') continue;
      const threadKey = `${channelId} ${e.notice.threadKey}`;
      const group = this.groupOfThread.get(threadKey);
      if (!group) continue;
      this.groupOfThread.delete(threadKey);
      const members = this.openInGroup.get(`${channelId} ${group}`);
      members?.delete(e.notice.threadKey);
      if (members?.size === 0) {
        this.openInGroup.delete(`${channelId} ${group}`);
        closed.add(group);
      }
    }
    if (closed.size !== 1) return;
    const [group] = closed;
    if (live.length === 1) message.notices = [{ ...live[0]!.notice, threadKey: group! }];
    else message.groupKey = group!;
  }

  private async isOpen(incidentId: string): Promise<boolean> {
    try {
      return await this.options.incidentOpen!(incidentId);
    } catch {
      return true;
    }
  }

  /** A resolution or reminder answers its alert where the provider threads (the first message's reference). */
  private async fillThreadRef(channelId: string, entry: OutboxEntry): Promise<void> {
    if (!FOLLOW_UPS.has(entry.event)) return;
    if (entry.notice.threadRef) return;
    let ref = this.threadRefs.get(`${channelId} ${entry.notice.threadKey}`) ?? null;
    if (ref === null) {
      ref = await this.options.store.threadRefOf(channelId, entry.notice.threadKey, entry.incidentId, entry.notice.endpoint.id).catch(() => null);
    }
    if (ref !== null) entry.notice = { ...entry.notice, threadRef: ref };
  }

  private giveUp(entry: OutboxEntry, reason: string): void {
    entry.failedAt = new Date();
    entry.lastError = reason;
    if (entry.stored) this.held.delete(entry.id);
    this.unrecorded.push({ entries: [entry], delivery: null });
    void this.flushUnrecorded();
  }

  private count(type: string, outcome: NotificationDelivery['outcome'], n: number): void {
    const key = outcome === 'delivered' ? 'delivered' : outcome === 'failed' ? 'failed' : 'retried';
    this.counts[key] += n;
    this.byType[type] ??= { delivered: 0, failed: 0, retried: 0 };
    this.byType[type][key] += n;
  }

  private deliveryOf(
    channelId: string,
    event: NotificationDelivery['event'],
    endpoint: { id: string; name: string } | null,
    notifications: number,
    attempt: number,
    answer: ProviderAnswer,
    latencyMs: number,
    outcome: NotificationDelivery['outcome'],
  ): NotificationDelivery {
    return {
      id: randomUUID(),
      channelId,
      event,
      endpointId: endpoint?.id ?? null,
      endpointName: endpoint?.name ?? null,
      notifications,
      attempt,
      outcome,
      statusCode: answer.statusCode,
      answer: answer.answer,
      latencyMs,
      at: new Date().toISOString(),
    };
  }

  /** Writes the outcomes whose rows are stored; the others wait (the database is away, or their check is not written yet). */
  private flushing: Promise<void> | undefined;
  private flushUnrecorded(): Promise<void> {
    this.flushing ??= this.writeOutcomes().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeOutcomes(): Promise<void> {
    try {
      while (true) {
        // Every outcome whose rows are stored, in one write; the others wait for their rows.
        const ready = this.unrecorded.filter((u) => u.entries.every((e) => e.stored));
        if (ready.length === 0) return;
        await this.options.store.record(
          ready.flatMap((u) => u.entries),
          ready.flatMap((u) => (u.delivery ? [u.delivery] : [])),
        );
        const written = new Set(ready);
        this.unrecorded = this.unrecorded.filter((u) => !written.has(u));
        this.recordFailing = false;
      }
    } catch (error) {
      if (!this.recordFailing) this.options.log?.('cannot record notification deliveries (kept in memory, written once the database answers)', error);
      this.recordFailing = true;
    }
  }
}
