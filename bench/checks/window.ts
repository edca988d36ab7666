/** The measured window in figures: per instance, and for the scenario as a whole (summed, or the worst instance's). */
import type { TrackerStats } from '../support/check-tracker.ts';
import { machineCpuPercent } from '../support/proc.ts';
import { progress, round } from '../support/report.ts';
import { cpuDelta } from './database.ts';
import { lagWindowText, maxOf, readProbe, sumOf } from './figures.ts';
import type { InstanceResult, ScenarioResult } from './results.ts';
import type { Member, Scrape } from './vigil.ts';

type PostgresCpu = { backends: Map<number, number>; aux: Map<number, number> };

/** What the bench read at the window's start (…0) and end (…1), and around it. */
export interface WindowReadings {
  kind: 'pglite' | 'postgres';
  instances: number;
  /** The target rate, checks/s. */
  rate: number;
  warmupS: number;
  members: Member[];
  m0: Scrape[];
  m1: Scrape[];
  track0: TrackerStats;
  track1: TrackerStats;
  wait0: (number | null)[];
  wait1: (number | null)[];
  target0: number | null;
  target1: number | null;
  machine0: { busy: number; total: number };
  machine1: { busy: number; total: number };
  pg0?: PostgresCpu;
  pg1?: PostgresCpu;
  leases?: Map<string, number>;
  heartbeatsInWindow?: Record<string, { ageMs: number; at: number }>;
  /** The members' RSS added up, once a second. */
  rssTotals: number[];
}

/** Fills the window's figures into `result`, says them on stderr, and answers them per instance. */
export function summariseWindow(
  {
    kind,
    instances,
    rate,
    warmupS,
    members,
    m0,
    m1,
    track0,
    track1,
    wait0,
    wait1,
    target0,
    target1,
    machine0,
    machine1,
    pg0,
    pg1,
    leases,
    heartbeatsInWindow,
    rssTotals,
  }: WindowReadings,
  result: ScenarioResult,
): InstanceResult[] {
  const dt = (Math.max(...m1.map((m) => m.t)) - Math.min(...m0.map((m) => m.t))) / 1000;
  const trackDt = (track1.at - track0.at) / 1000;
  result.windowSeconds = round(dt, 2);
  const perInstance: InstanceResult[] = members.map((m, i) => {
    const a = m0[i]!;
    const b = m1[i]!;
    const mdt = (b.t - a.t) / 1000;
    const inWindow = m.samples.filter((s) => s.t >= a.t && s.t <= b.t);
    const waits = inWindow.map((s) => s.runQueueWaitMs).filter((w): w is number => w !== null);
    const achievedRate = round((b.started - a.started) / mdt);
    const key = kind === 'postgres' ? m.id : '-';
    return {
      id: m.id,
      pid: m.vigil.pid,
      achievedRate,
      writtenRate: round((b.written - a.written) / mdt),
      targetViewRate: round(((track1.byInstance[key] ?? 0) - (track0.byInstance[key] ?? 0)) / trackDt),
      lagP50Ms: b.lagP50,
      lagP90Ms: b.lagP90,
      lagP99Ms: b.lagP99,
      lagCoversSeconds: b.started >= 10_000 && achievedRate ? round(10_000 / achievedRate) : null,
      overlapsSkippedInWindow: b.skipped - a.skipped,
      cpuPercent: round(((b.cpuS - a.cpuS) / mdt) * 100),
      rssPeakMb: round(Math.max(...m.samples.map((s) => s.rssMb), a.rss / 1048576, b.rss / 1048576)),
      rssFinalMb: round(b.rss / 1048576),
      pendingMaxInWindow: Math.max(a.pending, b.pending, ...inWindow.map((s) => s.pending)),
      batchesPerSecond: round((b.batches - a.batches) / mdt),
      meanBatchSize: round((b.written - a.written) / Math.max(1, b.batches - a.batches)),
      writeRetries: b.retries,
      scrapeLatencyMaxMs: Math.max(a.latencyMs, b.latencyMs, ...inWindow.map((s) => s.scrapeMs)),
      runQueueWaitPercent: wait0[i] != null && wait1[i] != null ? round(((wait1[i]! - wait0[i]!) / 1000 / mdt) * 100) : null,
      runQueueWaitMaxMsPerSecond: waits.length ? Math.max(...waits) : null,
      eventLoop: readProbe(m.probeFile, a.t, b.t),
      endpointsCheckedLast: track1.holders[key] ?? 0,
      leasesHeld: leases ? (leases.get(m.id) ?? 0) : null,
      heartbeatMaxAgeMs: null,
      heartbeatMaxAgeInWindowMs: heartbeatsInWindow?.[m.id]?.ageMs ?? null,
      leasesClaimed: b.claimed,
      leasesReleased: b.released,
      leasesLost: b.lost,
      eventsReceivedRate: b.eventsReceived !== null && a.eventsReceived !== null ? round((b.eventsReceived - a.eventsReceived) / mdt) : null,
      samples: [],
    };
  });
  result.perInstance = perInstance;
  result.achievedRate = round(sumOf(perInstance.map((p) => p.achievedRate)));
  result.writtenRate = round(sumOf(perInstance.map((p) => p.writtenRate)));
  result.targetViewRate = round((track1.requests - track0.requests) / trackDt);
  const worst = perInstance.reduce((w, p) => ((p.lagP99Ms ?? -1) > (w.lagP99Ms ?? -1) ? p : w), perInstance[0]!);
  result.lagP50Ms = maxOf(perInstance.map((p) => p.lagP50Ms));
  result.lagP90Ms = maxOf(perInstance.map((p) => p.lagP90Ms));
  result.lagP99Ms = maxOf(perInstance.map((p) => p.lagP99Ms));
  const worstIndex = perInstance.indexOf(worst);
  result.lagWindow =
    (instances > 1 ? `per instance (worst p99: ${worst.id}) ` : '') +
    lagWindowText(m0[worstIndex]!.started, m1[worstIndex]!.started, worst.achievedRate ?? rate, warmupS);
  result.lagAtWindowStart = { p50: maxOf(m0.map((m) => m.lagP50)), p99: maxOf(m0.map((m) => m.lagP99)) };
  result.overlapsSkippedInWindow = sumOf(perInstance.map((p) => p.overlapsSkippedInWindow));
  result.overlapsSkippedTotal = sumOf(m1.map((m) => m.skipped));
  result.cpuPercent = round(sumOf(perInstance.map((p) => p.cpuPercent)));
  result.rssPeakMb = maxOf(perInstance.map((p) => p.rssPeakMb));
  result.rssTotalPeakMb = round(Math.max(...rssTotals, sumOf(m1.map((m) => m.rss / 1048576)) ?? 0));
  result.rssFinalMb = round(sumOf(perInstance.map((p) => p.rssFinalMb)));
  result.pendingMaxInWindow = maxOf(perInstance.map((p) => p.pendingMaxInWindow));
  result.batchesPerSecond = round(sumOf(perInstance.map((p) => p.batchesPerSecond)));
  result.meanBatchSize = round(sumOf(m1.map((b, i) => b.written - m0[i]!.written))! / Math.max(1, sumOf(m1.map((b, i) => b.batches - m0[i]!.batches))!));
  result.writeRetries = sumOf(m1.map((m) => m.retries));
  result.scrapeLatencyMaxMs = maxOf(perInstance.map((p) => p.scrapeLatencyMaxMs));
  result.targetCpuPercent = target0 !== null && target1 !== null ? round(((target1 - target0) / dt) * 100) : null;
  if (pg0 && pg1) {
    result.postgresBackendsCpuPercent = round((cpuDelta(pg0.backends, pg1.backends) / dt) * 100);
    result.postgresAuxCpuPercent = round((cpuDelta(pg0.aux, pg1.aux) / dt) * 100);
  }
  result.machineCpuPercent = machineCpuPercent(machine0, machine1);
  result.otherCpuPercent = round(
    result.machineCpuPercent! -
      result.cpuPercent! -
      (result.targetCpuPercent ?? 0) -
      (result.postgresBackendsCpuPercent ?? 0) -
      (result.postgresAuxCpuPercent ?? 0),
  );
  const busiest = perInstance.reduce((w, p) => ((p.eventLoop.utilisationMean ?? -1) > (w.eventLoop.utilisationMean ?? -1) ? p : w), perInstance[0]!);
  result.eventLoop = busiest.eventLoop;
  result.runQueueWaitPercent = maxOf(perInstance.map((p) => p.runQueueWaitPercent));
  result.runQueueWaitMaxMsPerSecond = maxOf(perInstance.map((p) => p.runQueueWaitMaxMsPerSecond));
  result.doubles = {
    gapMs: track1.doubleGapMs,
    inWindow: track1.doubles - track0.doubles,
    acrossInstancesInWindow: track1.doublesAcrossInstances - track0.doublesAcrossInstances,
    sinceStart: track1.doubles,
    acrossInstances: track1.doublesAcrossInstances,
    minGapMs: track1.minGapMs,
    minGapAcrossInstancesMs: track1.minGapAcrossInstancesMs,
    examples: track1.doubleExamples,
    acrossExamples: track1.acrossExamples,
  };
  progress(
    `  window: ${result.achievedRate} started/s (target saw ${result.targetViewRate}/s), ${result.writtenRate} written/s, lag p50 ${result.lagP50Ms} p99 ${result.lagP99Ms} ms (worst instance), ` +
      `CPU ${result.cpuPercent}% (target ${result.targetCpuPercent}%, PG ${result.postgresBackendsCpuPercent ?? '-'}%, machine ${result.machineCpuPercent}%), ` +
      `ELU ${result.eventLoop?.utilisationMean}, run-queue wait ${result.runQueueWaitPercent}%, pending max ${result.pendingMaxInWindow}, double checks in the window ${result.doubles.inWindow} (${result.doubles.acrossInstancesInWindow} across instances), since start ${result.doubles.sinceStart} (${result.doubles.acrossInstances} across)`,
  );
  if (instances > 1) {
    for (const p of perInstance) {
      progress(
        `    ${p.id}: ${p.achievedRate}/s (target ${p.targetViewRate}/s), lag p50 ${p.lagP50Ms} p99 ${p.lagP99Ms} ms, CPU ${p.cpuPercent}%, RSS ${p.rssPeakMb} MB, ` +
          `checked last ${p.endpointsCheckedLast} endpoints, leases ${p.leasesHeld}, run-queue wait ${p.runQueueWaitPercent}%`,
      );
    }
  }
  return perInstance;
}
