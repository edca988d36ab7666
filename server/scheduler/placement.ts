import type { ScheduleOptions, Scheduler } from './scheduler.ts';

/**
 * Where and when endpoints are checked: which of them this instance checks, on what schedule, and
 * the start and stop of it all. One instance checks every endpoint (single-instance-placement.ts);
 * several on one PostgreSQL share them out by leases (server/cluster/cluster-placement.ts).
 */
export interface Placement {
  /** The timers of the checks run here (their counts and lag feed /metrics). */
  readonly scheduler: Scheduler;
  /** Checks an endpoint on its interval from now on (new, resumed or re-timed); left to its holder when another instance checks it. */
  schedule(endpointId: string, intervalSeconds: number, options?: ScheduleOptions): void;
  /** Stops checking an endpoint here (paused, or about to be deleted). */
  unschedule(endpointId: string): void;
  /** An endpoint deleted on another instance: stop checking it and let go of it. */
  forget(endpointId: string): void;
  /** Whether this instance checks the endpoint (false: another instance does, and holds its live state). */
  checksHere(endpointId: string): boolean;
  /**
   * Whether a check on request must start from the stored state: another instance holds the live
   * one, and no check on request of ours is on its way there (our memory is newer then).
   */
  needsStoredState(endpointId: string): boolean;
  /** Runs a check on request (check now), counted as in progress until it settles. */
  checkingNow<T>(endpointId: string, check: () => Promise<T>): Promise<T>;
  /** Schedules this instance's endpoints and starts timing their checks. */
  start(): Promise<void>;
  /** Stops timing checks and waits, at most `timeoutMs`, for the running ones; resolves how many still ran. */
  stop(timeoutMs: number): Promise<number>;
  /** After every result is written: lets other instances take this one's endpoints over at once. */
  leave(): Promise<void>;
}
