import type { Database } from '../../db/client.ts';
import type { EndpointRow, IncidentRow } from '../../db/schema/index.ts';
import type { EndpointDefinition } from '../contract/types.ts';
import type { MonitorState } from '../domain/monitor-state.ts';
import { definitionOf, readEndpointRows, readStoredMonitors, storedStateOf } from './stored-monitors.ts';

/** An endpoint as the checking side of Vigil holds it in memory. Read-only: its state changes only through `MonitorRegistry.apply`. */
export interface MonitoredEndpoint {
  readonly id: string;
  readonly definition: EndpointDefinition;
  readonly state: MonitorState;
  /** As loaded at start, to keep each endpoint's rhythm across restarts. */
  readonly lastCheckedAt?: Date | null;
}

type Entry = { -readonly [K in keyof MonitoredEndpoint]: MonitoredEndpoint[K] };

/**
 * The definitions and live state of every endpoint this process checks. Loaded once at start, then
 * kept current by the endpoint services, so a check needs no database read and its state
 * transition is computed in order, one check at a time.
 *
 * A live state changes in one way only, `apply`, with a new state object: a state that is not the
 * object seen before a read of the database is newer than what the read returns (see `reload`).
 */
export class MonitorRegistry {
  private readonly byId = new Map<string, Entry>();

  /** The one way an endpoint's live state changes (a check's transition, an incident adopted). */
  apply(id: string, next: MonitorState): void {
    const entry = this.byId.get(id);
    if (entry) entry.state = next;
  }

  async load(db: Database): Promise<void> {
    const { rows, open } = await readStoredMonitors(db);
    this.byId.clear();
    this.put(rows, open);
  }

  /**
   * Re-reads definitions and state of some endpoints from the database (another instance checked
   * them until now). Returns the ids still there.
   * `keepState(id)`: a result of this endpoint is still being written here.
   */
  async reload(db: Database, ids: string[], keepState: (id: string) => boolean = () => false): Promise<string[]> {
    if (ids.length === 0) return [];
    // Our memory stays when it is newer than the rows: a check recorded while they were read, or
    // one still being written when the read began (its commit may land before or after the read).
    const statesBefore = new Map(ids.map((id) => [id, this.byId.get(id)?.state]));
    const writingBefore = new Set(ids.filter(keepState));
    const { rows, open } = await readStoredMonitors(db, ids);
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
    const rows = await readEndpointRows(db, ids);
    const fresh = rows.filter((row) => !this.byId.has(row.id));
    for (const row of rows) if (this.byId.has(row.id)) this.updateDefinition(row);
    if (fresh.length > 0) await this.reload(db, fresh.map((r) => r.id));
    return rows.map((r) => r.id);
  }

  private put(rows: EndpointRow[], open: IncidentRow[]): void {
    const openByEndpoint = new Map(open.map((i) => [i.endpointId, i]));
    for (const row of rows) {
      this.byId.set(row.id, {
        id: row.id,
        definition: definitionOf(row),
        lastCheckedAt: row.lastCheckedAt,
        state: storedStateOf(row, openByEndpoint.get(row.id)),
      });
    }
  }

  get(id: string): MonitoredEndpoint | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A new endpoint (no incident yet). */
  add(row: EndpointRow): MonitoredEndpoint {
    const entry: Entry = { id: row.id, definition: definitionOf(row), state: storedStateOf(row, undefined) };
    this.byId.set(row.id, entry);
    return entry;
  }

  /** A changed definition; the live state stays. */
  updateDefinition(row: EndpointRow): void {
    const entry = this.byId.get(row.id);
    if (entry) entry.definition = definitionOf(row);
    else this.add(row);
  }

  /** Puts back an endpoint `remove`d just before (its delete failed). */
  restore(entry: MonitoredEndpoint): void {
    this.byId.set(entry.id, entry as Entry);
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
