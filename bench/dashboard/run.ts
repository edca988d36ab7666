/** One run of the dashboard bench, from nothing: database, target, Vigil, endpoints, browser; then every phase in turn. */
import { join } from 'node:path';
import { assertNotAborting } from '../support/cleanup.ts';
import { createBenchDatabase, type BenchDatabase } from '../support/databases.ts';
import { machineCpu, machineCpuPercent } from '../support/proc.ts';
import { startTarget, type TargetProcess, type VigilProcess } from '../support/processes.ts';
import { codeState, progress, round } from '../support/report.ts';
import { sleep } from '../support/waits.ts';
import { launchBrowser, type BrowserHandle } from './browser.ts';
import { checkConsistency } from './consistency.ts';
import { measureFirstRender, newDashboardPage } from './first-render.ts';
import { waitForSteadyFlow } from './flow.ts';
import type { Options } from './options.ts';
import type { RunResult } from './results.ts';
import { api, inParallel } from './rest.ts';
import { scrape, startVigilProcess } from './vigil.ts';
import { measureWindow } from './window.ts';

/** Waits (bounded) until the machine's CPU stays under --quiet-below % for 5 s. */
async function waitForQuiet(options: Options): Promise<{ cpuPercent: number | null; waitedSeconds: number; quiet: boolean }> {
  const t0 = Date.now();
  let cpuPercent: number | null = null;
  let noted = false;
  for (;;) {
    const a = machineCpu();
    await sleep(5_000);
    assertNotAborting();
    const b = machineCpu();
    cpuPercent = machineCpuPercent(a, b);
    const quiet = cpuPercent !== null && cpuPercent < options.quietBelow;
    const waitedSeconds = round((Date.now() - t0) / 1000)!;
    if (quiet || Date.now() - t0 >= options.quietWaitS * 1000) {
      progress(`  machine CPU ${cpuPercent}% over the last 5 s${quiet ? '' : ` — still busy after ${waitedSeconds} s, going ahead`}`);
      return { cpuPercent, waitedSeconds, quiet };
    }
    if (!noted) progress(`  machine busy (${cpuPercent}% CPU): waiting up to ${options.quietWaitS} s for < ${options.quietBelow}%`);
    noted = true;
  }
}

export async function runOnce(options: Options, kind: 'pglite' | 'postgres', run: number, logDir: string): Promise<RunResult> {
  const n = options.endpoints;
  const result: RunResult = {
    db: kind,
    run,
    ok: false,
    endpoints: n,
    intervalSeconds: options.intervalSeconds,
    targetEventsPerSecond: n / options.intervalSeconds,
  };
  progress(`── ${kind}, run ${run}: ${n} endpoints every ${options.intervalSeconds} s → ${result.targetEventsPerSecond} status changes/s ──`);
  result.machineBeforeRun = await waitForQuiet(options);
  result.code = codeState();
  let db: BenchDatabase | undefined;
  let vigil: VigilProcess | undefined;
  let target: TargetProcess | undefined;
  let browser: BrowserHandle | undefined;
  const consoleErrors: string[] = [];
  const failedResponses: string[] = [];
  try {
    target = await startTarget('flip');
    db = await createBenchDatabase(kind, 'vigil-dash-bench-');
    vigil = await startVigilProcess(db.env);
    progress(`  target ${target.origin} (pid ${target.pid}); Vigil ${vigil.base} (pid ${vigil.pid}) on ${db.label}`);

    // 1. The endpoints, paused.
    const ids: string[] = new Array(n);
    result.createSeconds = round(
      await inParallel(n, options.concurrency, 'created', async (i) => {
        const e = await api<{ id: string }>(vigil!.base, 'POST', '/api/endpoints', {
          name: `bench ${String(i).padStart(5, '0')}`,
          url: `${target!.origin}/e/${i}`,
          intervalSeconds: options.intervalSeconds,
          failureThreshold: 100,
          paused: true,
        });
        ids[i] = e.id;
      }),
      2,
    );
    progress(`  created ${n} paused endpoints in ${result.createSeconds} s`);

    // 2. The page, opened while all is quiet.
    browser = await launchBrowser(options.chromiumPath);
    result.browserPid = browser.pid;
    const dashboard = await newDashboardPage(browser.browser, vigil.base, n, consoleErrors, failedResponses);
    await measureFirstRender(dashboard, vigil.base, browser.pid, options, result, consoleErrors, failedResponses);
    const clients = (await scrape(vigil.base)).socketioClients;
    if (clients !== null && clients < 1) progress(`  WARNING: Vigil counts ${clients} Socket.io clients: the page is not connected`);

    // 3. Start the flow: resume every endpoint.
    result.resumeSeconds = round(
      await inParallel(n, options.concurrency, 'resumed', async (i) => {
        await api(vigil!.base, 'POST', `/api/endpoints/${ids[i]}/resume`);
      }),
      2,
    );
    progress(`  resumed ${n} endpoints in ${result.resumeSeconds} s; waiting for a steady ${result.targetEventsPerSecond} checks/s`);
    result.steady = await waitForSteadyFlow(vigil.base, dashboard.frames, result.targetEventsPerSecond, options);
    progress(
      `  ${result.steady.reached ? 'steady' : 'NOT steady'} after ${result.steady.afterSeconds} s: ${result.steady.startedPerSecond} checks/s, ` +
        `${result.steady.framesPerSecond} event frames/s at the page`,
    );
    if (options.settleS > 0) {
      progress(`  settling ${options.settleS} s more`);
      await sleep(options.settleS * 1000);
      assertNotAborting();
    }

    // 4. The measured windows.
    const windowLabels = ['window 1', 'window 2', ...(options.profile ? ['profiled'] : [])];
    result.windows = [];
    for (const label of windowLabels) {
      result.windows.push(
        await measureWindow(
          label,
          dashboard,
          vigil.base,
          { vigil: vigil.pid, target: target.pid, browser: browser.pid },
          options,
          join(logDir, `${kind}-run${run}-page.cpuprofile`),
        ),
      );
    }
    const [w1, w2] = result.windows;
    if (w1?.heapAfter?.usedMb != null && w2?.heapAfter?.usedMb != null) {
      result.heapGrowthW1toW2Mb = round(w2.heapAfter.usedMb - w1.heapAfter.usedMb, 2);
      result.heapGrowthW1toW2Pct = round(((w2.heapAfter.usedMb - w1.heapAfter.usedMb) / w1.heapAfter.usedMb) * 100);
      result.domNodeGrowthW1toW2 = (w2.heapAfter.domNodes ?? 0) - (w1.heapAfter.domNodes ?? 0);
      result.stripItemGrowthW1toW2 = (w2.heapAfter.stripItems ?? 0) - (w1.heapAfter.stripItems ?? 0);
    }
    result.socketCloses = dashboard.frames.closes;
    result.websockets = dashboard.frames.sockets;

    // 5. Consistency: pause everything, let Vigil drain, then compare the cards with REST.
    if (options.consistency) result.consistency = await checkConsistency(dashboard, vigil.base, ids, options);
    result.ok = true;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    progress(`  FAILED: ${result.error}`);
    if (vigil) result.vigilLogTail = vigil.child.output.slice(-30);
  } finally {
    result.consoleErrors = consoleErrors;
    result.failedResponses = failedResponses;
    if (browser) await browser.close();
    if (vigil) await vigil.child.kill();
    if (target) await target.child.kill();
    if (db) await db.dispose().catch((e) => progress(`  could not remove ${db!.label}: ${String(e)}`));
  }
  return result;
}
