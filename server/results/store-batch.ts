import { inArray, sql, type SQL } from 'drizzle-orm';
import { type Database, rowsOf } from '../../db/client.ts';
import { pgArray } from '../../db/pg-array.ts';
import { incidents } from '../../db/schema/index.ts';
import type { IncidentCause } from '../contract/types.ts';
import { insertEntriesStatement } from '../notifications/outbox-store.ts';
import type { PendingWrite } from './pending-write.ts';

/** What a batch does to one incident: its changes in the batch merged into one row write. */
export interface IncidentWrite {
  id: string;
  endpointId: string;
  isNew: boolean;
  startedAt: Date | null;
  failureCount: number;
  errorMessage: string | null;
  resolvedAt: Date | null;
  causedBy: IncidentCause | null;
}

/**
 * Stores a batch of results (of endpoints still here) in one round trip when no incident changes,
 * in one transaction when some do. Written again after a lost answer, it writes no row twice.
 * Returns the endpoints whose new incident lost to another writer's open one (the race is settled
 * in adopt-incident.ts).
 */
export async function storeBatch(db: Database, live: PendingWrite[], outboxClaimant = 'embedded'): Promise<string[]> {
  const latestByEndpoint = new Map<string, PendingWrite>();
  for (const w of live) latestByEndpoint.set(w.check.endpointId, w);
  const writes = incidentWrites(live);
  const newIncidents = writes.filter((i) => i.isNew);
  const changedIncidents = writes.filter((i) => !i.isNew);

  let conflicts: string[] = [];
  const checksAndEndpoints = checksAndEndpointsStatement(live, [...latestByEndpoint.values()]);
  const notifications = live.flatMap((w) => w.notifications ?? []);
  if (writes.length === 0 && notifications.length === 0) {
    // The common case: one statement (atomic by itself), no BEGIN/COMMIT round trips.
    await db.execute(checksAndEndpoints);
    return conflicts;
  }
  await db.transaction(async (tx) => {
    await tx.execute(checksAndEndpoints);
    if (notifications.length > 0) {
      // The outbox rows commit with the state change that caused them: no notification is lost, none is made up.
      const inserted = new Set(rowsOf<{ id: string }>(await tx.execute(insertEntriesStatement(notifications, outboxClaimant))).map((r) => r.id));
      // A notification keyed by what it says (a certificate's threshold) made again after a restart: the first one stands.
      for (const e of notifications) if (e.keyed && !inserted.has(e.id)) e.duplicate = true;
    }
    // Resolutions first, so that an incident opened in this batch never meets the old open one.
    if (changedIncidents.length > 0) {
      const rows = changedIncidents.map((i) => sql`(${i.id}::uuid, ${i.failureCount}::int, ${i.resolvedAt?.toISOString() ?? null}::timestamptz)`);
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
            causedByEndpointId: i.causedBy?.endpointId ?? null,
            causedByEndpointName: i.causedBy?.endpointName ?? null,
            causedByIncidentId: i.causedBy?.incidentId ?? null,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: incidents.id });
      const insertedIds = new Set(inserted.map((r) => r.id));
      const notInserted = newIncidents.filter((i) => !insertedIds.has(i.id));
      if (notInserted.length > 0) {
        // An earlier attempt whose answer was lost may have committed them already: those are ours.
        const ours = await tx
          .select({ id: incidents.id })
          .from(incidents)
          .where(
            inArray(
              incidents.id,
              notInserted.map((i) => i.id),
            ),
          );
        const oursIds = new Set(ours.map((r) => r.id));
        conflicts = notInserted.filter((i) => !oursIds.has(i.id)).map((i) => i.endpointId);
      }
    }
  });
  return conflicts;
}

/**
 * The incident rows a batch writes, one per incident: opened (with its latest count, resolved when
 * the same batch resolves it) or changed (the latest count, and the resolution if any).
 */
export function incidentWrites(batch: PendingWrite[]): IncidentWrite[] {
  const writes = new Map<string, IncidentWrite>();
  for (const w of batch) if (w.incident) mergeIncident(writes, w.check.endpointId, w.incident);
  return [...writes.values()];
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
      causedBy: change.causedBy ?? null,
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
    causedBy: null,
  };
  write.failureCount = change.failureCount;
  if (change.kind === 'resolved') write.resolvedAt = change.resolvedAt;
  writes.set(change.id, write);
}

/**
 * Inserts the batch's checks and updates each endpoint's current state in ONE statement whatever
 * the batch size: every column travels as one array parameter, unnested by the database.
 */
function checksAndEndpointsStatement(checks: PendingWrite[], latest: PendingWrite[]): SQL {
  const column = (rows: PendingWrite[], pick: (w: PendingWrite) => string | number | null) => pgArray(rows.map(pick));
  const pings = lastPings(checks);
  return sql`
    with inserted as (
      insert into check_results (id, endpoint_id, status, response_time, status_code, error_message, failed_assertions, body_excerpt, certificate, maintenance, checked_at)
      select id, endpoint_id, status, response_time, status_code, error_message, failed_assertions::jsonb, body_excerpt, certificate::jsonb, maintenance, checked_at from unnest(
        ${column(checks, (w) => w.check.id)}::uuid[], ${column(checks, (w) => w.check.endpointId)}::uuid[],
        ${column(checks, (w) => w.check.status)}::text[], ${column(checks, (w) => w.check.responseTime)}::int[],
        ${column(checks, (w) => w.check.statusCode)}::int[], ${column(checks, (w) => w.check.errorMessage)}::text[],
        ${column(checks, (w) => (w.check.failedAssertions.length > 0 ? JSON.stringify(w.check.failedAssertions) : null))}::text[],
        ${column(checks, (w) => w.check.bodyExcerpt)}::text[],
        ${column(checks, (w) => (w.check.certificate ? JSON.stringify(w.check.certificate) : null))}::text[],
        ${column(checks, (w) => (w.check.maintenance ? 't' : 'f'))}::boolean[], ${column(checks, (w) => w.check.checkedAt)}::timestamptz[])
        as v(id, endpoint_id, status, response_time, status_code, error_message, failed_assertions, body_excerpt, certificate, maintenance, checked_at)
      on conflict (id) do nothing
    )
    update endpoints as e set
      status = v.status, last_checked_at = v.checked_at, last_response_time = v.response_time,
      last_status_code = v.status_code, last_error_message = v.error_message,
      consecutive_failures = v.consecutive_failures,
      certificate_expires_at = coalesce(v.certificate_expires_at, e.certificate_expires_at),
      last_ping_at = greatest(v.last_ping_at, e.last_ping_at)
    from unnest(
      ${column(latest, (w) => w.check.endpointId)}::uuid[], ${column(latest, (w) => w.check.status)}::text[],
      ${column(latest, (w) => w.check.checkedAt)}::timestamptz[], ${column(latest, (w) => w.check.responseTime)}::int[],
      ${column(latest, (w) => w.check.statusCode)}::int[], ${column(latest, (w) => w.check.errorMessage)}::text[],
      ${column(latest, (w) => w.consecutiveFailures)}::int[], ${column(latest, (w) => w.certificateExpiresAt)}::timestamptz[],
      ${column(latest, (w) => pings.get(w.check.endpointId) ?? null)}::timestamptz[])
      as v(id, status, checked_at, response_time, status_code, error_message, consecutive_failures, certificate_expires_at, last_ping_at)
    where e.id = v.id`;
}

/** The newest ping of each endpoint among a batch's checks (an endpoint's latest check may be a missed deadline after it). */
function lastPings(batch: PendingWrite[]): Map<string, string> {
  const newest = new Map<string, string>();
  for (const w of batch) {
    if (!w.pingAt) continue;
    const known = newest.get(w.check.endpointId);
    if (known === undefined || w.pingAt > known) newest.set(w.check.endpointId, w.pingAt);
  }
  return newest;
}
