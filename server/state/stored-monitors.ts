import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { type EndpointRow, endpoints, type IncidentRow, incidents } from '../../db/schema/index.ts';
import type { EndpointDefinition, IncidentCause } from '../contract/types.ts';
import type { MonitorState, OpenIncident } from '../domain/monitor-state.ts';

/** The endpoint rows (all, or those of `ids`) and their open incidents, as stored. */
export interface StoredMonitors {
  rows: EndpointRow[];
  open: IncidentRow[];
}

export async function readStoredMonitors(db: Database, ids?: string[]): Promise<StoredMonitors> {
  if (!ids) {
    const rows = await db.select().from(endpoints);
    const open = await db.select().from(incidents).where(isNull(incidents.resolvedAt));
    return { rows, open };
  }
  const rows = await db.select().from(endpoints).where(inArray(endpoints.id, ids));
  const open = await db
    .select()
    .from(incidents)
    .where(and(inArray(incidents.endpointId, ids), isNull(incidents.resolvedAt)));
  return { rows, open };
}

export async function readEndpointRows(db: Database, ids: string[]): Promise<EndpointRow[]> {
  return db.select().from(endpoints).where(inArray(endpoints.id, ids));
}

/** The open incident of one endpoint as stored (another writer may have opened it). */
export async function readOpenIncident(db: Database, endpointId: string): Promise<OpenIncident | null> {
  const [incident] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.endpointId, endpointId), isNull(incidents.resolvedAt)));
  return incident ? openIncidentOf(incident) : null;
}

/** An endpoint's live state as stored: its row and its open incident, if any. */
export function storedStateOf(row: EndpointRow, incident: IncidentRow | undefined): MonitorState {
  return {
    status: row.status as MonitorState['status'],
    consecutiveFailures: row.consecutiveFailures,
    openIncident: incident ? openIncidentOf(incident) : null,
  };
}

function openIncidentOf(incident: IncidentRow): OpenIncident {
  return {
    id: incident.id,
    startedAt: incident.startedAt,
    failureCount: incident.failureCount,
    errorMessage: incident.errorMessage,
    causedBy: causeOf(incident),
  };
}

/** The cause an incident row keeps (null: none). */
export function causeOf(incident: IncidentRow): IncidentCause | null {
  if (incident.causedByEndpointId === null) return null;
  return { endpointId: incident.causedByEndpointId, endpointName: incident.causedByEndpointName ?? '', incidentId: incident.causedByIncidentId };
}

/** The definition as stored, secrets included: for checks and for writes, never for reads (see domain/secrets.ts). */
export function definitionOf(row: EndpointRow): EndpointDefinition {
  return {
    name: row.name,
    type: row.type as EndpointDefinition['type'],
    url: row.url,
    method: row.method as EndpointDefinition['method'],
    headers: row.headers,
    secretHeaders: row.secretHeaders,
    body: row.body,
    intervalSeconds: row.intervalSeconds,
    retryIntervalSeconds: row.retryIntervalSeconds,
    timeoutMs: row.timeoutMs,
    expectedStatusCodes: row.expectedStatusCodes,
    degradedThresholdMs: row.degradedThresholdMs,
    certificateWarningDays: row.certificateWarningDays,
    graceSeconds: row.graceSeconds,
    cron: row.cron,
    timezone: row.timezone,
    failureThreshold: row.failureThreshold,
    recoveryThreshold: row.recoveryThreshold,
    slaTarget: row.slaTarget,
    // jsonb keeps keys in its own order: the API shows them in the contract's.
    assertions: row.assertions.map(({ source, property, comparison, target, severity }) => ({ source, property, comparison, target, severity })),
    paused: row.paused,
    tags: row.tags,
    parentId: row.parentId,
  };
}
