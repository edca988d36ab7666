import { Cron } from 'croner';
import { LagRecorder } from './lag-recorder.ts';

export interface ScheduleOptions {
  /** Check as soon as possible (a new or resumed endpoint). */
  immediately?: boolean;
  /** When the endpoint was last checked, to keep its rhythm across restarts. */
  lastCheckedAt?: Date | null;
  /** Overdue (taken over from a dead instance): first check within this many ms, at the endpoint's phase. */
  startWithinMs?: number;
}

export interface SchedulerOptions {
  /** Checks one endpoint; the scheduler never starts a second run of an endpoint before this settles. */
  run: (endpointId: string) => Promise<unknown>;
  onError?: (error: unknown, endpointId?: string) => void;
  /** Asked before each scheduled run; false skips it (and keeps the rhythm). */
  gate?: () => boolean;
  /**
   * Scheduled checks start on a grid of slots this many ms wide (a whole number of ms dividing
   * 1,000, so that every interval holds whole slots; 1 keeps each endpoint's phase to the ms).
   * Default: as wide as holds about 16 checks at the scheduled rate, at most 250 ms (50 checks/s:
   * 250 ms; 1,000 checks/s: 10 ms). Checks asked for at once (a new or resumed endpoint) are not
   * held until the next slot.
   */
  slotMs?: number;
}

interface Entry {
  id: string;
  intervalMs: number;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<unknown> | undefined;
  lastStartedAt: number | undefined;
}

export interface SchedulerStats {
  started: number;
  /** Runs skipped because the previous check of the same endpoint was still running. */
  skippedOverlaps: number;
  /** Runs skipped because the gate was closed (another instance may hold the endpoint now). */
  skippedGated: number;
  scheduled: number;
  running: number;
}

const LOOKAHEAD_MS = 1000;
const MAX_INITIAL_SPREAD_MS = 60_000;
/** The slot widths to choose from, widest first: divisors of 1,000 ms up to 250. */
const SLOT_WIDTHS_MS = [250, 200, 125, 100, 50, 40, 25, 20, 10, 8, 5, 4, 2, 1];
/**
 * About as many checks as a slot should hold: enough that a wakeup serves many, few enough that a
 * slot's results fill one of the result writer's gathered batches instead of queueing for several.
 */
const CHECKS_PER_SLOT = 16;

/**
 * Runs every scheduled endpoint on its own interval, exactly.
 *
 * One croner job ticks each second and arms a timer for every endpoint due before the next tick;
 * each endpoint keeps its own phase, so that 10,000 endpoints spread over their interval instead of
 * firing in the same millisecond. (One croner job per endpoint would cost about 83 KB each, 830 MB
 * for 10,000, and only fires on whole seconds.) Phases fall on a grid of slots (`slotMs`; by
 * default about 16 checks per slot, at most 250 ms): the checks of one slot start together, so the
 * process wakes once for them and their results share a batch; at 50 checks/s this more than halves
 * the CPU per check (docs/performance.md). A check never overlaps itself: a run that comes due while
 * the previous one is still going is skipped and counted.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private heartbeat: Cron | undefined;
  private horizon = 0;
  private stopping = false;
  readonly lag = new LagRecorder(10_000);
  readonly stats = { started: 0, skippedOverlaps: 0, skippedGated: 0 };
  private readonly run: (endpointId: string) => Promise<unknown>;
  private readonly onError: (error: unknown, endpointId?: string) => void;
  private readonly gate: () => boolean;
  private readonly fixedSlotMs: number | undefined;
  private slotMs = SLOT_WIDTHS_MS[0]!;
  /** The scheduled rate: the sum of 1 / interval over the scheduled endpoints. */
  private checksPerSecond = 0;

  constructor(options: SchedulerOptions) {
    this.run = options.run;
    this.fixedSlotMs = options.slotMs;
    if (this.fixedSlotMs !== undefined) {
      if (!Number.isInteger(this.fixedSlotMs) || this.fixedSlotMs < 1 || 1000 % this.fixedSlotMs !== 0)
        throw new RangeError(`slotMs must be a whole number of ms dividing 1,000, got ${this.fixedSlotMs}`);
      this.slotMs = this.fixedSlotMs;
    }
    this.onError = options.onError ?? ((e, id) => console.error('scheduled check failed', id, e));
    this.gate = options.gate ?? (() => true);
  }

  start(): void {
    this.stopping = false;
    this.heartbeat = new Cron('* * * * * *', { catch: (e) => this.onError(e) }, () => this.armDue());
    this.armDue();
  }

  schedule(endpointId: string, intervalSeconds: number, options: ScheduleOptions = {}): void {
    const now = Date.now();
    const intervalMs = intervalSeconds * 1000;
    const existing = this.entries.get(endpointId);
    let nextAt: number;
    if (options.immediately) {
      nextAt = now;
    } else if (options.startWithinMs !== undefined) {
      nextAt = this.toSlot(now + (this.phaseOf(endpointId) % Math.max(1, options.startWithinMs)));
    } else if (existing?.lastStartedAt !== undefined) {
      nextAt = this.toSlot(Math.max(now, existing.lastStartedAt + intervalMs));
    } else if (existing) {
      nextAt = this.toSlot(Math.max(now, Math.min(existing.nextAt, now + intervalMs)));
    } else if (options.lastCheckedAt && options.lastCheckedAt.getTime() + intervalMs > now) {
      // Keep the rhythm, on the endpoint's own grid (a burst of creations does not stay a burst).
      nextAt = onGrid(Math.max(now, options.lastCheckedAt.getTime() + intervalMs / 2), intervalMs, this.phaseOf(endpointId));
    } else {
      nextAt = this.toSlot(now + (this.phaseOf(endpointId) % Math.min(intervalMs, MAX_INITIAL_SPREAD_MS)));
    }
    if (existing?.timer) clearTimeout(existing.timer);
    const entry: Entry = {
      id: endpointId,
      intervalMs,
      nextAt,
      timer: undefined,
      running: existing?.running,
      lastStartedAt: existing?.lastStartedAt,
    };
    this.entries.set(endpointId, entry);
    this.rateChanged((existing ? -1000 / existing.intervalMs : 0) + 1000 / intervalMs);
    if (this.heartbeat && entry.nextAt < this.horizon) this.arm(entry);
  }

  unschedule(endpointId: string): void {
    const entry = this.entries.get(endpointId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.entries.delete(endpointId);
    this.rateChanged(-1000 / entry.intervalMs);
  }

  /** The width of the slots new start times fall on (ms). */
  get slotWidthMs(): number {
    return this.slotMs;
  }

  /** Whether a check of the endpoint is in progress. */
  isRunning(endpointId: string): boolean {
    return this.entries.get(endpointId)?.running !== undefined;
  }

  isScheduled(endpointId: string): boolean {
    return this.entries.has(endpointId);
  }

  nextRunAt(endpointId: string): number | undefined {
    return this.entries.get(endpointId)?.nextAt;
  }

  snapshot(): SchedulerStats {
    let running = 0;
    for (const e of this.entries.values()) if (e.running) running++;
    return { ...this.stats, scheduled: this.entries.size, running };
  }

  /**
   * Stops timing new checks and waits, at most `timeoutMs`, for the running ones to finish.
   * Returns how many were still running when the wait ended.
   */
  async stop(timeoutMs: number): Promise<number> {
    this.stopping = true;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    const running: Promise<unknown>[] = [];
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
      if (entry.running) running.push(entry.running);
    }
    if (running.length === 0) return 0;
    let left = running.length;
    const settled = Promise.allSettled(running.map((p) => p.finally(() => left--)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return left;
  }

  private armDue(): void {
    if (this.stopping) return;
    this.horizon = Date.now() + LOOKAHEAD_MS + 100;
    for (const entry of this.entries.values()) {
      if (!entry.timer && entry.nextAt < this.horizon) this.arm(entry);
    }
  }

  private arm(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.fire(entry), Math.max(0, entry.nextAt - Date.now()));
  }

  private fire(entry: Entry): void {
    entry.timer = undefined;
    if (this.stopping || this.entries.get(entry.id) !== entry) return;
    const now = Date.now();
    const plannedAt = entry.nextAt;
    // The grid point nearest to one interval on: after an immediate or start-up run the endpoint
    // joins its own phase (phaseOf(id) + k × interval), so the load stays spread over the interval.
    entry.nextAt = onGrid(plannedAt + entry.intervalMs / 2, entry.intervalMs, this.phaseOf(entry.id));
    while (entry.nextAt <= now) entry.nextAt += entry.intervalMs;

    if (entry.running) {
      this.stats.skippedOverlaps++;
    } else if (!this.gate()) {
      this.stats.skippedGated++;
    } else {
      this.stats.started++;
      this.lag.record(now - plannedAt);
      entry.lastStartedAt = now;
      const run = this.run(entry.id)
        .catch((error) => this.onError(error, entry.id))
        .finally(() => {
          // A reschedule may have replaced the entry meanwhile; it carries the same run.
          const current = this.entries.get(entry.id);
          if (current?.running === run) current.running = undefined;
          if (entry.running === run) entry.running = undefined;
        });
      entry.running = run;
    }
    if (entry.nextAt < this.horizon) this.arm(entry);
  }

  /** Follows the scheduled rate with the slot width (an endpoint moves to the new grid at its next run). */
  private rateChanged(deltaPerSecond: number): void {
    // Back to exactly 0 when nothing is scheduled: the sum of fractions does not drift for good.
    this.checksPerSecond = this.entries.size === 0 ? 0 : Math.max(0, this.checksPerSecond + deltaPerSecond);
    if (this.fixedSlotMs !== undefined) return;
    const widest = (CHECKS_PER_SLOT * 1000) / Math.max(this.checksPerSecond, Number.MIN_VALUE);
    this.slotMs = SLOT_WIDTHS_MS.find((width) => width <= widest) ?? 1;
  }

  /** The endpoint's phase, on the slot grid. */
  private phaseOf(endpointId: string): number {
    const phase = phaseOf(endpointId);
    return phase - (phase % this.slotMs);
  }

  /** The first slot boundary at or after t. */
  private toSlot(t: number): number {
    return Math.ceil(t / this.slotMs) * this.slotMs;
  }
}

/** A stable pseudo-random phase for an endpoint, from its UUID. */
function phaseOf(endpointId: string): number {
  return Number.parseInt(endpointId.replaceAll('-', '').slice(-8), 16) || 0;
}

/** The first time ≥ t on an endpoint's grid: phase + k × interval. */
function onGrid(t: number, intervalMs: number, phase: number): number {
  return t + ((((phase - t) % intervalMs) + intervalMs) % intervalMs);
}
