import { inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { endpoints } from '../../db/schema/index.ts';
import { isForeignKeyViolation } from '../../db/unavailable.ts';
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
    /** The instance that claims the notifications written with the results (it delivers them). */
    private readonly outboxClaimant = 'embedded',
  ) {}

  async write(batch: PendingWrite[]): Promise<void> {
    // Results of endpoints deleted meanwhile are dropped, not written (their rows are gone).
    let live = batch.filter((w) => this.registry.has(w.check.endpointId));
    if (live.length === 0) return;
    let conflicts: string[];
    try {
      conflicts = await storeBatch(this.db, live, this.outboxClaimant);
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      // The registry still held an endpoint whose row is gone: its results go, not the batch.
      const stored = await storedEndpointIds(this.db, [...new Set(live.map((w) => w.check.endpointId))]);
      const kept = live.filter((w) => stored.has(w.check.endpointId));
      if (kept.length === live.length) throw error;
      live = kept;
      if (live.length === 0) return;
      conflicts = await storeBatch(this.db, live, this.outboxClaimant);
    }
    this.stats.batches++;
    this.stats.written += live.length;
    this.stats.lastBatchSize = live.length;
    // Another writer holds the open incident of these endpoints: adopt it rather than report a second.
    await adoptStoredIncidents(this.db, this.registry, conflicts, live);
  }
}

async function storedEndpointIds(db: Database, ids: string[]): Promise<Set<string>> {
  const rows = await db.select({ id: endpoints.id }).from(endpoints).where(inArray(endpoints.id, ids));
  return new Set(rows.map((r) => r.id));
}
