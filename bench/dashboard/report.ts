/** The dashboard bench's Markdown tables: first render, live flow, heap and consistency, page profile. */
import { cell, median, round } from '../support/report.ts';
import type { HeapReading } from './browser.ts';
import type { CpuPercents } from './cpu.ts';
import type { Options } from './options.ts';
import type { WindowStats } from './page.ts';
import type { RunResult, WindowResult } from './results.ts';

const kb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : round(bytes / 1024, 1));

export function markdown(results: RunResult[], options: Options): string {
  const ok = results.filter((r) => r.ok);
  const lines: string[] = [];
  lines.push(
    '**First render** (ms from navigation start; quiet: every endpoint paused)',
    '',
    '| db | run | first full render ms | painted ms | API data in ms | render after data ms | DCL ms | load ms | longest task during load ms | entry JS KB gzip (wire) | all JS KB gzip | heap after render MB | DOM nodes | machine CPU % before the run |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const renderRow = (db: string, run: string, r: Partial<RunResult>) =>
    `| ${db} | ${run} | ${cell(r.render?.firstFullRenderMs)} | ${cell(r.render?.firstFullRenderPaintedMs)} | ${cell(r.render?.apiDataInMs)} | ` +
    `${cell(r.render?.renderAfterDataMs)} | ${cell(r.render?.domContentLoadedMs)} | ${cell(r.render?.loadMs)} | ` +
    `${r.render ? (r.render.longestTaskMs ?? '< 50') : '–'} | ${cell(kb(r.transferred?.entry?.gzipBytes))} (${cell(kb(r.transferred?.entry?.wireBytes))}) | ` +
    `${cell(kb(r.transferred?.jsGzipBytes))} | ${cell(r.heapAfterRender?.usedMb)} | ${cell(r.heapAfterRender?.domNodes)} | ${cell(r.machineBeforeRun?.cpuPercent)} |`;
  for (const r of results) {
    if (!r.ok) {
      lines.push(`| ${r.db} | ${r.run} | failed: ${(r.error ?? '').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 300)} | | | | | | | | | | | |`);
      continue;
    }
    lines.push(renderRow(r.db, String(r.run), r));
  }
  for (const db of options.dbs) {
    const rs = ok.filter((r) => r.db === db);
    if (rs.length < 2) continue;
    const m = (f: (r: RunResult) => number | null | undefined, d = 1) => round(median(rs.map(f)), d);
    lines.push(
      renderRow(db, `median of ${rs.length}`, {
        render: {
          firstFullRenderMs: m((r) => r.render?.firstFullRenderMs),
          firstFullRenderPaintedMs: m((r) => r.render?.firstFullRenderPaintedMs),
          apiDataInMs: m((r) => r.render?.apiDataInMs),
          renderAfterDataMs: m((r) => r.render?.renderAfterDataMs),
          domContentLoadedMs: m((r) => r.render?.domContentLoadedMs),
          loadMs: m((r) => r.render?.loadMs),
          longestTaskMs: m((r) => r.render?.longestTaskMs),
        } as RunResult['render'],
        transferred: rs[0]!.transferred,
        heapAfterRender: { usedMb: m((r) => r.heapAfterRender?.usedMb, 2), domNodes: m((r) => r.heapAfterRender?.domNodes) } as HeapReading,
      }),
    );
  }

  lines.push(
    '',
    `**Live flow** (${options.windowS} s windows on the same page, one after the other; events = Socket.io event frames: at the socket (CDP) and as the page's JavaScript got them; ` +
      'delivery lag = page JS receives a check:completed − the check completed; mutations per event counted in the page; CPU % of one core, machine = both cores = 200 %, other = machine − Vigil − browser − target − bench)',
    '',
    '| db | run | window | events/s at socket (status-changed/s) | events/s into page JS (backlog at end) | delivery lag p50 / p99 ms (lag at start) | DOM mutations/event (in .grid) | longest task ms (tasks > 50 ms) | frame gap p50 / p99 / max ms | heap after MB | DOM nodes | Vigil CPU % | browser CPU % (renderer) | renderer main thread CPU % / waiting for a CPU % | machine CPU % (other) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const windowRow = (db: string, run: string, w: Partial<WindowResult>) =>
    `| ${db} | ${run} | ${w.label} | ${cell(w.eventsPerSecond)} (${cell(w.statusChangedPerSecond)}) | ${cell(w.pageEventsPerSecond)} (${cell(w.backlogAtEnd)}) | ` +
    `${cell(round(w.stats?.deliveryLagMs.p50, 0))} / ${cell(round(w.stats?.deliveryLagMs.p99, 0))} (${cell(w.lagAtStartMs)}) | ${cell(w.mutationsPerEvent)} (${cell(w.gridMutationsPerEvent)}) | ` +
    `${w.stats ? (w.stats.longTasks.maxMs === null ? '< 50' : round(w.stats.longTasks.maxMs)) : '–'} (${cell(w.stats?.longTasks.count)}) | ` +
    `${cell(round(w.stats?.frames.p50))} / ${cell(round(w.stats?.frames.p99))} / ${cell(round(w.stats?.frames.max))} | ` +
    `${cell(w.heapAfter?.usedMb)} | ${cell(w.heapAfter?.domNodes)} | ${cell(w.cpu?.vigil)} | ${cell(w.cpu?.browser)} (${cell(w.cpu?.renderer)}) | ${cell(w.cpu?.rendererMainThread)} / ${cell(w.cpu?.rendererMainThreadWaiting)} | ${cell(w.cpu?.machine)} (${cell(w.cpu?.other)}) |`;
  for (const r of ok) for (const w of r.windows ?? []) lines.push(windowRow(r.db, String(r.run), w));
  for (const db of options.dbs) {
    const rs = ok.filter((r) => r.db === db);
    if (rs.length < 2) continue;
    for (const label of ['window 1', 'window 2']) {
      const ws = rs.map((r) => r.windows?.find((w) => w.label === label)).filter((w): w is WindowResult => !!w);
      const m = (f: (w: WindowResult) => number | null | undefined, d = 1) => round(median(ws.map(f)), d);
      const longest = m((w) => w.stats.longTasks.maxMs ?? 0);
      lines.push(
        windowRow(db, `median of ${ws.length}`, {
          label,
          eventsPerSecond: m((w) => w.eventsPerSecond),
          statusChangedPerSecond: m((w) => w.statusChangedPerSecond),
          pageEventsPerSecond: m((w) => w.pageEventsPerSecond),
          backlogAtEnd: m((w) => w.backlogAtEnd, 0)!,
          mutationsPerEvent: m((w) => w.mutationsPerEvent, 2),
          gridMutationsPerEvent: m((w) => w.gridMutationsPerEvent, 2),
          stats: {
            deliveryLagMs: { p50: m((w) => w.stats.deliveryLagMs.p50), p99: m((w) => w.stats.deliveryLagMs.p99) },
            longTasks: { maxMs: longest !== null && longest < 50 ? null : longest, count: m((w) => w.stats.longTasks.count)! },
            frames: { p50: m((w) => w.stats.frames.p50), p99: m((w) => w.stats.frames.p99), max: m((w) => w.stats.frames.max) },
          } as WindowStats,
          heapAfter: { usedMb: m((w) => w.heapAfter?.usedMb, 2), domNodes: m((w) => w.heapAfter?.domNodes) } as HeapReading,
          cpu: {
            vigil: m((w) => w.cpu.vigil),
            browser: m((w) => w.cpu.browser),
            renderer: m((w) => w.cpu.renderer),
            rendererMainThread: m((w) => w.cpu.rendererMainThread),
            rendererMainThreadWaiting: m((w) => w.cpu.rendererMainThreadWaiting),
            machine: m((w) => w.cpu.machine),
            other: m((w) => w.cpu.other),
          } as CpuPercents,
        }),
      );
    }
  }

  lines.push(
    '',
    '**Heap over a second window** (after a forced GC at the end of each window) and consistency after the flow',
    '',
    '| db | run | heap w1 → w2 MB | growth MB (%) | DOM nodes growth | strip squares growth | toasts in DOM w1 → w2 | forced GC after w1 / w2 s | steady flow reached | page caught up s after Vigil drained | cards whose last-check time / newest square / status differs from REST |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  );
  for (const r of ok) {
    const [w1, w2] = r.windows ?? [];
    lines.push(
      `| ${r.db} | ${r.run} | ${cell(w1?.heapAfter?.usedMb)} → ${cell(w2?.heapAfter?.usedMb)} | ${cell(r.heapGrowthW1toW2Mb)} (${cell(r.heapGrowthW1toW2Pct)}) | ` +
        `${cell(r.domNodeGrowthW1toW2)} | ${cell(r.stripItemGrowthW1toW2)} | ${cell(w1?.heapAfter?.toasts)} → ${cell(w2?.heapAfter?.toasts)} | ${cell(round((w1?.heapAfter?.gcMs ?? NaN) / 1000))} / ${cell(round((w2?.heapAfter?.gcMs ?? NaN) / 1000))} | ${r.steady?.reached ? `yes, after ${r.steady.afterSeconds} s` : `no (${r.steady?.startedPerSecond} checks/s, ${r.steady?.framesPerSecond} frames/s)`} | ` +
        `${r.consistency ? `${r.consistency.catchUpSeconds}${r.consistency.caughtUp ? '' : ' (not all)'}` : '–'} | ` +
        `${r.consistency ? `${r.consistency.timeMismatches} / ${r.consistency.stripMismatches} / ${r.consistency.statusTextMismatches} of ${r.consistency.checked}` : '–'} |`,
    );
  }
  const profiled = ok.flatMap((r) => (r.windows ?? []).filter((w) => w.profile).map((w) => ({ r, w })));
  for (const { r, w } of profiled) {
    lines.push('', `**Page CPU profile** (${r.db} run ${r.run}, a third ${options.windowS} s window; ${w.profile!.file}): self time`, '');
    lines.push('| function | self ms | % |', '| --- | ---: | ---: |');
    for (const f of w.profile!.byFunction.slice(0, 15)) lines.push(`| \`${f.fn.replace(/\|/g, '/')}\` | ${f.selfMs} | ${f.pct} |`);
  }
  return lines.join('\n');
}
