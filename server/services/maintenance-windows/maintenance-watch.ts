import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Placement } from '../../scheduler/placement.ts';
import type { MaintenanceCalendar } from '../../state/maintenance-calendar.ts';
import type { MonitoredEndpoint, MonitorRegistry } from '../../state/monitor-registry.ts';

/** What recording a check asks about maintenance. */
export interface MaintenanceView {
  /** Whether a check made at `at` falls in a window covering the endpoint (it then opens no incident, and uptime leaves it out). */
  inWindowAt(entry: MonitoredEndpoint, at: Date): boolean;
  /** Whether the endpoint is shown as MAINTENANCE now (its own status changes are then not announced). */
  shows(endpointId: string): boolean;
}

export interface MaintenanceWatchOptions {
  registry: MonitorRegistry;
  calendar: MaintenanceCalendar;
  placement: Pick<Placement, 'checksHere'>;
  bus: EventBus;
  clock?: Clock;
}

/** Timers are set at most this far ahead (a clock stepped meanwhile is then noticed). */
const MAX_TIMER_MS = 3_600_000;

interface Shown {
  windowId: string;
  windowName: string;
}

/**
 * Announces endpoints entering and leaving maintenance, the moment a period starts or ends, a
 * window or an endpoint changes. For each endpoint it remembers the window it is shown in; a
 * difference with what the calendar says now is announced (`maintenance:started` / `ended`, and
 * `endpoint:status-changed` to and from MAINTENANCE) by the instance that checks the endpoint.
 * The other instances follow silently, so that whichever takes an endpoint over does not announce
 * it again.
 */
export class MaintenanceWatch implements MaintenanceView {
  private readonly shown = new Map<string, Shown>();
  private readonly clock: Clock;
  private timer: ClockTimer | undefined;
  private soon: NodeJS.Immediate | undefined;
  private running = false;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly options: MaintenanceWatchOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Takes the current state silently (announced before a restart, or by another instance), then follows it. */
  start(): void {
    this.running = true;
    this.evaluate(false);
    const { bus } = this.options;
    for (const event of [
      'endpoint:created',
      'endpoint:updated',
      'endpoint:deleted',
      'maintenance:created',
      'maintenance:updated',
      'maintenance:deleted',
    ] as const) {
      this.offs.push(bus.on(event, () => this.changed()));
    }
  }

  stop(): void {
    this.running = false;
    for (const off of this.offs.splice(0)) off();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
  }

  /** Something changed (a window, an endpoint): look again, once, right after the current task. */
  changed(): void {
    if (!this.running || this.soon) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      if (this.running) this.evaluate(true);
    });
  }

  inWindowAt(entry: MonitoredEndpoint, at: Date): boolean {
    return this.options.calendar.coveringAt(entry, at) !== null;
  }

  shows(endpointId: string): boolean {
    return this.shown.has(endpointId);
  }

  /** Compares every endpoint's window now with the one shown, announces the differences, and sets the timer for the next change. */
  evaluate(announce = true): void {
    const { registry, calendar, placement, bus } = this.options;
    const now = new Date(this.clock.now());
    const timestamp = now.toISOString();
    const present = new Set<string>();
    for (const entry of registry.values()) {
      present.add(entry.id);
      const before = this.shown.get(entry.id);
      const covering = calendar.coveringAt(entry, now, before?.windowId);
      if (covering?.window.id === before?.windowId) continue;
      if (covering) this.shown.set(entry.id, { windowId: covering.window.id, windowName: covering.window.definition.name });
      else this.shown.delete(entry.id);
      if (!announce || !placement.checksHere(entry.id)) continue;

      const endpoint = { endpointId: entry.id, endpointName: entry.definition.name };
      if (before) bus.emit('maintenance:ended', { ...before, ...endpoint, timestamp });
      if (covering) {
        const { window, period } = covering;
        bus.emit('maintenance:started', {
          windowId: window.id,
          windowName: window.definition.name,
          ...endpoint,
          startsAt: period.startsAt.toISOString(),
          endsAt: period.endsAt.toISOString(),
          timestamp,
        });
      }
      if (Boolean(before) !== Boolean(covering)) {
        const real = entry.state.status;
        bus.emit('endpoint:status-changed', {
          ...endpoint,
          previousStatus: before ? 'MAINTENANCE' : real,
          currentStatus: covering ? 'MAINTENANCE' : real,
          timestamp,
          responseTime: null,
          errorMessage: null,
          errorCode: null,
          errorParams: null,
        });
      }
    }
    for (const id of this.shown.keys()) if (!present.has(id)) this.shown.delete(id);
    this.setTimer(now);
  }

  private setTimer(now: Date): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running) return;
    const next = this.options.calendar.nextChangeAfter(now);
    if (next === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, next.getTime() - this.clock.now()));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.evaluate(true);
    }, delay);
  }
}
