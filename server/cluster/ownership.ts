import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../../db/client.ts';
import { pgArray } from '../../db/pg-array.ts';
import { databaseFault } from '../../db/unavailable.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { ResultWriter } from '../results/result-writer.ts';
import type { ScheduleOptions, Scheduler } from '../scheduler/scheduler.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import { currentCheckInterval } from '../domain/check-interval.ts';
import { LeaseClock } from './lease-clock.ts';
import { ownerOf } from './rendezvous.ts';

export interface OwnershipOptions {
  db: Database;
  instanceId: string;
  /** An instance whose heartbeat is older than this is dead; its endpoints are free. */
  leaseTtlMs: number;
  registry: MonitorRegistry;
  scheduler: Scheduler;
  /** Drained before a handover; what it still holds for an endpoint is newer than the database. */
  writer: Pick<ResultWriter, 'drain' | 'hasPending'>;
  onError: (error: unknown) => void;
  /** Overdue endpoints taken over are spread over at most this long (default 2 s). */
  takeoverSpreadMs?: number;
  /** This process's time (default the system's); the database's own decides whose heartbeat is stale. */
  clock?: Pick<Clock, 'now'>;
}

export interface OwnershipStats {
  owned: number;
  liveInstances: number;
  claimed: number;
  released: number;
  lost: number;
  ticks: number;
}

const CLAIM_CHUNK = 5000;

/**
 * Which endpoints this instance checks, when several Vigils share one PostgreSQL.
 *
 * Each endpoint's owner is chosen by rendezvous hashing over the live instances (those whose
 * heartbeat row is fresh), so the load spreads evenly and only the endpoints of an instance that
 * joins or leaves move. The database decides who actually checks: a row in endpoint_leases names
 * the holder, and a claim succeeds only when the row is free, already ours, or held by a dead
 * instance — so two instances never hold one endpoint. Every tick (a quarter of the lease TTL):
 * 1. heartbeat, and read the live instances;
 * 2. hand over endpoints that now belong to another instance (not while a check of theirs runs;
 *    after our pending results are written, so the next holder starts from the stored state);
 * 3. claim endpoints that belong to us, reload their state from the database, schedule them
 *    keeping their rhythm (overdue ones within a few seconds);
 * 4. drop any endpoint whose lease we lost (only if we stalled longer than the TTL).
 * An instance that cannot heartbeat for most of the TTL stops checking until it can again.
 *
 * Schedules of endpoints held elsewhere are ignored here (their holder follows the same change
 * through the realtime relay); server/cluster/cluster-placement.ts offers it to the services.
 */
export class EndpointOwnership {
  private readonly owned = new Set<string>();
  private live: string[];
  private readonly clock: LeaseClock;
  /** Since when every heartbeat succeeded (0 after a failure). */
  private beatingSince = 0;
  private beating: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private firstClaimDone = false;
  /** New endpoints to check as soon as they are claimed (created or resumed through the API). */
  private readonly wantsNow = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = false;
  readonly stats: OwnershipStats = { owned: 0, liveInstances: 1, claimed: 0, released: 0, lost: 0, ticks: 0 };
  private readonly time: Pick<Clock, 'now'>;

  constructor(private readonly options: OwnershipOptions) {
    this.live = [options.instanceId];
    this.clock = new LeaseClock(options.leaseTtlMs, this.tickMs);
    this.time = options.clock ?? systemClock;
  }

  get tickMs(): number {
    return Math.max(500, Math.floor(this.options.leaseTtlMs / 4));
  }

  /** Heartbeats, claims this instance's share, and keeps doing so every tick. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => this.wake(), this.tickMs);
    this.timer.unref();
    // The heartbeat has its own timer: a long handover or claim must not let it age.
    this.heartbeatTimer = setInterval(() => {
      const wasSuspect = this.clock.suspect;
      // At a thaw this runs before the answer to a heartbeat sent before the freeze, and before
      // the check timers due meanwhile: they must see the doubt at once.
      this.clock.timerFired(this.time.now());
      if (this.clock.suspect && !wasSuspect) this.wake();
      void this.beat().catch(this.options.onError);
    }, this.tickMs);
    this.heartbeatTimer.unref();
  }

  /** Whether this instance may run a scheduled check now (see LeaseClock). */
  mayCheck(): boolean {
    return this.clock.mayCheck(this.time.now());
  }

  // --- what the services ask (through the placement) ------------------------------------------

  schedule(endpointId: string, intervalSeconds: number, options?: ScheduleOptions): void {
    if (this.owned.has(endpointId)) this.options.scheduler.schedule(endpointId, intervalSeconds, options);
    else if (this.desiredOwner(endpointId) === this.options.instanceId) {
      if (options?.immediately) this.wantsNow.add(endpointId);
      this.wake();
    }
  }

  unschedule(endpointId: string): void {
    this.options.scheduler.unschedule(endpointId);
  }

  /** Ours, or about to be (we are its rightful holder and claim it at the next tick). */
  checksHere(endpointId: string): boolean {
    return this.owned.has(endpointId) || this.desiredOwner(endpointId) === this.options.instanceId;
  }

  /** Forgets a deleted endpoint (its lease row goes with it). */
  forget(endpointId: string): void {
    this.owned.delete(endpointId);
    this.stats.owned = this.owned.size;
  }

  /** Runs a tick as soon as possible (a new endpoint, a membership change). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.wakeRequested = true;
      return;
    }
    this.ticking = this.tick()
      .catch(this.options.onError)
      .finally(() => {
        this.ticking = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        }
      });
  }

  /** Resolves when the ticks asked for so far are done. */
  async settled(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  /** Which instances are alive, as of the last heartbeat. */
  liveInstances(): readonly string[] {
    return this.live;
  }

  /**
   * Graceful leave: stop ticking, then (after the caller stopped the scheduler and drained the
   * writer) free our leases and our heartbeat row so that the others take over at once.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeatTimer);
    await this.ticking;
    await this.beating;
  }

  async leave(): Promise<void> {
    const { db, instanceId } = this.options;
    await db.execute(sql`update endpoint_leases set instance_id = null where instance_id = ${instanceId}`);
    await db.execute(sql`delete from vigil_instances where id = ${instanceId}`);
    this.owned.clear();
    this.stats.owned = 0;
  }

  // --- the tick ---------------------------------------------------------------------------------

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.stats.ticks++;
    const { db, instanceId, leaseTtlMs, scheduler } = this.options;
    try {
      await this.beat();
    } catch (error) {
      // Others will count us dead after the TTL: stop checking before they take over (unless the
      // database is away for everyone, and nobody can).
      if (this.time.now() - this.clock.heartbeatAt > leaseTtlMs * 0.75 && !this.clock.isDatabaseAway) this.dropAll();
      throw error;
    }
    const wasSuspect = this.clock.suspect;

    // 4 first: what the database says we hold.
    const held = new Set(
      rowsOf<{ endpoint_id: string }>(await db.execute(sql`select endpoint_id from endpoint_leases where instance_id = ${instanceId}`)).map(
        (r) => r.endpoint_id,
      ),
    );
    for (const id of [...this.owned]) {
      if (!held.has(id)) {
        if (this.options.registry.has(id)) this.stats.lost++; // (a deleted endpoint's lease goes with it)
        this.drop(id);
      }
    }
    if (wasSuspect) this.clock.suspect = false;
    // Leases we hold from an earlier life of this instance id count as ours.
    const adopted = [...held].filter((id) => !this.owned.has(id));

    // 2. Hand over what belongs elsewhere now.
    const handOver: string[] = [];
    for (const id of [...this.owned, ...adopted]) {
      if (!this.options.registry.has(id)) continue;
      if (this.desiredOwner(id) !== instanceId && !scheduler.isRunning(id)) handOver.push(id);
    }
    if (handOver.length > 0) {
      for (const id of handOver) this.drop(id);
      await this.options.writer.drain();
      // Rows are locked in id order here and in claims: two instances never deadlock on them.
      await db.execute(sql`update endpoint_leases set instance_id = null
        where endpoint_id in (select endpoint_id from endpoint_leases
                              where instance_id = ${instanceId} and endpoint_id in (select unnest(${pgArray(handOver.sort())}::uuid[]))
                              order by endpoint_id for update)`);
      this.stats.released += handOver.length;
    }

    // 3. Claim what belongs to us (adopted leases included: they need their state loaded).
    const wanted: string[] = [];
    for (const entry of this.options.registry.values()) {
      if (!this.owned.has(entry.id) && this.desiredOwner(entry.id) === instanceId) wanted.push(entry.id);
    }
    wanted.sort();
    for (let i = 0; i < wanted.length; i += CLAIM_CHUNK) await this.claim(wanted.slice(i, i + CLAIM_CHUNK));
    this.firstClaimDone = true;
    this.stats.owned = this.owned.size;
  }

  /** Writes our heartbeat (one at a time) and notes a silence long enough to doubt our leases. */
  private beat(): Promise<void> {
    this.beating ??= (async () => {
      const startedAt = this.time.now();
      this.clock.beatStarted(startedAt);
      try {
        await this.heartbeat();
      } catch (error) {
        this.clock.beatFailed(databaseFault(error) !== null);
        this.beatingSince = 0;
        throw error;
      }
      // From when it answered, not when it was sent: one sent during an outage answers only after it.
      if (this.beatingSince === 0) this.beatingSince = this.time.now();
      if (this.clock.beatAnswered(startedAt)) this.wake();
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async heartbeat(): Promise<void> {
    const { db, instanceId, leaseTtlMs } = this.options;
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`with beat as (
          insert into vigil_instances (id, started_at, heartbeat_at) values (${instanceId}, now(), now())
          on conflict (id) do update set heartbeat_at = now()
        )
        select id from vigil_instances where heartbeat_at > now() - make_interval(secs => ${leaseTtlMs / 1000})
        union select ${instanceId}`),
    );
    const live = rows.map((r) => r.id).sort();
    this.live = live;
    this.stats.liveInstances = live.length;
  }

  private async claim(ids: string[]): Promise<void> {
    const { db, instanceId, leaseTtlMs, registry, scheduler } = this.options;
    // `for key share`: an endpoint deleted while this runs is skipped (the lock waits for the delete,
    // then finds the row gone) rather than failing the whole claim on the lease's foreign key.
    const claimed = rowsOf<{ endpoint_id: string }>(
      await db.execute(sql`insert into endpoint_leases (endpoint_id, instance_id, claimed_at)
        select e.id, ${instanceId}, now() from endpoints e where e.id in (select unnest(${pgArray(ids)}::uuid[])) order by e.id for key share of e
        on conflict (endpoint_id) do update set instance_id = excluded.instance_id, claimed_at = excluded.claimed_at
        where endpoint_leases.instance_id is null
           or endpoint_leases.instance_id = excluded.instance_id
           or (${this.mayTakeOver()} and not exists (select 1 from vigil_instances i
                          where i.id = endpoint_leases.instance_id
                            and i.heartbeat_at > now() - make_interval(secs => ${leaseTtlMs / 1000})))
        returning endpoint_id`),
    ).map((r) => r.endpoint_id);
    if (claimed.length === 0) return;
    // The previous holder wrote its last results before letting go: start from them.
    const present = await registry.reload(db, claimed, (id) => this.options.writer.hasPending(id));
    const now = this.time.now();
    const spread = this.options.takeoverSpreadMs ?? 2000;
    for (const id of present) {
      const entry = registry.get(id);
      if (!entry) continue;
      this.owned.add(id);
      this.stats.claimed++;
      if (entry.definition.paused) continue;
      const intervalSeconds = currentCheckInterval(entry);
      const intervalMs = intervalSeconds * 1000;
      const last = entry.lastCheckedAt?.getTime();
      if (this.wantsNow.delete(id)) {
        scheduler.schedule(id, intervalSeconds, { immediately: true });
      } else if (!this.firstClaimDone || last === undefined || last + intervalMs > now) {
        // At start (or never checked): the scheduler keeps the rhythm, or spreads over at most a minute.
        scheduler.schedule(id, intervalSeconds, { lastCheckedAt: entry.lastCheckedAt ?? null });
      } else {
        // Overdue (its holder died): soon, but spread so that a takeover is not one burst.
        scheduler.schedule(id, intervalSeconds, { startWithinMs: Math.min(intervalMs, spread) });
      }
    }
  }

  /**
   * Whether we may take the endpoints of instances whose heartbeat is stale. Not until ours has been
   * fresh for a whole TTL: after PostgreSQL comes back every heartbeat is stale at once, and the
   * first instance to beat would otherwise take everything from the others.
   */
  private mayTakeOver(): boolean {
    return this.beatingSince > 0 && this.time.now() - this.beatingSince >= this.options.leaseTtlMs;
  }

  private desiredOwner(endpointId: string): string {
    return ownerOf(endpointId, this.live);
  }

  private drop(id: string): void {
    this.options.scheduler.unschedule(id);
    this.owned.delete(id);
  }

  private dropAll(): void {
    for (const id of [...this.owned]) this.drop(id);
    this.stats.owned = 0;
  }
}
