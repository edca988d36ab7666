import { databaseFault, describeError, isDataException, isForeignKeyViolation } from '../../db/unavailable.ts';
import { type Clock, type ClockTimer, sleep, systemClock } from '../clock.ts';
import type { EventBus } from '../events/bus.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import type { BatchStore } from './database-store.ts';
import type { OutboxEntry } from '../notifications/outbox-entry.ts';
import type { PendingWrite } from './pending-write.ts';
import { ResultPublisher } from './result-publisher.ts';
import { ResultQueue } from './result-queue.ts';

export interface WriterStats {
  batches: number;
  written: number;
  /** Failed batch attempts (each retried). */
  retries: number;
  lastBatchSize: number;
  /** Results dropped because the queue was full (never a status change or an incident change). */
  dropped: number;
  /** Results the database refused as values (a data exception), set aside so the others are written. */
  unwritable: number;
  /** Results whose events went out before they were stored (the database was slow or away). */
  publishedBeforeWrite: number;
  /** Epoch ms of the last batch written, of the last failed attempt, and that failure's cause. */
  lastWriteAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

export interface ResultWriterOptions {
  /** Where batches go (a DatabaseResultStore). */
  store: BatchStore;
  bus: EventBus;
  registry: MonitorRegistry;
  batchSize: number;
  /**
   * A result waits at most this long for others to join its batch (ms; default 50): a batch costs
   * PGlite about 1 ms of CPU whatever its size, each row in it ~0.05 ms (docs/performance.md).
   * A result recorded more than this after the previous one does not wait (nothing else is coming).
   * 0 writes what one turn of the event loop recorded.
   */
  gatherMs?: number;
  /** Gathering ends as soon as this many results wait (default 16, at most batchSize): past it, a bigger batch saves little. */
  gatherResults?: number;
  /** Results that may wait in memory while the database is away (see `enqueue` for what overflows). */
  queueLimit?: number;
  /** A batch not committed by then has its events published anyway (ms). */
  publishAfterMs?: number;
  /** A batch attempt that has not answered by then counts as failed (ms). */
  writeTimeoutMs?: number;
  /** Told of each failed attempt: the cause, how many results wait, and when the next try is. */
  onFailure?: (failure: WriteFailure) => void;
  /** Told once the queue has caught up after failures. */
  onRecovered?: (recovery: { written: number; downForMs: number }) => void;
  /** Told of a result the database refused as values: it is set aside (its events still go out). */
  onUnwritable?: (unwritable: { write: PendingWrite; error: unknown }) => void;
  /** Where the notifications of each result go: told when they are stored, given them as their events go out. */
  notifications?: { stored(entries: OutboxEntry[]): void; accept(entries: OutboxEntry[]): void };
  clock?: Clock;
}

export interface WriteFailure {
  error: unknown;
  /** The database is away (down, unreachable, out of disk): retried until it is back. */
  databaseAway: boolean;
  waiting: number;
  retryInMs: number;
}

const DEFAULT_QUEUE_LIMIT = 50_000;
const DEFAULT_GATHER_MS = 50;
const DEFAULT_GATHER_RESULTS = 16;

/** The wait before the next attempt after a failed one: 100 ms, doubling up to 5 s. */
export function nextRetryDelay(previousMs: number): number {
  return Math.min(5000, previousMs ? previousMs * 2 : 100);
}

/**
 * Writes check results in batches (group commit): while one transaction runs, new results queue
 * up and go together in the next. At low load a result is written at once; under load one round
 * trip carries many. Each result's events are announced by the publisher (result-publisher.ts):
 * after its commit, or earlier while the database is slow or away.
 *
 * When the database is away, results wait in memory, in order, and are written once it answers
 * again (a retried batch never writes a row twice). The queue is bounded: past `queueLimit` the
 * oldest plain result (no status change, no incident opened or resolved) of an endpoint that has a
 * newer result waiting is dropped and counted; state transitions and incident changes are never
 * dropped.
 */
export class ResultWriter {
  private readonly queue = new ResultQueue();
  private readonly publisher: ResultPublisher;
  private readonly clock: Clock;
  private flushing: Promise<void> | null = null;
  /** When the oldest result waiting behind the batch in flight (if any) was recorded. */
  private waitingSince = 0;
  /** When the latest result was recorded: after a quiet spell, a lone result is not held back. */
  private lastRecordedAt = Number.NEGATIVE_INFINITY;
  /** Ends the gathering of a batch early (it is full). */
  private batchFull: (() => void) | null = null;
  private retryDelayMs = 0;
  private failingSince: number | null = null;
  private sealed = false;
  private readonly queueLimit: number;
  private readonly counts: Omit<WriterStats, 'publishedBeforeWrite' | 'batches' | 'written' | 'lastBatchSize'> = {
    retries: 0,
    dropped: 0,
    unwritable: 0,
    lastWriteAt: null,
    lastFailureAt: null,
    lastError: null,
  };

  constructor(private readonly options: ResultWriterOptions) {
    this.queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.clock = options.clock ?? systemClock;
    this.publisher = new ResultPublisher({
      bus: options.bus,
      isLive: (endpointId) => options.registry.has(endpointId),
      waiting: () => this.queue.all(),
      publishAfterMs: options.publishAfterMs,
      onNotifications: options.notifications ? (entries) => options.notifications!.accept(entries) : undefined,
      clock: this.clock,
    });
  }

  get stats(): WriterStats {
    return { ...this.options.store.stats, ...this.counts, publishedBeforeWrite: this.publisher.publishedBeforeWrite };
  }

  /** Whether results are accepted (false once shutdown gave up on the checks still running). */
  get accepting(): boolean {
    return !this.sealed;
  }

  enqueue(write: PendingWrite): void {
    if (this.sealed) {
      write.settle(null);
      return;
    }
    const now = this.clock.now();
    // Gathering pays only when others are on their way: a result after a quiet spell of gatherMs
    // (a small install, a lone "check now") is written at once, as if it had waited already.
    if (!this.queue.hasWaiting) this.waitingSince = now - this.lastRecordedAt > this.gatherMs ? now - this.gatherMs : now;
    this.lastRecordedAt = now;
    this.queue.push(write);
    this.publisher.queued(write);
    if (this.queue.size > this.queueLimit) this.dropOnePlain();
    if (!this.flushing) this.flushing = this.flushLoop();
    else if (this.batchFull && this.queue.waitingCount >= this.gatherResults) this.batchFull();
  }

  /** Whether a result of this endpoint waits to be written. */
  hasPending(endpointId: string): boolean {
    return this.queue.hasPending(endpointId);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Whether the last attempt to write failed and results wait for the database. */
  get failing(): boolean {
    return this.failingSince !== null;
  }

  /**
   * Resolves true once everything queued so far is written, or false when `timeoutMs` passed
   * first (the database is away).
   */
  async drain(timeoutMs = Infinity): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    while (this.flushing) {
      const left = deadline - this.clock.now();
      if (left <= 0) return false;
      let timer: ClockTimer | undefined;
      const timedOut = await Promise.race([
        this.flushing.then(() => false),
        Number.isFinite(left) ? new Promise<boolean>((resolve) => (timer = this.clock.setTimeout(() => resolve(true), left))) : new Promise<boolean>(() => {}),
      ]);
      this.clock.clearTimeout(timer);
      if (timedOut) return false;
    }
    return true;
  }

  /** Accepts no more results (shutdown): checks still running are abandoned, not recorded. */
  seal(): void {
    this.sealed = true;
  }

  private async flushLoop(): Promise<void> {
    let quickRetries = 0;
    try {
      while (this.queue.hasWaiting) {
        await this.gather();
        const batch = this.queue.takeBatch(this.options.batchSize);
        // What stays behind a full batch is late already: it goes next without gathering.
        if (this.queue.hasWaiting) this.waitingSince = this.clock.now() - this.gatherMs;
        const committedInTime = this.publisher.awaitCommit();
        try {
          await this.writeWithin(batch);
          committedInTime();
          this.queue.batchWritten();
          this.retryDelayMs = 0;
          quickRetries = 0;
          this.counts.lastWriteAt = this.clock.now();
          for (const write of batch) {
            this.queue.forget(write);
            if (write.notifications?.length) this.options.notifications?.stored(write.notifications);
            this.publisher.afterWrite(write);
          }
          if (!this.queue.hasWaiting) this.caughtUp();
        } catch (error) {
          committedInTime();
          this.counts.retries++;
          // A value the database refuses would fail this batch forever, and every result behind it.
          if (isDataException(error) && (await this.writeOneByOne(batch))) continue;
          this.queue.batchFailed();
          // An endpoint deleted while its result was in flight: the retry leaves that result out.
          if (isForeignKeyViolation(error) && quickRetries++ < 3) continue;
          const now = this.clock.now();
          this.counts.lastFailureAt = now;
          this.counts.lastError = describeError(error);
          this.failingSince ??= now;
          this.publisher.publishWaiting();
          this.retryDelayMs = nextRetryDelay(this.retryDelayMs);
          this.options.onFailure?.({ error, databaseAway: databaseFault(error) !== null, waiting: this.pending, retryInMs: this.retryDelayMs });
          await sleep(this.clock, this.retryDelayMs);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /**
   * Lets the results recorded within `gatherMs` of the oldest one waiting join its batch (group
   * commit), until `gatherResults` wait; at least the checks finishing in the same turn of the event
   * loop join it. While the database is away, a retry waits for nothing more.
   */
  private async gather(): Promise<void> {
    const waitMs = this.waitingSince + this.gatherMs - this.clock.now();
    if (waitMs <= 0 || this.queue.waitingCount >= this.gatherResults || this.failingSince !== null) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    let timer: ClockTimer | undefined;
    await new Promise<void>((resolve) => {
      this.batchFull = resolve;
      timer = this.clock.setTimeout(resolve, waitMs);
    });
    this.batchFull = null;
    this.clock.clearTimeout(timer);
  }

  private get gatherMs(): number {
    return this.options.gatherMs ?? DEFAULT_GATHER_MS;
  }

  private get gatherResults(): number {
    return Math.min(this.options.batchSize, this.options.gatherResults ?? DEFAULT_GATHER_RESULTS);
  }

  /**
   * Writes a batch that failed with a data exception one result at a time, in order, setting aside
   * each one the database refuses again (its events go out, as for a dropped result). Returns false
   * when something else failed meanwhile: the batch in flight is then what is left of it.
   */
  private async writeOneByOne(batch: PendingWrite[]): Promise<boolean> {
    for (let i = 0; i < batch.length; i++) {
      const write = batch[i]!;
      try {
        await this.writeWithin([write]);
      } catch (error) {
        if (!isDataException(error)) {
          this.queue.keepInFlight(batch.slice(i));
          return false;
        }
        this.counts.unwritable++;
        this.options.onUnwritable?.({ write, error });
      }
      this.queue.forget(write);
      if (write.notifications?.length) this.options.notifications?.stored(write.notifications);
      this.publisher.afterWrite(write);
    }
    this.queue.batchWritten();
    this.counts.lastWriteAt = this.clock.now();
    if (!this.queue.hasWaiting) this.caughtUp();
    return true;
  }

  private async writeWithin(batch: PendingWrite[]): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs ?? 30_000;
    let timer: ClockTimer | undefined;
    try {
      await Promise.race([
        this.options.store.write(batch),
        new Promise((_, reject) => {
          timer = this.clock.setTimeout(
            () => reject(Object.assign(new Error(`writing check results took longer than ${timeoutMs} ms`), { code: 'STATEMENT_TIMEOUT' })),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private caughtUp(): void {
    this.publisher.caughtUp();
    if (this.failingSince !== null) {
      const downForMs = this.clock.now() - this.failingSince;
      this.failingSince = null;
      this.options.onRecovered?.({ written: this.options.store.stats.written, downForMs });
    }
  }

  /** The queue is full: one plain result goes (its events published now, as if written). */
  private dropOnePlain(): void {
    const dropped = this.queue.dropOnePlain();
    if (!dropped) return;
    this.publisher.beforeWrite(dropped);
    this.counts.dropped++;
  }
}
