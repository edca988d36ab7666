/** The check bench's Markdown tables: results, diagnostics, per instance, takeover, stall, medians over the runs. */
import { cell, median, round } from '../support/report.ts';
import type { Options } from './options.ts';
import type { ScenarioResult, TakeoverResult } from './results.ts';

const s1 = (ms: number | null | undefined) => cell(round((ms ?? NaN) / 1000, 1));
const doubleCells = (r: ScenarioResult) => {
  const d = r.doubles;
  return d ? `${d.acrossInstancesInWindow} / ${d.inWindow - d.acrossInstancesInWindow} | ${d.acrossInstances} / ${d.sinceStart - d.acrossInstances}` : '– | –';
};
const label = (r: ScenarioResult, runs: number) => `${r.db} ×${r.instances} ${r.endpoints}@${r.targetRate}/s${runs > 1 ? ` run ${r.run}` : ''}`;

export function markdown(results: ScenarioResult[], options: Options): string {
  const lines = [
    '| db | checks | instances | run | endpoints | target checks/s | achieved checks/s | target saw /s | written/s | lag p50 ms | lag p99 ms | Vigil CPU % | Vigil CPU ms / check | RSS peak MB (largest / all) | PG CPU % | double checks in the window: across instances / same | since start | all stored |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    if (!r.ok) {
      lines.push(
        `| ${r.db} | ${r.checks ?? 'plain'} | ${r.instances} | ${r.run} | ${r.endpoints} | ${r.targetRate} | failed: ${(r.error ?? '').replace(/\|/g, '/').split('\n')[0]} | | | | | | | | | | | |`,
      );
      continue;
    }
    lines.push(
      `| ${r.db} | ${r.checks ?? 'plain'} | ${r.instances} | ${r.run} | ${r.endpoints} | ${r.targetRate} | ${cell(r.achievedRate)} | ${cell(r.targetViewRate)} | ${cell(r.writtenRate)} | ${cell(r.lagP50Ms)} | ${cell(r.lagP99Ms)} | ${cell(r.cpuPercent)} | ${cell(round(((r.cpuPercent ?? NaN) * 10) / (r.achievedRate ?? NaN), 3))} | ${cell(r.rssPeakMb)} / ${cell(r.rssTotalPeakMb)} | ${cell(r.postgresBackendsCpuPercent)} | ${doubleCells(r)} | ${r.allStored ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    'Lag: the worst instance\'s; CPU and RSS "all": the Vigil processes added up; double checks: two checks of one endpoint closer than half its interval (target\'s view), the second by another instance / by the same one; "since start": from the measured processes\' start, across / same.',
    '',
    'Diagnostics (same window; CPU % of one core, 200 % = both cores; event loop and run-queue wait: the worst instance):',
    '',
    '| db | instances | endpoints | interval s | held (±3 %, p99 < 200, stored) | overlaps skipped | pending max | pending → 0 | batches/s | mean batch | event-loop util. | event-loop delay p99 ms (median / max of 1 s slices) / worst stall ms | target CPU % | PG backends CPU % | PG writers CPU % | machine CPU % | other CPU % | load avg 1 min | Vigil run-queue wait % (max ms in 1 s) | RSS final MB | create /s | checks DOWN / DEGRADED in the window | in the whole run | incidents open at the end |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    if (!r.ok) continue;
    lines.push(
      `| ${r.db} | ${r.instances} | ${r.endpoints} | ${r.intervalSeconds} | ${r.aimMet ? 'yes' : 'no'} | ${cell(r.overlapsSkippedInWindow)} | ${cell(r.pendingMaxInWindow)} | ${r.pendingReachedZero ? 'yes' : 'no'} | ${cell(r.batchesPerSecond)} | ${cell(r.meanBatchSize)} | ${cell(r.eventLoop?.utilisationMean)} | ${cell(r.eventLoop?.delayP99MsMedian)} / ${cell(r.eventLoop?.delayP99MsMax)} / ${cell(r.eventLoop?.delayMaxMs)} | ${cell(r.targetCpuPercent)} | ${cell(r.postgresBackendsCpuPercent)} | ${cell(r.postgresAuxCpuPercent)} | ${cell(r.machineCpuPercent)} | ${cell(r.otherCpuPercent)} | ${cell(r.loadAverage1m)} | ${cell(r.runQueueWaitPercent)} (${cell(r.runQueueWaitMaxMsPerSecond)}) | ${cell(r.rssFinalMb)} | ${cell(r.createRate)} | ${cell(r.notUp?.downInWindow)} / ${cell(r.notUp?.degradedInWindow)} | ${cell(r.notUp?.down)} / ${cell(r.notUp?.degraded)} | ${cell(r.notUp?.incidentsOpenAtEnd)} |`,
    );
  }
  const clustered = results.filter((r) => r.ok && r.instances > 1);
  if (clustered.length > 0) {
    lines.push(
      '',
      'Per instance (same window):',
      '',
      '| scenario | instance | checks/s | target saw /s | lag p50 ms | lag p99 ms | lag covers s | CPU % | RSS peak MB | run-queue wait % | event-loop util. | endpoints it checked last | leases held | pending max | heartbeat max age ms (window / from start) | leases claimed / handed over / lost (from start) | events from the others /s |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of clustered) {
      for (const p of r.perInstance ?? []) {
        lines.push(
          `| ${label(r, options.runs)} | ${p.id} | ${cell(p.achievedRate)} | ${cell(p.targetViewRate)} | ${cell(p.lagP50Ms)} | ${cell(p.lagP99Ms)} | ${cell(p.lagCoversSeconds)} | ${cell(p.cpuPercent)} | ${cell(p.rssPeakMb)} | ${cell(p.runQueueWaitPercent)} | ${cell(p.eventLoop.utilisationMean)} | ${cell(p.endpointsCheckedLast)} | ${cell(p.leasesHeld)} | ${cell(p.pendingMaxInWindow)} | ${cell(p.heartbeatMaxAgeInWindowMs)} / ${cell(p.heartbeatMaxAgeMs)} | ${cell(p.leasesClaimed)} / ${cell(p.leasesReleased)} / ${cell(p.leasesLost)} | ${cell(p.eventsReceivedRate)} |`,
        );
      }
    }
  }
  const takeovers = results.filter((r) => r.ok && r.takeover);
  if (takeovers.length > 0) {
    lines.push(
      '',
      "Takeover after kill -9 (target's view: from the kill until each endpoint the killed instance had checked last was checked by another):",
      '',
      '| scenario | killed | its endpoints | checked again | kill → last one s | p50 s | p99 s | longest unchecked gap s | bound s | within | double checks since kill (across instances) | target requests − rows | checks/s after | lag p99 after ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    );
    for (const r of takeovers) {
      const t = r.takeover!;
      if ('error' in t) {
        lines.push(`| ${label(r, options.runs)} | failed: ${t.error.replace(/\|/g, '/')} | | | | | | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${label(r, options.runs)} | ${t.instance} | ${t.orphans} | ${t.resumed} | ${s1(t.delayMaxMs)} | ${s1(t.delayP50Ms)} | ${s1(t.delayP99Ms)} | ${s1(t.longestGapMs)} | ${s1(t.boundMs)} | ${t.withinBound ? 'yes' : 'NO'} | ${t.doublesSinceKill} (${cell(t.doublesAcrossInstances)}) | ${cell(t.lostWithKilled)} | ${cell(t.rateAfter)} | ${cell(t.lagP99AfterMs)} |`,
      );
    }
  }
  const slowLines: string[] = [];
  for (const r of takeovers) {
    const t = r.takeover!;
    if ('error' in t || !t.slowest?.length) continue;
    const slow = t.slowest
      .slice(0, 5)
      .map((o) => `${o.path} ${s1(o.delayMs)} s after the kill by ${o.by} (last checked ${s1(o.lastCheckMsBeforeKill)} s before it)`);
    slowLines.push(`- ${label(r, options.runs)}, checked again last: ${slow.join('; ')}`);
  }
  if (slowLines.length > 0) lines.push('', ...slowLines);
  const stalls = results.filter((r) => r.ok && r.stall);
  if (stalls.length > 0) {
    lines.push(
      '',
      "One instance frozen (SIGSTOP … SIGCONT), alive but silent; counted until one interval + 10 s after the thaw (target's view):",
      '',
      '| scenario | frozen | for s | its heartbeat max age s | its endpoints | checked by others meanwhile | its checks after the thaw | double checks | across instances |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of stalls) {
      const t = r.stall!;
      if ('error' in t) {
        lines.push(`| ${label(r, options.runs)} | failed: ${t.error.replace(/\|/g, '/')} | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${label(r, options.runs)} | ${t.instance} | ${s1(t.stallMs)} | ${s1(t.heartbeatMaxAgeMs)} | ${t.orphans} | ${t.takenMeanwhile} | ${t.requestsAfterThaw} | ${t.doubles} | ${t.doublesAcrossInstances} |`,
      );
    }
    const examples = stalls.flatMap((r) =>
      r.stall && 'instance' in r.stall && r.stall.acrossExamples.length
        ? [`- ${label(r, options.runs)}: e.g. ${JSON.stringify(r.stall.acrossExamples.slice(0, 4))}`]
        : [],
    );
    if (examples.length > 0) lines.push('', 'Double checks across instances around the freeze:', '', ...examples);
  }
  if (options.runs > 1) lines.push('', ...medians(results));
  lines.push('', 'Lag quantiles (vigil_scheduler_lag_ms, read at the end of the window) cover:', '');
  for (const r of results) if (r.ok) lines.push(`- ${label(r, options.runs)}: ${r.lagWindow}`);
  const doubled = results.filter((r) => r.ok && (r.doubles?.sinceStart ?? 0) > 0);
  const doubledAfterKill = takeovers.filter((r) => r.takeover && !('error' in r.takeover) && r.takeover.doubles > 0);
  if (doubled.length + doubledAfterKill.length > 0) {
    lines.push('', 'Double checks (first examples):', '');
    for (const r of doubled) {
      const d = r.doubles!;
      lines.push(
        `- ${label(r, options.runs)}: ${d.sinceStart} since start (${d.acrossInstances} across instances), ${d.inWindow} in the window (${d.acrossInstancesInWindow} across); closest pair ${d.minGapMs} ms, across instances ${cell(d.minGapAcrossInstancesMs)} ms; e.g. ${JSON.stringify([...d.acrossExamples.slice(0, 3), ...d.examples.slice(0, 2)])}`,
      );
    }
    for (const r of doubledAfterKill) {
      const t = r.takeover as TakeoverResult;
      lines.push(
        `- ${label(r, options.runs)} after the kill: ${t.doubles} (${t.doublesAcrossInstances} across instances), e.g. ${JSON.stringify([...t.acrossExamples.slice(0, 3), ...t.doubleExamples.slice(0, 2)])}`,
      );
    }
  }
  lines.push('', '"all stored":', '');
  for (const r of results) if (r.ok) lines.push(`- ${label(r, options.runs)}: ${r.allStoredDetail}`);
  return lines.join('\n');
}

const sumDoubles = (rs: ScenarioResult[], f: (d: NonNullable<ScenarioResult['doubles']>) => number) =>
  rs.reduce((a, x) => a + (x.doubles ? f(x.doubles) : 0), 0);

/** Medians over the runs of each db × instances × endpoints × rate. */
function medians(results: ScenarioResult[]): string[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    if (!r.ok) continue;
    const key = `${r.db}|${r.instances}|${r.endpoints}|${r.targetRate}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines = [
    'Medians over the runs:',
    '',
    '| db | instances | endpoints | target checks/s | runs | achieved checks/s | lag p50 ms | lag p99 ms | Vigil CPU % | RSS all MB | PG CPU % | machine CPU % | other CPU % | double checks in the window, across / same (sums) | since start (sums) | takeover: kill → last s | longest gap s | doubles after kill (sum) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const rs of groups.values()) {
    const r = rs[0]!;
    const m = (f: (x: ScenarioResult) => number | null | undefined) => cell(round(median(rs.map(f))));
    const taken = rs.map((x) => x.takeover).filter((t): t is TakeoverResult => !!t && !('error' in t));
    lines.push(
      `| ${r.db} | ${r.instances} | ${r.endpoints} | ${r.targetRate} | ${rs.length} | ${m((x) => x.achievedRate)} | ${m((x) => x.lagP50Ms)} | ${m((x) => x.lagP99Ms)} | ${m((x) => x.cpuPercent)} | ${m((x) => x.rssTotalPeakMb)} | ${m((x) => x.postgresBackendsCpuPercent)} | ${m((x) => x.machineCpuPercent)} | ${m((x) => x.otherCpuPercent)} | ${sumDoubles(rs, (d) => d.acrossInstancesInWindow)} / ${sumDoubles(rs, (d) => d.inWindow - d.acrossInstancesInWindow)} | ${sumDoubles(rs, (d) => d.acrossInstances)} / ${sumDoubles(rs, (d) => d.sinceStart - d.acrossInstances)} | ` +
        `${taken.length ? s1(median(taken.map((t) => t.delayMaxMs))) : '–'} | ${taken.length ? s1(median(taken.map((t) => t.longestGapMs))) : '–'} | ${taken.length ? taken.reduce((a, t) => a + t.doublesSinceKill, 0) : '–'} |`,
    );
  }
  return lines;
}
