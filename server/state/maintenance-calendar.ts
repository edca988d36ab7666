import { asc } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { maintenanceWindows, type MaintenanceWindowRow } from '../../db/schema/index.ts';
import type { EndpointDefinition, EndpointMaintenance, MaintenanceWindow, MaintenanceWindowDefinition } from '../contract/types.ts';
import { type Period, type WindowTiming, windowStateAt } from '../domain/maintenance-schedule.ts';

/** What decides whether a window covers an endpoint. */
export interface CoverableEndpoint {
  readonly id: string;
  readonly definition: Pick<EndpointDefinition, 'tags' | 'paused' | 'name'>;
}

export interface HeldWindow {
  readonly id: string;
  readonly definition: MaintenanceWindowDefinition;
  readonly timing: WindowTiming;
  readonly endpointIds: ReadonlySet<string>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Covering {
  window: HeldWindow;
  period: Period;
}

interface KnownState {
  of: HeldWindow;
  from: number;
  /** The state holds before this time (Infinity: forever). */
  until: number;
  current: Period | null;
  next: Period | null;
}

/**
 * Every maintenance window, in memory on every instance: whether an endpoint is in maintenance is
 * asked at each check and each read, and must be answered while the database is away. Each
 * window's state (current and next period) is kept until it changes, so a question costs a few
 * comparisons rather than a cron computation.
 */
export class MaintenanceCalendar {
  private readonly byId = new Map<string, HeldWindow>();
  private readonly states = new Map<string, KnownState>();
  /** Counts changes made here, so that a read of the table begun before one does not undo it. */
  private changes = 0;

  async load(db: Database): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = this.changes;
      const rows = await db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.createdAt), asc(maintenanceWindows.id));
      if (this.changes !== before) continue;
      this.byId.clear();
      this.states.clear();
      for (const row of rows) this.byId.set(row.id, heldOf(row));
      this.changes++;
      return;
    }
  }

  /** A window created or changed here (its row is committed). */
  put(row: MaintenanceWindowRow): HeldWindow {
    const held = heldOf(row);
    this.byId.set(row.id, held);
    this.states.delete(row.id);
    this.changes++;
    return held;
  }

  remove(id: string): void {
    this.byId.delete(id);
    this.states.delete(id);
    this.changes++;
  }

  /** An endpoint deleted: no window names it any more. */
  forgetEndpoint(endpointId: string): void {
    for (const [id, held] of this.byId) {
      if (!held.endpointIds.has(endpointId)) continue;
      const endpointIds = held.definition.endpointIds.filter((e) => e !== endpointId);
      this.byId.set(id, { ...held, definition: { ...held.definition, endpointIds }, endpointIds: new Set(endpointIds) });
    }
  }

  get(id: string): HeldWindow | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<HeldWindow> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /** The window's current and next period at `at`. */
  stateAt(window: HeldWindow, at: Date): { current: Period | null; next: Period | null } {
    const t = at.getTime();
    let known = this.states.get(window.id);
    if (!known || known.of !== window || t < known.from || t >= known.until) {
      const state = windowStateAt(window.timing, at);
      known = { of: window, from: t, until: state.until?.getTime() ?? Number.POSITIVE_INFINITY, current: state.current, next: state.next };
      // Only the window held now is remembered (one read from elsewhere is not).
      if (this.byId.get(window.id) === window) this.states.set(window.id, known);
    }
    return known;
  }

  /**
   * The window that puts an endpoint in maintenance at `at`, or null. A paused endpoint is in none.
   * With several, `prefer` keeps the one already shown; otherwise the one ending last.
   */
  coveringAt(endpoint: CoverableEndpoint, at: Date, prefer?: string): Covering | null {
    if (endpoint.definition.paused || this.byId.size === 0) return null;
    let best: Covering | null = null;
    for (const window of this.byId.values()) {
      if (!covers(window, endpoint)) continue;
      const { current } = this.stateAt(window, at);
      if (!current) continue;
      if (window.id === prefer) return { window, period: current };
      if (!best || current.endsAt > best.period.endsAt) best = { window, period: current };
    }
    return best;
  }

  /** The ids of the endpoints in maintenance at `at`. */
  coveredIds(endpoints: Iterable<CoverableEndpoint>, at: Date): string[] {
    if (this.byId.size === 0) return [];
    const ids: string[] = [];
    for (const endpoint of endpoints) if (this.coveringAt(endpoint, at)) ids.push(endpoint.id);
    return ids;
  }

  /** The next time any window starts or ends a period after `at` (null: none ever will). */
  nextChangeAfter(at: Date): Date | null {
    let next = Number.POSITIVE_INFINITY;
    for (const window of this.byId.values()) {
      this.stateAt(window, at);
      next = Math.min(next, this.states.get(window.id)?.until ?? Number.POSITIVE_INFINITY);
    }
    return Number.isFinite(next) ? new Date(next) : null;
  }

  /** What an Endpoint shows of its maintenance at `at`. */
  endpointMaintenanceAt(endpoint: CoverableEndpoint, at: Date): EndpointMaintenance | null {
    const covering = this.coveringAt(endpoint, at);
    return covering && { windowId: covering.window.id, windowName: covering.window.definition.name, endsAt: covering.period.endsAt.toISOString() };
  }

  /** The public resource of a window, as it is at `at`. */
  toWindow(window: HeldWindow, at: Date): MaintenanceWindow {
    const { current, next } = this.stateAt(window, at);
    return {
      id: window.id,
      ...window.definition,
      active: current !== null,
      currentPeriod: current && { startsAt: current.startsAt.toISOString(), endsAt: current.endsAt.toISOString() },
      nextPeriod: next && { startsAt: next.startsAt.toISOString(), endsAt: next.endsAt.toISOString() },
      createdAt: window.createdAt.toISOString(),
      updatedAt: window.updatedAt.toISOString(),
    };
  }
}

/** Whether the window covers the endpoint (at some time: its periods aside). */
export function covers(window: HeldWindow, endpoint: CoverableEndpoint): boolean {
  const { definition } = window;
  return definition.allEndpoints || window.endpointIds.has(endpoint.id) || definition.tags.some((tag) => endpoint.definition.tags.includes(tag));
}

export function windowDefinitionOf(row: MaintenanceWindowRow): MaintenanceWindowDefinition {
  return {
    name: row.name,
    description: row.description,
    kind: row.kind as MaintenanceWindowDefinition['kind'],
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    cron: row.cron,
    durationMinutes: row.durationMinutes,
    timezone: row.timezone,
    allEndpoints: row.allEndpoints,
    endpointIds: row.endpointIds,
    tags: row.tags,
  };
}

export function heldOf(row: MaintenanceWindowRow): HeldWindow {
  const definition = windowDefinitionOf(row);
  return {
    id: row.id,
    definition,
    timing: {
      kind: definition.kind,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      cron: row.cron,
      durationMinutes: row.durationMinutes,
      timezone: row.timezone,
    },
    endpointIds: new Set(row.endpointIds),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
