/**
 * Whether this instance may run a scheduled check now, judged from the rhythm of its own
 * heartbeat. Only while the heartbeat is fresh, and not after a silence long enough for the others
 * to have taken our endpoints over (a frozen process, a blocked event loop, a lost connection)
 * until our leases have been read again.
 *
 * It only takes times (no clock of its own), so every order of timers and answers can be tested.
 */
export class LeaseClock {
  private lastHeartbeatAt = 0;
  private lastTimerAt = 0;
  private beatStartedAt = 0;
  private beatInFlight = false;
  private databaseAway = false;
  /** Set after a silence long enough for others to take over; cleared once our leases were read again. */
  suspect = false;

  constructor(
    private readonly leaseTtlMs: number,
    private readonly tickMs: number,
  ) {}

  /** The heartbeat timer fired. A late one means this process did not run meanwhile. */
  timerFired(now: number): void {
    if (this.lastTimerAt > 0 && now - this.lastTimerAt > this.leaseTtlMs * 0.5) this.suspect = true;
    this.lastTimerAt = now;
  }

  beatStarted(now: number): void {
    this.beatStartedAt = now;
    this.beatInFlight = true;
  }

  /** A heartbeat sent at `startedAt` was written. True when the silence before it makes our leases doubtful. */
  beatAnswered(startedAt: number): boolean {
    this.beatInFlight = false;
    this.databaseAway = false;
    const silent = this.lastHeartbeatAt > 0 && startedAt - this.lastHeartbeatAt > this.leaseTtlMs * 0.5;
    if (silent) this.suspect = true;
    this.lastHeartbeatAt = startedAt;
    return silent;
  }

  /** A heartbeat failed; `databaseAway`: because PostgreSQL could not be reached at all. */
  beatFailed(databaseAway: boolean): void {
    this.beatInFlight = false;
    this.databaseAway = databaseAway;
  }

  /** When the last heartbeat was written (0: never). */
  get heartbeatAt(): number {
    return this.lastHeartbeatAt;
  }

  get isDatabaseAway(): boolean {
    return this.databaseAway;
  }

  mayCheck(now: number): boolean {
    if (this.suspect) return false;
    if (now - this.lastHeartbeatAt < this.leaseTtlMs * 0.6) return true;
    // PostgreSQL is away (refused, or a heartbeat hangs) while we keep running (our heartbeat timer
    // still fires; a frozen process's does not): nobody can take our endpoints over without the
    // database, so we go on checking them. Only if this instance alone is cut off while the others
    // reach it do both check an endpoint until we are back.
    const running = now - this.lastTimerAt < this.tickMs * 2.5;
    const hanging = this.beatInFlight && now - this.beatStartedAt > this.tickMs;
    return running && (this.databaseAway || hanging);
  }
}
