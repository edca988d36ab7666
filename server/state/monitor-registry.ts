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
  /** push: the last ping seen here or stored (see `notePing`). */
  readonly lastPingAt?: Date | null;
  /** When the definition last changed (a push endpoint's clock starts again then). */
  readonly updatedAt?: Date;
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
  /**
   * Endpoints removed here, with the generation of their removal (Infinity while their delete is
   * not committed): a read of the database begun before that must not bring them back.
   */
  private readonly removals = new Map<string, number>();
  private generation = 0;
  /** Counts changes of the definitions held (for indexes built from them, such as push tokens). */
  private changes = 0;
  /** The generation at which each read of the database still in flight began. */
  private readonly readsSince: number[] = [];

  /** The one way an endpoint's live state changes (a check's transition, an incident adopted, the stored state reloaded). */
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
    const definitionsBefore = this.definitionsOf(ids);
    const writingBefore = new Set(ids.filter(keepState));
    const since = this.beginRead();
    let rows: EndpointRow[];
    let open: IncidentRow[];
    try {
      const stored = await readStoredMonitors(db, ids);
      rows = stored.rows.filter((row) => !this.removedAfter(row.id, since));
      open = stored.open;
    } finally {
      this.endRead(since);
    }
    const { settled, changedHere } = this.splitByDefinitionChange(rows, definitionsBefore);
    const newerHere = (id: string) => {
      const current = this.byId.get(id);
      return current !== undefined && (current.state !== statesBefore.get(id) || writingBefore.has(id) || keepState(id));
    };
    const olderHere = settled.filter((row) => !newerHere(row.id));
    this.put(olderHere, open);
    for (const row of settled) if (newerHere(row.id)) this.updateDefinition(row);
    const again = await this.reload(db, changedHere, keepState);
    return [...settled.map((r) => r.id), ...again];
  }

  /**
   * Re-reads the definitions of some endpoints (changed by another instance); endpoints already
   * here keep their live state, new ones get the stored one. Returns the ids still there.
   */
  async reloadDefinitions(db: Database, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const definitionsBefore = this.definitionsOf(ids);
    const { settled, changedHere } = this.splitByDefinitionChange(await readEndpointRows(db, ids), definitionsBefore);
    const fresh = settled.filter((row) => !this.byId.has(row.id));
    for (const row of settled) if (this.byId.has(row.id)) this.updateDefinition(row);
    const freshIds = fresh.map((r) => r.id);
    if (freshIds.length > 0) await this.reload(db, freshIds);
    const again = await this.reloadDefinitions(db, changedHere);
    return [...settled.map((r) => r.id), ...again];
  }

  private definitionsOf(ids: string[]): Map<string, EndpointDefinition | undefined> {
    return new Map(ids.map((id) => [id, this.byId.get(id)?.definition]));
  }

  /**
   * A definition changed here while the rows were read (a local update, committed before it was
   * applied here) may be newer than the row read: those endpoints are read again, by a read that
   * begins after the change and so sees it or something newer.
   */
  private splitByDefinitionChange(
    rows: EndpointRow[],
    definitionsBefore: Map<string, EndpointDefinition | undefined>,
  ): { settled: EndpointRow[]; changedHere: string[] } {
    const settled: EndpointRow[] = [];
    const changedHere: string[] = [];
    for (const row of rows) {
      if (this.byId.get(row.id)?.definition === definitionsBefore.get(row.id)) settled.push(row);
      else changedHere.push(row.id);
    }
    return { settled, changedHere };
  }

  /** Takes endpoints as stored: new ones are added, those here take the stored state (through `apply`). */
  private put(rows: EndpointRow[], open: IncidentRow[]): void {
    this.changes++;
    const openByEndpoint = new Map(open.map((i) => [i.endpointId, i]));
    for (const row of rows) {
      const stored = storedStateOf(row, openByEndpoint.get(row.id));
      const entry = this.byId.get(row.id);
      if (!entry) {
        this.byId.set(row.id, { id: row.id, ...rowFields(row), lastCheckedAt: row.lastCheckedAt, state: stored });
        continue;
      }
      Object.assign(entry, rowFields(row, entry.lastPingAt));
      entry.lastCheckedAt = row.lastCheckedAt;
      this.apply(row.id, stored);
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
    this.changes++;
    const entry: Entry = { id: row.id, ...rowFields(row), state: storedStateOf(row, undefined) };
    this.removals.delete(row.id);
    this.byId.set(row.id, entry);
    return entry;
  }

  /** A changed definition; the live state stays. */
  updateDefinition(row: EndpointRow): void {
    this.changes++;
    const entry = this.byId.get(row.id);
    if (entry) Object.assign(entry, rowFields(row, entry.lastPingAt));
    else this.add(row);
  }

  /** A push endpoint's ping, seen here (the newer of it and what is known stays). */
  notePing(id: string, at: Date): void {
    const entry = this.byId.get(id);
    if (entry && !(entry.lastPingAt && entry.lastPingAt >= at)) entry.lastPingAt = at;
  }

  /** Puts back an endpoint whose removal began just before (its delete failed). */
  restore(entry: MonitoredEndpoint): void {
    this.changes++;
    this.removals.delete(entry.id);
    this.byId.set(entry.id, entry as Entry);
  }

  /**
   * Forgets an endpoint whose row is about to be deleted: until `remove` (committed) or `restore`
   * (failed), no read of the database brings it back, though the read may still see its row.
   */
  beginRemoval(id: string): void {
    this.changes++;
    this.byId.delete(id);
    this.removals.set(id, Number.POSITIVE_INFINITY);
  }

  /** Forgets an endpoint whose row is deleted; reads begun before now cannot bring it back. */
  remove(id: string): void {
    this.changes++;
    this.byId.delete(id);
    if (this.readsSince.length === 0) this.removals.delete(id);
    else this.removals.set(id, ++this.generation);
  }

  values(): IterableIterator<MonitoredEndpoint> {
    return this.byId.values();
  }

  /** Changes whenever a definition is added, changed or removed. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.byId.size;
  }

  private beginRead(): number {
    this.readsSince.push(this.generation);
    return this.generation;
  }

  private endRead(since: number): void {
    this.readsSince.splice(this.readsSince.indexOf(since), 1);
    this.pruneRemovals();
  }

  private removedAfter(id: string, since: number): boolean {
    return (this.removals.get(id) ?? 0) > since;
  }

  /** A removal matters only to reads begun before it; removals still being deleted stay. */
  private pruneRemovals(): void {
    const oldestRead = this.readsSince.length > 0 ? Math.min(...this.readsSince) : this.generation;
    for (const [id, generation] of this.removals) if (generation <= oldestRead) this.removals.delete(id);
  }
}

/** What an entry takes from a stored row: its definition, when that changed, and the newer of the stored and known last ping. */
function rowFields(row: EndpointRow, knownPingAt?: Date | null): Pick<Entry, 'definition' | 'updatedAt' | 'lastPingAt'> {
  const lastPingAt = knownPingAt && (!row.lastPingAt || knownPingAt > row.lastPingAt) ? knownPingAt : row.lastPingAt;
  return { definition: definitionOf(row), updatedAt: row.updatedAt, lastPingAt };
}
