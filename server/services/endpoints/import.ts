import { randomUUID } from 'node:crypto';
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { endpoints, type EndpointRow } from '../../../db/schema/index.ts';
import type { EndpointDefinition, ImportResult } from '../../contract/types.ts';
import {
  countActions,
  parseImportDocument,
  parseImportQuery,
  planImport,
  type ImportOptions,
  type PlannedStep,
  type StoredDefinition,
} from '../../domain/endpoint-transfer.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';
import { definitionOf } from '../../state/stored-monitors.ts';
import { endpointDeleted, followSchedule, forgetEndpoint, isFailing, rememberEndpoint } from './monitoring.ts';
import { assertPushTokensFree, assertTargetsAllowed } from './target-check.ts';
import { toEndpoint } from './to-endpoint.ts';
import { dropEndpointsFromWindows } from '../maintenance-windows/drop-endpoints.ts';
import { releaseChildren } from './release-children.ts';
import { parentErrors } from './parent-check.ts';
import { type AppliedWindowStep, announceWindowSteps, applyWindowSteps, planWindows } from '../maintenance-windows/import-windows.ts';
import type { WindowStep } from '../../domain/maintenance-transfer.ts';

/** Endpoints written per statement. */
const ROWS_PER_STATEMENT = 1000;
/** Serialises imports, so that two at once cannot both create the same name. */
const IMPORT_LOCK_KEY = 0x76696769; // "vigi"

/** A planned step once applied: the stored row of everything created or updated. */
type AppliedStep = PlannedStep & { id: string; row?: EndpointRow };

/**
 * Imports an export file (see domain/endpoint-transfer.ts for how entries match endpoints here):
 * 1. validates the whole file first: one bad field (or blocked target) anywhere and nothing is written;
 * 2. plans and writes every change in one transaction (with dryRun, only plans);
 * 3. after the commit, brings the registry and the schedule up to date and announces each change
 *    as the single-endpoint services do. New and resumed endpoints are checked at their own phase
 *    within their interval (at most a minute), so a large import is not one burst of checks.
 */
export async function importEndpoints(ctx: ServiceContext, input: unknown, rawQuery: Record<string, string>): Promise<ImportResult> {
  const options = parseImportQuery(rawQuery);
  const file = parseImportDocument(input);
  assertTargetsAllowed(
    ctx.targets,
    file.endpoints.map((entry, i) => ({ path: `endpoints.${i}.url`, url: entry.url })),
  );
  assertPushTokensFree(
    ctx.pushDirectory,
    file.endpoints.map((entry, i) => ({ path: `endpoints.${i}.url`, url: entry.url, id: entry.id })),
  );
  if (options.dryRun) {
    const stored = await storedDefinitions(ctx.db);
    const steps = planImport(stored, file.endpoints, options.mode);
    assertParentsValid(stored, steps);
    const windowSteps = file.maintenanceWindows ? await planWindows(ctx.db, file.maintenanceWindows, options.mode, endpointIdsAfter(stored, steps)) : [];
    return resultOf(steps, options, windowSteps);
  }

  const forgotten: (MonitoredEndpoint | undefined)[] = [];
  let applied: AppliedStep[];
  let appliedWindows: AppliedWindowStep[] = [];
  try {
    applied = await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`);
      const stored = await storedDefinitions(tx);
      const steps = planImport(stored, file.endpoints, options.mode);
      assertParentsValid(stored, steps);
      // As deleteEndpoint does: forget them first, so results in flight for them are dropped.
      for (const step of steps) if (step.action === 'deleted') forgotten.push(forgetEndpoint(ctx, step.id));
      const done = await applySteps(tx, steps);
      if (file.maintenanceWindows) {
        const ids = endpointIdsAfter(stored, done);
        appliedWindows = await applyWindowSteps(tx, await planWindows(tx, file.maintenanceWindows, options.mode, ids));
      }
      return done;
    });
  } catch (error) {
    for (const entry of forgotten) rememberEndpoint(ctx, entry);
    throw error;
  }

  for (const step of applied) {
    if (step.action === 'created') {
      ctx.registry.add(step.row!);
      followSchedule(ctx.placement, step.id, null, step.definition, 'spread');
      ctx.bus.emit('endpoint:created', toEndpoint(step.row!, ctx.calendar));
    } else if (step.action === 'updated') {
      ctx.registry.updateDefinition(step.row!);
      followSchedule(ctx.placement, step.id, step.before, step.definition, 'spread', isFailing(ctx.registry, step.id));
      ctx.bus.emit('endpoint:updated', toEndpoint(step.row!, ctx.calendar));
    } else if (step.action === 'deleted') {
      endpointDeleted(ctx, step.id);
      ctx.bus.emit('endpoint:deleted', { endpointId: step.id });
    }
  }
  await releaseChildren(
    ctx,
    applied.flatMap((s) => (s.action === 'deleted' ? [s.id] : [])),
  );
  announceWindowSteps(ctx, appliedWindows);
  return resultOf(applied, options, appliedWindows);
}

/** Every entry's parent must be an endpoint there will be, and no endpoint may end up depending on itself. */
function assertParentsValid(stored: StoredDefinition[], steps: PlannedStep[]): void {
  const parents = new Map<string, string | null>(stored.map((s) => [s.id, s.definition.parentId]));
  const names = new Map<string, string>(stored.map((s) => [s.id, s.definition.name]));
  const changed: { id: string; path: string }[] = [];
  for (const [i, step] of steps.entries()) {
    if (step.action === 'deleted') {
      parents.delete(step.id);
      continue;
    }
    const id = step.id ?? `entry ${i}`;
    parents.set(id, step.definition.parentId);
    names.set(id, step.definition.name);
    if (step.action !== 'unchanged') changed.push({ id, path: `endpoints.${i}.parentId` });
  }
  const errors = parentErrors(parents, changed, (id) => names.get(id));
  if (errors.length > 0) throw new ValidationError(errors);
}

/** The endpoints there would be after the planned steps: those stored and not deleted, and those the file names by id. */
function endpointIdsAfter(stored: StoredDefinition[], steps: PlannedStep[]): Set<string> {
  const ids = new Set(stored.map((s) => s.id));
  for (const step of steps) {
    if (step.action === 'deleted') ids.delete(step.id);
    else if (step.id !== undefined) ids.add(step.id);
  }
  return ids;
}

async function storedDefinitions(db: Database): Promise<StoredDefinition[]> {
  const rows = await db.select().from(endpoints);
  return rows.map((row) => ({ id: row.id, definition: definitionOf(row) }));
}

async function applySteps(tx: Database, steps: PlannedStep[]): Promise<AppliedStep[]> {
  const now = Date.now();
  const creates = steps.filter((s) => s.action === 'created');
  // One millisecond apart, ending now: the list keeps the file's order (it sorts by creation time).
  const newRows = creates.map((step, k) => ({
    id: step.id ?? randomUUID(),
    definition: step.definition,
    at: new Date(now - (creates.length - 1 - k)),
  }));
  const updates = steps.flatMap((s) => (s.action === 'updated' ? [{ id: s.id, definition: s.definition, at: new Date(now) }] : []));
  const stored = new Map<string, EndpointRow>();
  const storeRows = async (ids: string[]) => {
    for (const row of await tx.select().from(endpoints).where(inArray(endpoints.id, ids))) stored.set(row.id, row);
  };
  for (const chunk of chunks(newRows)) {
    await tx.execute(insertStatement(chunk));
    await storeRows(chunk.map((r) => r.id));
  }
  for (const chunk of chunks(updates)) {
    await tx.execute(updateStatement(chunk));
    await storeRows(chunk.map((r) => r.id));
    const gone = chunk.find((r) => !stored.has(r.id));
    if (gone) throw new ConflictError(`Endpoint ${gone.id} was deleted while the import ran; nothing was imported, try again.`);
  }
  // Parents last, once every row of the file exists (a parent may come later in the file).
  const parentWrites = [
    ...newRows.filter((r) => r.definition.parentId !== null).map((r) => ({ id: r.id, parentId: r.definition.parentId })),
    ...steps.flatMap((s) => (s.action === 'updated' && s.definition.parentId !== s.before.parentId ? [{ id: s.id, parentId: s.definition.parentId }] : [])),
  ];
  for (const chunk of chunks(parentWrites)) {
    await tx.execute(sql`
      update endpoints as e set parent_id = v.parent_id
      from jsonb_to_recordset(${JSON.stringify(chunk.map((w) => ({ id: w.id, parent_id: w.parentId })))}::jsonb) as v(id uuid, parent_id uuid)
      where e.id = v.id`);
    await storeRows(chunk.map((w) => w.id));
  }
  const deletions = steps.flatMap((s) => (s.action === 'deleted' ? [s.id] : []));
  for (const ids of chunks(deletions)) {
    await dropEndpointsFromWindows(tx, ids);
    await tx.delete(endpoints).where(inArray(endpoints.id, ids));
  }

  let created = 0;
  return steps.map((step) => {
    const id = step.action === 'created' ? newRows[created++]!.id : step.id;
    return { ...step, id, row: stored.get(id) };
  });
}

/** A definition to write, and when (createdAt for a new endpoint, updatedAt for a changed one). */
interface DefinitionWrite {
  id: string;
  definition: EndpointDefinition;
  at: Date;
}

// Many endpoints are written by one statement each way: the definitions travel as one JSON
// parameter that the database unpacks (per-row statements took 5 s to insert and 23 s to update
// 10,000 endpoints on PostgreSQL).

function insertStatement(writes: DefinitionWrite[]): SQL {
  return sql`
    insert into endpoints (id, name, type, url, method, headers, secret_headers, body, interval_seconds, retry_interval_seconds, timeout_ms, expected_status_codes,
      degraded_threshold_ms, certificate_warning_days, grace_seconds, cron, timezone, failure_threshold, recovery_threshold, sla_target, assertions, paused, tags, created_at, updated_at)
    select v.id, v.name, v.type, v.url, v.method, v.headers, ${textArray(sql`v.secret_headers`)}, v.body, v.interval_seconds, v.retry_interval_seconds, v.timeout_ms,
      ${textArray(sql`v.expected_status_codes`)}, v.degraded_threshold_ms, v.certificate_warning_days, v.grace_seconds, v.cron, v.timezone, v.failure_threshold, v.recovery_threshold, v.sla_target, v.assertions, v.paused,
      ${textArray(sql`v.tags`)}, v.at, v.at
    from ${recordset(writes)}`;
}

function updateStatement(writes: DefinitionWrite[]): SQL {
  return sql`
    update endpoints as e set
      name = v.name, type = v.type, url = v.url, method = v.method, headers = v.headers, secret_headers = ${textArray(sql`v.secret_headers`)}, body = v.body,
      interval_seconds = v.interval_seconds, retry_interval_seconds = v.retry_interval_seconds, timeout_ms = v.timeout_ms,
      expected_status_codes = ${textArray(sql`v.expected_status_codes`)},
      degraded_threshold_ms = v.degraded_threshold_ms, certificate_warning_days = v.certificate_warning_days, grace_seconds = v.grace_seconds, cron = v.cron, timezone = v.timezone, failure_threshold = v.failure_threshold, recovery_threshold = v.recovery_threshold, sla_target = v.sla_target,
      assertions = v.assertions, paused = v.paused,
      tags = ${textArray(sql`v.tags`)}, updated_at = v.at
    from ${recordset(writes)}
    where e.id = v.id`;
}

/** The writes as a table `v` with the endpoints table's column names. */
function recordset(writes: DefinitionWrite[]): SQL {
  const rows = writes.map(({ id, definition: d, at }) => ({
    id,
    name: d.name,
    type: d.type,
    url: d.url,
    method: d.method,
    headers: d.headers,
    secret_headers: d.secretHeaders,
    body: d.body,
    interval_seconds: d.intervalSeconds,
    retry_interval_seconds: d.retryIntervalSeconds,
    timeout_ms: d.timeoutMs,
    expected_status_codes: d.expectedStatusCodes,
    degraded_threshold_ms: d.degradedThresholdMs,
    certificate_warning_days: d.certificateWarningDays,
    grace_seconds: d.graceSeconds,
    cron: d.cron,
    timezone: d.timezone,
    failure_threshold: d.failureThreshold,
    recovery_threshold: d.recoveryThreshold,
    sla_target: d.slaTarget,
    assertions: d.assertions,
    paused: d.paused,
    tags: d.tags,
    at: at.toISOString(),
  }));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
      id uuid, name text, type text, url text, method text, headers jsonb, secret_headers jsonb, body text, interval_seconds int, retry_interval_seconds int, timeout_ms int,
      expected_status_codes jsonb, degraded_threshold_ms int, certificate_warning_days int, grace_seconds int, cron text, timezone text, failure_threshold int, recovery_threshold int, sla_target float8, assertions jsonb, paused boolean, tags jsonb,
      at timestamptz)`;
}

/** A JSON array of strings as text[], in its order. */
const textArray = (json: SQL) => sql`array(select t from jsonb_array_elements_text(${json}) with ordinality as x(t, i) order by i)`;

function resultOf(steps: (PlannedStep | AppliedStep)[], options: ImportOptions, windowSteps: WindowStep[]): ImportResult {
  return {
    mode: options.mode,
    dryRun: options.dryRun,
    ...countActions(steps),
    items: steps.map((s) => ({ id: s.id ?? null, name: s.definition.name, action: s.action })),
    maintenanceWindows: countActions(windowSteps),
  };
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) yield items.slice(i, i + ROWS_PER_STATEMENT);
}
