/** What one scenario of the check bench records: the JSON results, and the tables' source. */
import type { DoubleCheck, TakeoverStats } from '../support/check-tracker.ts';
import type { ClusterSample } from '../support/cluster-watch.ts';
import type { CheckKind } from './options.ts';

export interface Sample {
  t: number;
  rssMb: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  lagP50: number | null;
  lagP99: number | null;
  scrapeMs: number;
  /** ms Vigil's main thread spent runnable but waiting for a CPU since the previous sample. */
  runQueueWaitMs: number | null;
}

export type EventLoopFigures = { delayP99MsMedian: number | null; delayP99MsMax: number | null; delayMaxMs: number | null; utilisationMean: number | null };

/** One Vigil process of the measured run, as seen through its /metrics and /proc. */
export interface InstanceResult {
  id: string;
  pid: number;
  achievedRate: number | null;
  writtenRate: number | null;
  /** Checks/s the target received with this instance in the User-Agent. */
  targetViewRate: number | null;
  lagP50Ms: number | null;
  lagP90Ms: number | null;
  lagP99Ms: number | null;
  /** The lag quantiles cover this instance's last 10,000 starts: about this many seconds. */
  lagCoversSeconds: number | null;
  overlapsSkippedInWindow: number;
  cpuPercent: number | null;
  rssPeakMb: number | null;
  rssFinalMb: number | null;
  pendingMaxInWindow: number;
  batchesPerSecond: number | null;
  meanBatchSize: number | null;
  writeRetries: number;
  scrapeLatencyMaxMs: number;
  runQueueWaitPercent: number | null;
  runQueueWaitMaxMsPerSecond: number | null;
  eventLoop: EventLoopFigures;
  /** Endpoints whose latest check (target's view) came from this instance, at the end of the window. */
  endpointsCheckedLast: number | null;
  /** Rows of endpoint_leases naming this instance, at the end of the window. */
  leasesHeld: number | null;
  /** The oldest its heartbeat row got while it was alive (from its start), and in the window. */
  heartbeatMaxAgeMs: number | null;
  heartbeatMaxAgeInWindowMs: number | null;
  /** Its /metrics at the end of the window (totals since its start): leases claimed, handed over, lost while held. */
  leasesClaimed: number | null;
  leasesReleased: number | null;
  leasesLost: number | null;
  /** Events/s received from the other instances through LISTEN/NOTIFY, in the window. */
  eventsReceivedRate: number | null;
  samples: Sample[];
}

export interface TakeoverResult extends TakeoverStats {
  boundMs: number;
  withinBound: boolean;
  /** Doubles (target's view) from the kill to the end of the interval after the takeover. */
  doublesSinceKill: number;
  /** Survivors' checks/s (their /metrics) over one interval after the last orphan was checked again. */
  rateAfter: number | null;
  lagP99AfterMs: number | null;
  /**
   * Requests the target received minus rows stored, over the measured run: above 0, results that
   * died with the killed process; below 0, checks stored without their request reaching the target
   * (probe timeouts while overloaded). Both can happen in one run.
   */
  lostWithKilled: number | null;
}

export interface StallResult {
  instance: string;
  stallMs: number;
  /** Its endpoints (those it had checked last) checked by another instance while it was frozen or after. */
  takenMeanwhile: number;
  orphans: number;
  /** From the freeze until one interval + 10 s after the thaw: double checks, and those across instances. */
  doubles: number;
  doublesAcrossInstances: number;
  /** Requests the frozen instance made after the thaw. */
  requestsAfterThaw: number;
  heartbeatMaxAgeMs: number | null;
  examples: DoubleCheck[];
  acrossExamples: DoubleCheck[];
}

export interface ScenarioResult {
  db: 'pglite' | 'postgres';
  instances: number;
  run: number;
  endpoints: number;
  intervalSeconds: number;
  targetRate: number;
  checks: CheckKind;
  start: 'spread' | 'rhythm';
  /** The code measured: other people edit the tree while a long run goes on. */
  code?: { commit: string; uncommittedFiles: number };
  ok: boolean;
  error?: string;
  createSeconds?: number | null;
  createRate?: number | null;
  restartStopMs?: number | null;
  restartExitCode?: number | null;
  windowSeconds?: number | null;
  /** Summed over the instances. */
  achievedRate?: number | null;
  writtenRate?: number | null;
  targetViewRate?: number | null;
  /** The worst instance's. */
  lagP50Ms?: number | null;
  lagP90Ms?: number | null;
  lagP99Ms?: number | null;
  lagWindow?: string;
  lagAtWindowStart?: { p50: number | null; p99: number | null };
  overlapsSkippedInWindow?: number | null;
  overlapsSkippedTotal?: number | null;
  /** Vigil processes together (100 % = one core). */
  cpuPercent?: number | null;
  /** The largest process's peak, and the peak of all processes' RSS added up. */
  rssPeakMb?: number | null;
  rssTotalPeakMb?: number | null;
  rssFinalMb?: number | null;
  pendingMaxInWindow?: number | null;
  pendingReachedZero?: boolean;
  pendingMinAfterWindow?: number | null;
  batchesPerSecond?: number | null;
  meanBatchSize?: number | null;
  writeRetries?: number | null;
  scrapeLatencyMaxMs?: number | null;
  targetCpuPercent?: number | null;
  postgresBackendsCpuPercent?: number | null;
  postgresAuxCpuPercent?: number | null;
  machineCpuPercent?: number | null;
  loadAverage1m?: number | null;
  /** Share of the window the main threads were runnable but had no CPU (worst instance). */
  runQueueWaitPercent?: number | null;
  runQueueWaitMaxMsPerSecond?: number | null;
  otherCpuPercent?: number | null;
  /** The worst instance's. */
  eventLoop?: EventLoopFigures;
  doubles?: {
    gapMs: number;
    inWindow: number;
    acrossInstancesInWindow: number;
    sinceStart: number;
    acrossInstances: number;
    minGapMs: number | null;
    minGapAcrossInstancesMs: number | null;
    examples: DoubleCheck[];
    acrossExamples: DoubleCheck[];
  };
  /** PostgreSQL: instances whose heartbeat got older than the lease TTL while they were alive (the others may take over a live instance's endpoints). */
  heartbeats?: { leaseTtlMs: number; staleWhileAlive: string[]; samples: ClusterSample[] };
  perInstance?: InstanceResult[];
  /**
   * Checks judged DOWN and DEGRADED against a target that always answers 200 at once (a check that
   * waited seconds for its turn is slow, or times out): in the window, and in the whole measured run
   * up to the stop; incidents open at the end.
   */
  notUp?: { downInWindow: number | null; degradedInWindow: number | null; down: number | null; degraded: number | null; incidentsOpenAtEnd: number | null };
  takeover?: TakeoverResult | { error: string };
  stall?: StallResult | { error: string };
  stopExitCode?: number | null;
  stopMs?: number | null;
  unfinishedAtStop?: string | null;
  startedFinal?: number | null;
  writtenFinal?: number | null;
  runningFinal?: number | null;
  rowsBefore?: number | null;
  rowsAfter?: number | null;
  rowsOfMeasuredRun?: number | null;
  /** Requests the target received in the measured run (one per check; a reused socket's retry adds one). */
  targetRequests?: number | null;
  allStored?: boolean;
  allStoredDetail?: string;
  aimMet?: boolean;
  samples?: Sample[];
  logFiles?: string[];
  cpuProfile?: string[];
}
