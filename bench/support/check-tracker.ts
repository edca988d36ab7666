/**
 * The probe target's view of the checks (bench/target-process.ts with TARGET_TRACK=1): which Vigil
 * instance checked each path (from the `instance <id>` in its User-Agent), double checks (two checks
 * of one path closer than a given gap, e.g. half the interval), and, after an instance was killed,
 * when each of its endpoints was checked again by another one. Counting costs a Map lookup per
 * request, so it can run at thousands of checks a second.
 *
 * The bench talks to it over HTTP: GET /__track (stats), POST /__track/reset?doubleGapMs=N,
 * POST /__track/killed?instance=ID&at=MS (ms since the epoch, same clock).
 */

/** Checks from a User-Agent without an instance (PGlite, a single instance) count under this name. */
export const NO_INSTANCE = '-';

/** The instance named in `Vigil/0.1 (+health check; instance <id>)`. */
export function instanceOf(userAgent: string | undefined): string {
  return (userAgent && /instance ([\w.-]+)\)/.exec(userAgent)?.[1]) || NO_INSTANCE;
}

export interface DoubleCheck {
  path: string;
  gapMs: number;
  from: string;
  to: string;
  at: number;
}

export interface TakeoverStats {
  instance: string;
  /** When the instance was killed (ms since the epoch). */
  at: number;
  /** Endpoints whose latest check before `at` came from the killed instance. */
  orphans: number;
  /** Orphans checked since by another instance. */
  resumed: number;
  /** From the kill to the first check by another instance: quantiles over the resumed orphans. */
  delayP50Ms: number | null;
  delayP99Ms: number | null;
  delayMaxMs: number | null;
  /** Longest time an orphan went unchecked (its last check by the dead instance → its next check). */
  longestGapMs: number | null;
  /** Requests that still arrived from the killed instance after `at` (in flight at the kill). */
  fromKilledAfter: number;
  /** Which survivors took the orphans over. */
  takenBy: Record<string, number>;
  /** The orphans checked again last: path, its last check before the kill (ms before it), delay, by whom. */
  slowest: { path: string; lastCheckMsBeforeKill: number; delayMs: number; by: string }[];
  /** Double checks since the kill (any endpoint), of which across instances, and the first few of each. */
  doubles: number;
  doublesAcrossInstances: number;
  doubleExamples: DoubleCheck[];
  acrossExamples: DoubleCheck[];
}

export interface TrackerStats {
  at: number;
  requests: number;
  /** Requests per instance since the last reset. */
  byInstance: Record<string, number>;
  /** Paths per instance that made their latest check. */
  holders: Record<string, number>;
  paths: number;
  doubleGapMs: number;
  /** Checks that came less than doubleGapMs after the previous check of the same path. */
  doubles: number;
  /** Of those, how many came from another instance than the previous check. */
  doublesAcrossInstances: number;
  doubleExamples: DoubleCheck[];
  /** The first doubles whose two checks came from different instances. */
  acrossExamples: DoubleCheck[];
  /** The shortest time between two checks of one path since the last reset; and between two by different instances. */
  minGapMs: number | null;
  minGapAcrossInstancesMs: number | null;
  takeover: TakeoverStats | null;
}

interface LastCheck {
  at: number;
  instance: string;
}

interface Takeover {
  instance: string;
  at: number;
  /** path → its last check by the dead instance, and when another instance checked it again. */
  orphans: Map<string, { lastAt: number; resumedAt: number | null; by: string | null }>;
  resumed: number;
  fromKilledAfter: number;
  doubles: number;
  doublesAcrossInstances: number;
  doubleExamples: DoubleCheck[];
  acrossExamples: DoubleCheck[];
}

const MAX_EXAMPLES = 20;

export class CheckTracker {
  private readonly last = new Map<string, LastCheck>();
  private byInstance = new Map<string, number>();
  private requests = 0;
  private doubleGapMs = 0;
  private doubles = 0;
  private doublesAcrossInstances = 0;
  private doubleExamples: DoubleCheck[] = [];
  private acrossExamples: DoubleCheck[] = [];
  private minGapMs = Infinity;
  private minGapAcrossMs = Infinity;
  private takeover: Takeover | null = null;

  /** Forgets everything; from now on a check closer than `doubleGapMs` to the previous one is a double. */
  reset(doubleGapMs: number): void {
    this.last.clear();
    this.byInstance = new Map();
    this.requests = 0;
    this.doubleGapMs = doubleGapMs;
    this.doubles = 0;
    this.doublesAcrossInstances = 0;
    this.doubleExamples = [];
    this.acrossExamples = [];
    this.minGapMs = Infinity;
    this.minGapAcrossMs = Infinity;
    this.takeover = null;
  }

  record(path: string, userAgent: string | undefined, at: number): void {
    const instance = instanceOf(userAgent);
    this.requests++;
    this.byInstance.set(instance, (this.byInstance.get(instance) ?? 0) + 1);
    const previous = this.last.get(path);
    const takeover = this.takeover && at >= this.takeover.at ? this.takeover : null;
    if (previous) {
      const gap = at - previous.at;
      const across = previous.instance !== instance;
      if (gap < this.minGapMs) this.minGapMs = gap;
      if (across && gap < this.minGapAcrossMs) this.minGapAcrossMs = gap;
      if (gap < this.doubleGapMs) {
        const example = { path, gapMs: gap, from: previous.instance, to: instance, at };
        this.doubles++;
        if (across) this.doublesAcrossInstances++;
        if (this.doubleExamples.length < MAX_EXAMPLES) this.doubleExamples.push(example);
        if (across && this.acrossExamples.length < MAX_EXAMPLES) this.acrossExamples.push(example);
        if (takeover) {
          takeover.doubles++;
          if (across) takeover.doublesAcrossInstances++;
          if (takeover.doubleExamples.length < MAX_EXAMPLES) takeover.doubleExamples.push(example);
          if (across && takeover.acrossExamples.length < MAX_EXAMPLES) takeover.acrossExamples.push(example);
        }
      }
      previous.at = at;
      previous.instance = instance;
    } else {
      this.last.set(path, { at, instance });
    }
    if (takeover) {
      if (instance === takeover.instance) takeover.fromKilledAfter++;
      else {
        const orphan = takeover.orphans.get(path);
        if (orphan && orphan.resumedAt === null) {
          orphan.resumedAt = at;
          orphan.by = instance;
          takeover.resumed++;
        }
      }
    }
  }

  /** `instance` was killed at `at`: the paths it checked last are its orphans from now on. */
  killed(instance: string, at: number): number {
    const orphans: Takeover['orphans'] = new Map();
    for (const [path, check] of this.last) {
      if (check.instance === instance) orphans.set(path, { lastAt: check.at, resumedAt: null, by: null });
    }
    this.takeover = { instance, at, orphans, resumed: 0, fromKilledAfter: 0, doubles: 0, doublesAcrossInstances: 0, doubleExamples: [], acrossExamples: [] };
    return orphans.size;
  }

  stats(): TrackerStats {
    const holders: Record<string, number> = {};
    for (const check of this.last.values()) holders[check.instance] = (holders[check.instance] ?? 0) + 1;
    return {
      at: Date.now(),
      requests: this.requests,
      byInstance: Object.fromEntries(this.byInstance),
      holders,
      paths: this.last.size,
      doubleGapMs: this.doubleGapMs,
      doubles: this.doubles,
      doublesAcrossInstances: this.doublesAcrossInstances,
      doubleExamples: this.doubleExamples,
      acrossExamples: this.acrossExamples,
      minGapMs: Number.isFinite(this.minGapMs) ? this.minGapMs : null,
      minGapAcrossInstancesMs: Number.isFinite(this.minGapAcrossMs) ? this.minGapAcrossMs : null,
      takeover: this.takeover && takeoverStats(this.takeover),
    };
  }
}

function takeoverStats(t: Takeover): TakeoverStats {
  const delays: number[] = [];
  const takenBy: Record<string, number> = {};
  let longestGap = 0;
  const slowest: TakeoverStats['slowest'] = [];
  for (const [path, orphan] of t.orphans) {
    if (orphan.resumedAt === null) continue;
    slowest.push({ path, lastCheckMsBeforeKill: t.at - orphan.lastAt, delayMs: orphan.resumedAt - t.at, by: orphan.by! });
    delays.push(orphan.resumedAt - t.at);
    longestGap = Math.max(longestGap, orphan.resumedAt - orphan.lastAt);
    takenBy[orphan.by!] = (takenBy[orphan.by!] ?? 0) + 1;
  }
  delays.sort((a, b) => a - b);
  const q = (p: number) => (delays.length ? delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]! : null);
  return {
    instance: t.instance,
    at: t.at,
    orphans: t.orphans.size,
    resumed: t.resumed,
    delayP50Ms: q(0.5),
    delayP99Ms: q(0.99),
    delayMaxMs: delays.at(-1) ?? null,
    longestGapMs: delays.length ? longestGap : null,
    fromKilledAfter: t.fromKilledAfter,
    takenBy,
    slowest: slowest.sort((a, b) => b.delayMs - a.delayMs).slice(0, 10),
    doubles: t.doubles,
    doublesAcrossInstances: t.doublesAcrossInstances,
    doubleExamples: t.doubleExamples,
    acrossExamples: t.acrossExamples,
  };
}

// ─── the bench's side ────────────────────────────────────────────────────────────────────────────

async function call<T>(origin: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await fetch(`${origin}${path}`, { method, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** The tracking target's stats. */
export const trackerStats = (origin: string) => call<TrackerStats>(origin, 'GET', '/__track');

/** Starts counting afresh; `doubleGapMs`: closer checks of one path are doubles. */
export const trackerReset = (origin: string, doubleGapMs: number) =>
  call<{ ok: true }>(origin, 'POST', `/__track/reset?doubleGapMs=${Math.round(doubleGapMs)}`);

/** Tells the target `instance` was killed at `at`; answers how many endpoints it had checked last. */
export const trackerKilled = (origin: string, instance: string, at: number) =>
  call<{ orphans: number }>(origin, 'POST', `/__track/killed?instance=${encodeURIComponent(instance)}&at=${at}`);
