import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { endpoints, incidents, type EndpointRow, type IncidentRow } from '../../db/schema/index.ts';
import type { EndpointDefinition } from '../contract/types.ts';
import type { MonitorState } from '../domain/monitor-state.ts';

/** An endpoint as the checking side of Vigil holds it in memory. */
export interface MonitoredEndpoint {
  id: string;
  definition: EndpointDefinition;
  state: MonitorState;
  /** As loaded at start, to keep each endpoint's rhythm across restarts. */
  lastCheckedAt?: Date | null;
}

/**
 * The definitions and live state of every endpoint this process checks. Loaded once at start, then
 * kept current by the endpoint services, so a check needs no database read and its state
 * transition is computed in order, one check at a time.
 */
export class MonitorRegistry {
  private readonly byId = new Map<string, MonitoredEndpoint>();

  async load(db: Database): Promise<void> {
    const rows = await db.select().from(endpoints);
    const open = await db.select().from(incidents).where(isNull(incidents.resolvedAt));
    this.byId.clear();
    this.put(rows, open);
  }

  /**
   * Re-reads definitions and state of some endpoints from the database (another instance checked
   * them until now). Returns the ids still there.
   */
  /** `keepState(id)`: a result of this endpoint is still being written here. */
  async reload(db: Database, ids: string[], keepState: (id: string) => boolean = () => false): Promise<string[]> {
    if (ids.length === 0) return [];
    // Our memory stays when it is newer than the rows: a check recorded while they were read, or
    // one still being written when the read began (its commit may land before or after the read).
    const statesBefore = new Map(ids.map((id) => [id, this.byId.get(id)?.state]));
    const writingBefore = new Set(ids.filter(keepState));
    const rows = await db.select().from(endpoints).where(inArray(endpoints.id, ids));
    const open = await db
      .select()
      .from(incidents)
      .where(and(inArray(incidents.endpointId, ids), isNull(incidents.resolvedAt)));
    const newerHere = (id: string) => {
      const current = this.byId.get(id);
      return current !== undefined && (current.state !== statesBefore.get(id) || writingBefore.has(id) || keepState(id));
    };
    this.put(rows.filter((row) => !newerHere(row.id)), open);
    for (const row of rows) if (newerHere(row.id)) this.updateDefinition(row);
    return rows.map((r) => r.id);
  }

  /**
   * Re-reads the definitions of some endpoints (changed by another instance); endpoints already
   * here keep their live state, new ones get the stored one. Returns the ids still there.
   */
  async reloadDefinitions(db: Database, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db.select().from(endpoints).where(inArray(endpoints.id, ids));
    const fresh = rows.filter((row) => !this.byId.has(row.id));
    for (const row of rows) if (this.byId.has(row.id)) this.updateDefinition(row);
    if (fresh.length > 0) await this.reload(db, fresh.map((r) => r.id));
    return rows.map((r) => r.id);
  }

  private put(rows: EndpointRow[], open: IncidentRow[]): void {
    const openByEndpoint = new Map(open.map((i) => [i.endpointId, i]));
    for (const row of rows) {
      const incident = openByEndpoint.get(row.id);
      this.byId.set(row.id, {
        id: row.id,
        definition: definitionOf(row),
        lastCheckedAt: row.lastCheckedAt,
        state: {
          status: row.status as MonitorState['status'],
          consecutiveFailures: row.consecutiveFailures,
          openIncident: incident
            ? {
                id: incident.id,
                startedAt: incident.startedAt,
                failureCount: incident.failureCount,
                errorMessage: incident.errorMessage,
              }
            : null,
        },
      });
    }
  }

  /** Re-reads the open incident of one endpoint (after another writer got there first). */
  async reloadOpenIncident(db: Database, endpointId: string): Promise<void> {
    const entry = this.byId.get(endpointId);
    if (!entry) return;
    const [incident] = await db
      .select()
      .from(incidents)
      .where(and(eq(incidents.endpointId, endpointId), isNull(incidents.resolvedAt)));
    entry.state.openIncident = incident
      ? { id: incident.id, startedAt: incident.startedAt, failureCount: incident.failureCount, errorMessage: incident.errorMessage }
      : null;
  }

  get(id: string): MonitoredEndpoint | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(row: EndpointRow): MonitoredEndpoint {
    const entry: MonitoredEndpoint = {
      id: row.id,
      definition: definitionOf(row),
      state: { status: row.status as MonitorState['status'], consecutiveFailures: row.consecutiveFailures, openIncident: null },
    };
    this.byId.set(row.id, entry);
    return entry;
  }

  updateDefinition(row: EndpointRow): void {
    const entry = this.byId.get(row.id);
    if (entry) entry.definition = definitionOf(row);
    else this.add(row);
  }

  restore(entry: MonitoredEndpoint): void {
    this.byId.set(entry.id, entry);
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  values(): IterableIterator<MonitoredEndpoint> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

/** The definition as stored, secrets included: for checks and for writes, never for reads (see domain/secrets.ts). */
export function definitionOf(row: EndpointRow): EndpointDefinition {
  return {
    name: row.name,
    url: row.url,
    method: row.method as EndpointDefinition['method'],
    headers: row.headers,
    secretHeaders: row.secretHeaders,
    body: row.body,
    intervalSeconds: row.intervalSeconds,
    timeoutMs: row.timeoutMs,
    expectedStatusCodes: row.expectedStatusCodes,
    degradedThresholdMs: row.degradedThresholdMs,
    failureThreshold: row.failureThreshold,
    paused: row.paused,
    tags: row.tags,
  };
}
