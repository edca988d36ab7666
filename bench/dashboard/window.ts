/** One measured window of the live flow, on the open dashboard: events, lag, mutations, frames, heap, CPU. */
import { writeFileSync } from 'node:fs';
import { progress, round } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import { assertNotAborting } from '../support/cleanup.ts';
import { mb, readHeap } from './browser.ts';
import { cpuPercents, cpuSnapshot } from './cpu.ts';
import type { Dashboard } from './first-render.ts';
import { RECOVERED_LAG_MS, type Options } from './options.ts';
import type { PageMark, WindowStats } from './page.ts';
import { summariseProfile, type CpuProfile } from './profile.ts';
import type { WindowResult } from './results.ts';
import { scrape } from './vigil.ts';

/** The processes whose CPU a window reports. */
export interface WindowPids {
  vigil: number;
  target: number;
  browser: number | null;
}

/**
 * `label` 'profiled' records a CPU profile of the page into `profileFile` instead of reading the heap.
 * The window starts once the page is current again (at most --steady-timeout s).
 */
export async function measureWindow(
  label: string,
  { page, cdp, frames }: Dashboard,
  base: string,
  pids: WindowPids,
  options: Options,
  profileFile: string,
): Promise<WindowResult> {
  const profiled = label === 'profiled';
  // A window starts with the page current: after the heap reading (a forced full GC) it may be
  // seconds behind. Wait (at most --steady-timeout s) until the checks it receives are < 1 s old.
  const recoverStart = Date.now();
  let lagAtStartMs: number | null = null;
  for (;;) {
    lagAtStartMs = (await withTimeout(page.evaluate('window.__vigilBench.recentLag(2000)'), 60_000, 'the page lag')) as number | null;
    if ((lagAtStartMs !== null && lagAtStartMs <= RECOVERED_LAG_MS) || Date.now() - recoverStart > options.steadyTimeoutS * 1000) break;
    await sleep(500);
  }
  const waitedForPageS = round((Date.now() - recoverStart) / 1000)!;
  if (lagAtStartMs === null || lagAtStartMs > RECOVERED_LAG_MS) {
    progress(`  the page is still ${lagAtStartMs ?? '?'} ms behind after ${waitedForPageS} s; ${label} starts anyway`);
  }
  if (profiled) {
    await withTimeout(cdp.send('Profiler.enable'), 10_000, 'Profiler.enable');
    await withTimeout(cdp.send('Profiler.setSamplingInterval', { interval: 200 }), 10_000, 'Profiler.setSamplingInterval');
    await withTimeout(cdp.send('Profiler.start'), 10_000, 'Profiler.start');
  }
  const m0 = await scrape(base);
  const c0 = cpuSnapshot(m0.cpuS, pids.vigil, pids.target, pids.browser);
  const p0 = (await withTimeout(page.evaluate('window.__vigilBench.mark()'), 30_000, 'page mark')) as PageMark;
  const f0 = frames.snapshot();
  progress(`  ${label}: ${options.windowS} s`);
  await sleep(options.windowS * 1000);
  assertNotAborting();
  const f1 = frames.snapshot();
  const tMark = Date.now();
  const p1 = (await withTimeout(page.evaluate('window.__vigilBench.mark()'), 30_000, 'page mark')) as PageMark;
  const markRoundTripMs = Date.now() - tMark;
  const backlogAtEnd = frames.total - p1.wsEvents;
  const m1 = await scrape(base);
  const c1 = cpuSnapshot(m1.cpuS, pids.vigil, pids.target, pids.browser);
  let profile: WindowResult['profile'];
  if (profiled) {
    const { profile: raw } = (await withTimeout(cdp.send('Profiler.stop'), 60_000, 'Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.send('Profiler.disable').catch(() => {});
    const file = profileFile;
    writeFileSync(file, JSON.stringify(raw));
    profile = { file, ...summariseProfile(raw, base) };
  }
  const heapAfter = profiled ? null : await readHeap(page, cdp);
  // Long tasks and long frames are reported a little after they end: read them after the heap.
  const stats = (await withTimeout(page.evaluate(`window.__vigilBench.windowStats(${p0.now}, ${p1.now})`), 30_000, 'window stats')) as WindowStats;
  const seconds = (f1.t - f0.t) / 1000;
  const events = f1.total - f0.total;
  const pageEvents = p1.wsEvents - p0.wsEvents;
  const pageSeconds = (p1.now - p0.now) / 1000;
  const byName: Record<string, number> = {};
  for (const [k, v] of Object.entries(f1.byName)) byName[k] = v - (f0.byName[k] ?? 0);
  const w: WindowResult = {
    label,
    seconds: round(seconds, 2)!,
    events,
    eventsPerSecond: round(events / seconds),
    statusChangedPerSecond: round((byName['endpoint:status-changed'] ?? 0) / seconds),
    checkCompletedPerSecond: round((byName['check:completed'] ?? 0) / seconds),
    eventsByName: byName,
    mutations: p1.mutations - p0.mutations,
    lagAtStartMs: round(lagAtStartMs, 0),
    waitedForPageS,
    pageEvents,
    pageEventsPerSecond: round(pageEvents / pageSeconds),
    backlogAtEnd,
    markRoundTripMs,
    // Mutations and events both counted inside the page between the same two marks.
    mutationsPerEvent: pageEvents ? round((p1.mutations - p0.mutations) / pageEvents, 2) : null,
    gridMutationsPerEvent: pageEvents ? round((p1.gridMutations - p0.gridMutations) / pageEvents, 2) : null,
    mutationsByType: {
      childList: p1.childList - p0.childList,
      attributes: p1.attributes - p0.attributes,
      characterData: p1.characterData - p0.characterData,
      addedNodes: p1.addedNodes - p0.addedNodes,
      removedNodes: p1.removedNodes - p0.removedNodes,
    },
    stats,
    heapAfter,
    cpu: cpuPercents(c0, c1),
    vigil: {
      checksStartedPerSecond: round((m1.started - m0.started) / ((m1.t - m0.t) / 1000)),
      writtenPerSecond: round((m1.written - m0.written) / ((m1.t - m0.t) / 1000)),
      lagP99Ms: m1.lagP99,
      rssMb: mb(m1.rss),
    },
    ...(profile ? { profile } : {}),
  };
  progress(
    `  ${label}: ${w.events} events at the socket (${w.eventsPerSecond}/s; status-changed ${w.statusChangedPerSecond}/s), ${w.pageEventsPerSecond}/s into the page's JS ` +
      `(backlog at the end ${backlogAtEnd}, evaluate answered in ${markRoundTripMs} ms), delivery lag p50 ${round(stats.deliveryLagMs.p50)} p99 ${round(stats.deliveryLagMs.p99)} ms, ` +
      `${w.mutationsPerEvent} mutations/event, ` +
      `longest task ${stats.longTasks.maxMs === null ? '< 50' : round(stats.longTasks.maxMs)} ms (${stats.longTasks.count} > 50 ms), ` +
      `frame gap p50 ${round(stats.frames.p50)} p99 ${round(stats.frames.p99)} max ${round(stats.frames.max)} ms; ` +
      `heap ${heapAfter?.usedMb ?? '-'} MB; CPU Vigil ${w.cpu.vigil}%, browser ${w.cpu.browser}% (renderer ${w.cpu.renderer}%, its main thread ${w.cpu.rendererMainThread}% ` +
      `and ${w.cpu.rendererMainThreadWaiting}% waiting for a CPU), machine ${w.cpu.machine}%, other ${w.cpu.other}% ` +
      `(${w.cpu.otherTop
        .slice(0, 2)
        .map((o) => `${o.cmd.slice(0, 40)} ${o.cpu}%`)
        .join(', ')})`,
  );
  if (profile)
    progress(
      `  profile: ${profile.file}; top: ${profile.byFunction
        .slice(0, 5)
        .map((f) => `${f.fn} ${f.pct}%`)
        .join(', ')}`,
    );
  return w;
}
