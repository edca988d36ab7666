import { type Clock, systemClock } from '../clock.ts';
import type { EventBus } from '../events/bus.ts';
import type { OutboxEntry } from '../notifications/outbox-entry.ts';
import type { PendingWrite } from './pending-write.ts';

export interface ResultPublisherOptions {
  bus: EventBus;
  /** Whether the endpoint still exists: a deleted endpoint's results are settled, never announced. */
  isLive: (endpointId: string) => boolean;
  /** Every result not yet written, oldest first. */
  waiting: () => Iterable<PendingWrite>;
  /** A batch not committed by then has its events published anyway (ms). */
  publishAfterMs?: number;
  /** Given each result's notifications as its events go out (the dispatcher). */
  onNotifications?: (entries: OutboxEntry[]) => void;
  clock?: Clock;
}

/**
 * Announces each result's events exactly once, in the order the checks were recorded. Normally
 * after its commit, so a client hears of a state the database holds. When the database is slow
 * (a batch not committed within `publishAfterMs`) or away (a batch failed), checking must not
 * wait for it: every waiting result's events go out at once, and so do those of each result
 * recorded until the queue has caught up.
 */
export class ResultPublisher {
  private early = false;
  /** Results whose events went out before they were stored. */
  publishedBeforeWrite = 0;
  private readonly clock: Clock;

  constructor(private readonly options: ResultPublisherOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** A result joined the queue: while the database is slow or away, its events go out now. */
  queued(write: PendingWrite): void {
    if (this.early) this.beforeWrite(write);
  }

  /** Arms the publish-anyway deadline of a batch being written; returns its disarm. */
  awaitCommit(): () => void {
    // Clients must not wait for a slow database to hear what happened.
    const slow = this.clock.setTimeout(() => this.publishWaiting(), this.options.publishAfterMs ?? 750);
    return () => this.clock.clearTimeout(slow);
  }

  /** From now until `caughtUp`, events go out as results are recorded (the database is slow or away). */
  publishWaiting(): void {
    if (this.early) return;
    this.early = true;
    for (const write of this.options.waiting()) this.beforeWrite(write);
  }

  /** The queue has caught up: back to publishing after the commit. */
  caughtUp(): void {
    this.early = false;
  }

  /** A result's events go out now, before it is stored (or instead: it was dropped). */
  beforeWrite(write: PendingWrite): void {
    if (write.published) return;
    write.published = true;
    if (!this.options.isLive(write.check.endpointId)) {
      write.settle(null);
      return;
    }
    this.publishedBeforeWrite++;
    this.emit(write);
  }

  /** A result is committed: its events go out unless they already did. */
  afterWrite(write: PendingWrite): void {
    if (write.published) return;
    write.published = true;
    if (!this.options.isLive(write.check.endpointId)) {
      write.settle(null);
      return;
    }
    this.emit(write);
  }

  private emit(write: PendingWrite): void {
    for (const [name, data] of write.events) this.options.bus.emit(name, data as never);
    if (write.notifications?.length) this.options.onNotifications?.(write.notifications);
    write.settle(write.check);
  }
}
