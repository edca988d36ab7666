import type { Database } from '../../db/client.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import { adoptStoredIncidents } from './adopt-incident.ts';
import type { PendingWrite } from './pending-write.ts';
import { storeBatch } from './store-batch.ts';

/** Where the result writer puts its batches. */
export interface BatchStore {
  /**
   * Stores a batch, in order; written again after a failure (or a lost answer), it writes no row
   * twice. Results of endpoints deleted meanwhile are left out.
   */
  write(batch: PendingWrite[]): Promise<void>;
  readonly stats: StoreStats;
}

export interface StoreStats {
  /** Batches stored (each one statement or one transaction), results stored, and the last batch's size. */
  batches: number;
  written: number;
  lastBatchSize: number;
}

/** Batches into check_results, endpoints and incidents (store-batch.ts), the incident race settled after. */
export class DatabaseResultStore implements BatchStore {
  readonly stats: StoreStats = { batches: 0, written: 0, lastBatchSize: 0 };

  constructor(
    private readonly db: Database,
    private readonly registry: MonitorRegistry,
  ) {}

  async write(batch: PendingWrite[]): Promise<void> {
    // Results of endpoints deleted meanwhile are dropped, not written (their rows are gone).
    const live = batch.filter((w) => this.registry.has(w.check.endpointId));
    if (live.length === 0) return;
    const conflicts = await storeBatch(this.db, live);
    this.stats.batches++;
    this.stats.written += live.length;
    this.stats.lastBatchSize = live.length;
    // Another writer holds the open incident of these endpoints: adopt it rather than report a second.
    await adoptStoredIncidents(this.db, this.registry, conflicts, live);
  }
}
