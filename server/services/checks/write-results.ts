import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { incidents } from '../../../db/schema/index.ts';
import type { ServerEventName, ServerEvents } from '../../contract/events.ts';
import type { Check } from '../../contract/types.ts';
import type { EventBus } from '../../events/bus.ts';
import type { MonitorRegistry } from '../monitor-registry.ts';

export type QueuedEvent = { [K in ServerEventName]: [K, ServerEvents[K]] }[ServerEventName];

/** Everything one check changes, ready to be written. */
export interface PendingWrite {
  check: Check;
  consecutiveFailures: number;
  incident:
    | { kind: 'opened'; id: string; startedAt: Date; failureCount: number; errorMessage: string | null }
    | { kind: 'continued'; id: string; failureCount: number }
    | { kind: 'resolved'; id: string; resolvedAt: Date; failureCount: number }
    | null;
  events: QueuedEvent[];
  settle: (check: Check | null, error?: unknown) => void;
}

interface IncidentWrite {
  id: string;
  endpointId: string;
  isNew: boolean;
  startedAt: Date | null;
  failureCount: number;
  errorMessage: string | null;
  resolvedAt: Date | null;
}

export interface WriterStats {
  batches: number;
  written: number;
  retries: number;
  lastBatchSize: number;
}

/**
 * Writes check results in batches (group commit): while one transaction runs, new results queue
 * up and go together in the next. At low load a result is written at once; under load one round
 * trip carries many. Events are emitted after the commit, in the order the checks were recorded,
 * so a client never hears of a state the database does not hold. A failed batch is retried; no
 * result is dropped because another was being written.
 */
export class ResultWriter {
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | null = null;
  private retryDelayMs = 0;
  readonly stats: WriterStats = { batches: 0, written: 0, retries: 0, lastBatchSize: 0 };

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly registry: MonitorRegistry,
    private readonly batchSize: number,
    private readonly onError: (error: unknown) => void = (e) => console.error('writing check results failed, retrying', e),
  ) {}

  enqueue(write: PendingWrite): void {
    this.queue.push(write);
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  /** Whether a result of this endpoint waits to be written. */
  hasPending(endpointId: string): boolean {
    return this.queue.some((write) => write.check.endpointId === endpointId);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flushLoop(): Promise<void> {
    // Let the checks that finish in the same turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let quickRetries = 0;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.batchSize);
        try {
          await this.writeBatch(batch);
          this.queue.splice(0, batch.length);
          this.retryDelayMs = 0;
          quickRetries = 0;
          this.publish(batch);
        } catch (error) {
          this.stats.retries++;
          // An endpoint deleted while its result was in flight: the retry leaves that result out.
          if (isForeignKeyViolation(error) && quickRetries++ < 3) continue;
          this.onError(error);
          this.retryDelayMs = Math.min(5000, this.retryDelayMs ? this.retryDelayMs * 2 : 50);
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    // Results of endpoints deleted meanwhile are dropped, not written (their rows are gone).
    const live = batch.filter((w) => this.registry.has(w.check.endpointId));
    if (live.length === 0) return;

    const latestByEndpoint = new Map<string, PendingWrite>();
    const incidentWrites = new Map<string, IncidentWrite>();
    for (const w of live) {
      latestByEndpoint.set(w.check.endpointId, w);
      if (w.incident) mergeIncident(incidentWrites, w.check.endpointId, w.incident);
    }
    const newIncidents = [...incidentWrites.values()].filter((i) => i.isNew);
    const changedIncidents = [...incidentWrites.values()].filter((i) => !i.isNew);

    let conflicts: string[] = [];
    const checksAndEndpoints = checksAndEndpointsStatement(live, [...latestByEndpoint.values()]);
    if (incidentWrites.size === 0) {
      // The common case: one statement (atomic by itself), no BEGIN/COMMIT round trips.
      await this.db.execute(checksAndEndpoints);
    } else await this.db.transaction(async (tx) => {
      await tx.execute(checksAndEndpoints);
      // Resolutions first, so that an incident opened in this batch never meets the old open one.
      if (changedIncidents.length > 0) {
        const rows = changedIncidents.map(
          (i) => sql`(${i.id}::uuid, ${i.failureCount}::int, ${i.resolvedAt?.toISOString() ?? null}::timestamptz)`,
        );
        await tx.execute(sql`
          update incidents as i set failure_count = v.failure_count, resolved_at = coalesce(v.resolved_at, i.resolved_at)
          from (values ${sql.join(rows, sql`, `)}) as v(id, failure_count, resolved_at)
          where i.id = v.id`);
      }
      if (newIncidents.length > 0) {
        const inserted = await tx
          .insert(incidents)
          .values(
            newIncidents.map((i) => ({
              id: i.id,
              endpointId: i.endpointId,
              startedAt: i.startedAt!,
              resolvedAt: i.resolvedAt,
              failureCount: i.failureCount,
              errorMessage: i.errorMessage,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: incidents.id });
        const insertedIds = new Set(inserted.map((r) => r.id));
        conflicts = newIncidents.filter((i) => !insertedIds.has(i.id)).map((i) => i.endpointId);
      }
    });
    this.stats.batches++;
    this.stats.written += live.length;
    this.stats.lastBatchSize = live.length;
    // Another writer holds the open incident of these endpoints: adopt it rather than report a second.
    for (const endpointId of conflicts) {
      await this.registry.reloadOpenIncident(this.db, endpointId);
      for (const w of live) {
        if (w.check.endpointId === endpointId) w.events = w.events.filter(([name]) => name !== 'incident:started');
      }
    }
  }

  private publish(batch: PendingWrite[]): void {
    for (const w of batch) {
      if (!this.registry.has(w.check.endpointId)) {
        w.settle(null);
        continue;
      }
      for (const [name, data] of w.events) this.bus.emit(name, data as never);
      w.settle(w.check);
    }
  }
}

/**
 * Inserts the batch's checks and updates each endpoint's current state in ONE statement whatever
 * the batch size: every column travels as one array parameter, unnested by the database.
 */
function checksAndEndpointsStatement(checks: PendingWrite[], latest: PendingWrite[]): SQL {
  const column = (rows: PendingWrite[], pick: (w: PendingWrite) => string | number | null) => pgArray(rows.map(pick));
  return sql`
    with inserted as (
      insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, checked_at)
      select * from unnest(
        ${column(checks, (w) => w.check.id)}::uuid[], ${column(checks, (w) => w.check.endpointId)}::uuid[],
        ${column(checks, (w) => w.check.status)}::text[], ${column(checks, (w) => w.check.responseTime)}::int[],
        ${column(checks, (w) => w.check.statusCode)}::int[], ${column(checks, (w) => w.check.errorMessage)}::text[],
        ${column(checks, (w) => w.check.checkedAt)}::timestamptz[])
    )
    update endpoints as e set
      status = v.status, last_checked_at = v.checked_at, last_response_time = v.response_time,
      last_status_code = v.status_code, last_error_message = v.error_message,
      consecutive_failures = v.consecutive_failures
    from unnest(
      ${column(latest, (w) => w.check.endpointId)}::uuid[], ${column(latest, (w) => w.check.status)}::text[],
      ${column(latest, (w) => w.check.checkedAt)}::timestamptz[], ${column(latest, (w) => w.check.responseTime)}::int[],
      ${column(latest, (w) => w.check.statusCode)}::int[], ${column(latest, (w) => w.check.errorMessage)}::text[],
      ${column(latest, (w) => w.consecutiveFailures)}::int[])
      as v(id, status, checked_at, response_time, status_code, error_message, consecutive_failures)
    where e.id = v.id`;
}

/**
 * A PostgreSQL array literal ('{"a",NULL,"b"}') bound as one text parameter and cast to T[]
 * (drizzle's postgres.js driver does not serialise JavaScript arrays).
 */
function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

function mergeIncident(writes: Map<string, IncidentWrite>, endpointId: string, change: NonNullable<PendingWrite['incident']>): void {
  const existing = writes.get(change.id);
  if (change.kind === 'opened') {
    writes.set(change.id, {
      id: change.id,
      endpointId,
      isNew: true,
      startedAt: change.startedAt,
      failureCount: change.failureCount,
      errorMessage: change.errorMessage,
      resolvedAt: null,
    });
    return;
  }
  const write: IncidentWrite = existing ?? {
    id: change.id,
    endpointId,
    isNew: false,
    startedAt: null,
    failureCount: change.failureCount,
    errorMessage: null,
    resolvedAt: null,
  };
  write.failureCount = change.failureCount;
  if (change.kind === 'resolved') write.resolvedAt = change.resolvedAt;
  writes.set(change.id, write);
}

function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23503') return true;
  }
  return false;
}
