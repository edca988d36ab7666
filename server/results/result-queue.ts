import { isPlain, type PendingWrite } from './pending-write.ts';

/**
 * The results waiting to be written, in the order they were recorded: the batch being written
 * (in flight) first, then those queued behind it. Counts each endpoint's waiting results, so that
 * a reload can tell whether memory is ahead of the database.
 */
export class ResultQueue {
  private waiting: PendingWrite[] = [];
  private inFlight: PendingWrite[] = [];
  private readonly pendingByEndpoint = new Map<string, number>();

  push(write: PendingWrite): void {
    this.waiting.push(write);
    const id = write.check.endpointId;
    this.pendingByEndpoint.set(id, (this.pendingByEndpoint.get(id) ?? 0) + 1);
  }

  /** Results waiting, the batch in flight included. */
  get size(): number {
    return this.waiting.length + this.inFlight.length;
  }

  /** Results waiting behind the batch in flight. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Whether results wait behind the batch in flight. */
  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  hasPending(endpointId: string): boolean {
    return (this.pendingByEndpoint.get(endpointId) ?? 0) > 0;
  }

  /** Every result not yet written, oldest first. */
  *all(): Iterable<PendingWrite> {
    yield* this.inFlight;
    yield* this.waiting;
  }

  /** Takes the next batch (the oldest `size` results) to be written. */
  takeBatch(size: number): PendingWrite[] {
    this.inFlight = this.waiting.splice(0, size);
    return this.inFlight;
  }

  /** The batch in flight is written: it no longer counts (each result is `forget`ten as it settles). */
  batchWritten(): void {
    this.inFlight = [];
  }

  /** Part of the batch in flight is settled: only `rest` (its unsettled tail) is still in flight. */
  keepInFlight(rest: PendingWrite[]): void {
    this.inFlight = rest;
  }

  /** The batch in flight failed: back at the front, in order, for the next attempt. */
  batchFailed(): void {
    this.waiting = this.inFlight.concat(this.waiting);
    this.inFlight = [];
  }

  /** A result is settled (written, or dropped): its endpoint has one result fewer waiting. */
  forget(write: PendingWrite): void {
    const id = write.check.endpointId;
    const left = (this.pendingByEndpoint.get(id) ?? 1) - 1;
    if (left > 0) this.pendingByEndpoint.set(id, left);
    else this.pendingByEndpoint.delete(id);
  }

  /**
   * Makes room for one result and returns the one dropped: the oldest one that carries nothing but
   * itself (no status change, no incident opened or resolved) and whose endpoint has a newer result
   * waiting, so the endpoint's stored state and incident counts still end up right. None when every
   * waiting result must be kept.
   */
  dropOnePlain(): PendingWrite | undefined {
    // Per endpoint, how many of its pending results are older than the one looked at: the batch in
    // flight first, then those passed over in the queue.
    const older = new Map<string, number>();
    for (const write of this.inFlight) older.set(write.check.endpointId, (older.get(write.check.endpointId) ?? 0) + 1);
    for (let i = 0; i < this.waiting.length; i++) {
      const write = this.waiting[i]!;
      const id = write.check.endpointId;
      const olderCount = older.get(id) ?? 0;
      older.set(id, olderCount + 1);
      if (!isPlain(write)) continue;
      const newer = (this.pendingByEndpoint.get(id) ?? 0) - olderCount - 1;
      if (newer > 0) {
        this.waiting.splice(i, 1);
        this.forget(write);
        return write;
      }
    }
    return undefined;
  }
}
