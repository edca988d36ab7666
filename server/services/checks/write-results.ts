import { inArray, sql, type SQL } from 'drizzle-orm';
import { databaseFault, describeError } from '../../../db/unavailable.ts';
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
  /** Resolves the check's caller: with the Check once its events went out, or null (endpoint deleted, shutdown). */
  settle: (check: Check | null, error?: unknown) => void;
  /** Set once its events went out (after the commit, or earlier while the database is away). */
  published?: boolean;
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
  /** Failed batch attempts (each retried). */
  retries: number;
  lastBatchSize: number;
  /** Results dropped because the queue was full (never a status change or an incident change). */
  dropped: number;
  /** Results whose events went out before they were stored (the database was slow or away). */
  publishedBeforeWrite: number;
  /** Epoch ms of the last batch written, of the last failed attempt, and that failure's cause. */
  lastWriteAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

export interface ResultWriterOptions {
  db: Database;
  bus: EventBus;
  registry: MonitorRegistry;
  batchSize: number;
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
}

export interface WriteFailure {
  error: unknown;
  /** The database is away (down, unreachable, out of disk): retried until it is back. */
  databaseAway: boolean;
  waiting: number;
  retryInMs: number;
}

const DEFAULT_QUEUE_LIMIT = 50_000;

/**
 * Writes check results in batches (group commit): while one transaction runs, new results queue
 * up and go together in the next. At low load a result is written at once; under load one round
 * trip carries many. Normally events are emitted after the commit, in the order the checks were
 * recorded, so a client hears of a state the database holds.
 *
 * When the database is slow or away, checking must not wait for it: a batch not committed within
 * `publishAfterMs`, or failed, has its events published at once, and so does every result queued
 * until the queue has caught up. Results wait in memory, in order, and are written once the
 * database answers again (a retried batch never writes a row twice). The queue is bounded: past
 * `queueLimit` the oldest plain result (no status change, no incident opened or resolved) of an
 * endpoint that has a newer result waiting is dropped and counted; state transitions and incident
 * changes are never dropped.
 */
export class ResultWriter {
  private queue: PendingWrite[] = [];
  private inFlight: PendingWrite[] = [];
  private readonly pendingByEndpoint = new Map<string, number>();
  private flushing: Promise<void> | null = null;
  private retryDelayMs = 0;
  /** Set while the database is slow or away: events go out as results are recorded. */
  private publishEarly = false;
  private failingSince: number | null = null;
  private sealed = false;
  private readonly queueLimit: number;
  readonly stats: WriterStats = {
    batches: 0,
    written: 0,
    retries: 0,
    lastBatchSize: 0,
    dropped: 0,
    publishedBeforeWrite: 0,
    lastWriteAt: null,
    lastFailureAt: null,
    lastError: null,
  };

  constructor(private readonly options: ResultWriterOptions) {
    this.queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  }

  /** Whether results are accepted (false once shutdown gave up on the checks still running). */
  get accepting(): boolean {
    return !this.sealed;
  }

  enqueue(write: PendingWrite): void {
    if (this.sealed) return write.settle(null);
    this.queue.push(write);
    const id = write.check.endpointId;
    this.pendingByEndpoint.set(id, (this.pendingByEndpoint.get(id) ?? 0) + 1);
    if (this.publishEarly) this.publishNow(write);
    if (this.queue.length + this.inFlight.length > this.queueLimit) this.dropOnePlain();
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  /** Whether a result of this endpoint waits to be written. */
  hasPending(endpointId: string): boolean {
    return (this.pendingByEndpoint.get(endpointId) ?? 0) > 0;
  }

  get pending(): number {
    return this.queue.length + this.inFlight.length;
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
    const deadline = Date.now() + timeoutMs;
    while (this.flushing) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.flushing.then(() => false),
        Number.isFinite(left) ? new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), left))) : new Promise<boolean>(() => {}),
      ]);
      clearTimeout(timer);
      if (timedOut) return false;
    }
    return true;
  }

  /** Accepts no more results (shutdown): checks still running are abandoned, not recorded. */
  seal(): void {
    this.sealed = true;
  }

  private async flushLoop(): Promise<void> {
    // Let the checks that finish in the same turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let quickRetries = 0;
    try {
      while (this.queue.length > 0) {
        this.inFlight = this.queue.splice(0, this.options.batchSize);
        const batch = this.inFlight;
        // Clients must not wait for a slow database to hear what happened.
        const slow = setTimeout(() => this.startPublishingEarly(), this.options.publishAfterMs ?? 750);
        try {
          await this.writeWithin(batch);
          clearTimeout(slow);
          this.inFlight = [];
          this.retryDelayMs = 0;
          quickRetries = 0;
          this.stats.lastWriteAt = Date.now();
          this.settleWritten(batch);
          if (this.queue.length === 0) this.caughtUp();
        } catch (error) {
          clearTimeout(slow);
          this.stats.retries++;
          // Back at the front, in order, for the next attempt.
          this.queue = batch.concat(this.queue);
          this.inFlight = [];
          // An endpoint deleted while its result was in flight: the retry leaves that result out.
          if (isForeignKeyViolation(error) && quickRetries++ < 3) continue;
          this.stats.lastFailureAt = Date.now();
          this.stats.lastError = describeError(error);
          this.failingSince ??= Date.now();
          this.startPublishingEarly();
          this.retryDelayMs = Math.min(5000, this.retryDelayMs ? this.retryDelayMs * 2 : 100);
          this.options.onFailure?.({ error, databaseAway: databaseFault(error) !== null, waiting: this.pending, retryInMs: this.retryDelayMs });
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async writeWithin(batch: PendingWrite[]): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.writeBatch(batch),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`writing check results took longer than ${timeoutMs} ms`), { code: 'STATEMENT_TIMEOUT' })), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private startPublishingEarly(): void {
    if (this.publishEarly) return;
    this.publishEarly = true;
    for (const write of this.inFlight) this.publishNow(write);
    for (const write of this.queue) this.publishNow(write);
  }

  private caughtUp(): void {
    this.publishEarly = false;
    if (this.failingSince !== null) {
      const downForMs = Date.now() - this.failingSince;
      this.failingSince = null;
      this.options.onRecovered?.({ written: this.stats.written, downForMs });
    }
  }

  /**
   * Makes room for one result: the oldest one that carries nothing but itself (no status change,
   * no incident opened or resolved) and whose endpoint has a newer result waiting, so the
   * endpoint's stored state and incident counts still end up right.
   */
  private dropOnePlain(): void {
    // Per endpoint, how many of its pending results are older than the one looked at: the batch in
    // flight first, then those passed over in the queue.
    const older = new Map<string, number>();
    for (const write of this.inFlight) older.set(write.check.endpointId, (older.get(write.check.endpointId) ?? 0) + 1);
    for (let i = 0; i < this.queue.length; i++) {
      const write = this.queue[i]!;
      const id = write.check.endpointId;
      const olderCount = older.get(id) ?? 0;
      older.set(id, olderCount + 1);
      if (!isPlain(write)) continue;
      const newer = (this.pendingByEndpoint.get(id) ?? 0) - olderCount - 1;
      if (newer > 0) {
        this.queue.splice(i, 1);
        this.forget(write);
        this.publishNow(write);
        this.stats.dropped++;
        return;
      }
    }
  }

  private publishNow(write: PendingWrite): void {
    if (write.published) return;
    write.published = true;
    if (!this.options.registry.has(write.check.endpointId)) return write.settle(null);
    this.stats.publishedBeforeWrite++;
    for (const [name, data] of write.events) this.options.bus.emit(name, data as never);
    write.settle(write.check);
  }

  private settleWritten(batch: PendingWrite[]): void {
    for (const write of batch) {
      this.forget(write);
      if (write.published) continue;
      write.published = true;
      if (!this.options.registry.has(write.check.endpointId)) {
        write.settle(null);
        continue;
      }
      for (const [name, data] of write.events) this.options.bus.emit(name, data as never);
      write.settle(write.check);
    }
  }

  private forget(write: PendingWrite): void {
    const id = write.check.endpointId;
    const left = (this.pendingByEndpoint.get(id) ?? 1) - 1;
    if (left > 0) this.pendingByEndpoint.set(id, left);
    else this.pendingByEndpoint.delete(id);
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    const { db, registry } = this.options;
    // Results of endpoints deleted meanwhile are dropped, not written (their rows are gone).
    const live = batch.filter((w) => registry.has(w.check.endpointId));
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
      await db.execute(checksAndEndpoints);
    } else await db.transaction(async (tx) => {
      await tx.execute(checksAndEndpoints);
      // Resolutions first, so that an incident opened in this batch never meets the old open one.
      if (changedIncidents.length > 0) {
        const rows = changedIncidents.map(
          (i) => sql`(${i.id}::uuid, ${i.failureCount}::int, ${i.resolvedAt?.toISOString() ?? null}::timestamptz)`,
        );
        await tx.execute(sql`
          update incidents as i set failure_count = greatest(i.failure_count, v.failure_count), resolved_at = coalesce(i.resolved_at, v.resolved_at)
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
        const notInserted = newIncidents.filter((i) => !insertedIds.has(i.id));
        if (notInserted.length > 0) {
          // An earlier attempt whose answer was lost may have committed them already: those are ours.
          const ours = await tx.select({ id: incidents.id }).from(incidents).where(inArray(incidents.id, notInserted.map((i) => i.id)));
          const oursIds = new Set(ours.map((r) => r.id));
          conflicts = notInserted.filter((i) => !oursIds.has(i.id)).map((i) => i.endpointId);
        }
      }
    });
    this.stats.batches++;
    this.stats.written += live.length;
    this.stats.lastBatchSize = live.length;
    // Another writer holds the open incident of these endpoints: adopt it rather than report a second.
    for (const endpointId of conflicts) {
      await registry.reloadOpenIncident(db, endpointId);
      for (const w of live) {
        if (w.check.endpointId === endpointId) w.events = w.events.filter(([name]) => name !== 'incident:started');
      }
    }
  }
}

/** Nothing but a check result: no status change, no incident opened or resolved. */
function isPlain(write: PendingWrite): boolean {
  return write.events.length === 1 && (write.incident === null || write.incident.kind === 'continued');
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
      on conflict (id) do nothing
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
