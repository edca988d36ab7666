/**
 * kill -9, again and again, under load: N endpoints at 1 s (some failing, some flapping so that
 * incidents open and resolve around the kills). Before each kill the results REST shows are noted;
 * after the last restart every one of them must still be stored, and no endpoint may have two open
 * incidents.
 */
import { startFaultTarget } from '../../test/support/fault-target.ts';
import { onCleanup } from './cleanup.ts';
import type { BenchDatabase } from './databases.ts';
import { importEndpoints, visibleResults } from './fault-api.ts';
import { secs, type Verdict } from './fault-report.ts';
import { readStored } from './fault-stored.ts';
import { kill9, sigterm, startVigilOn, waitReady, type FaultVigil } from './fault-vigil.ts';
import { freePort } from './processes.ts';
import { median, progress } from './report.ts';
import { sleep } from './waits.ts';

export interface Kill9Options {
  endpoints: number;
  kills: number;
  /** Running time between kills: uniform in [min, max] ms. */
  runMs: [number, number];
  logDir: string;
}

export async function runKill9(db: BenchDatabase, options: Kill9Options): Promise<{ verdicts: Verdict[]; details: Record<string, unknown> }> {
  const target = await startFaultTarget({ keepAliveTimeoutMs: 60_000 });
  onCleanup('handles', () => target.close());
  const port = await freePort();
  let vigil: FaultVigil = await startVigilOn(port, db.env, options.logDir, `kill9-${db.kind}-0`);
  const specs = Array.from({ length: options.endpoints }, (_, i) => ({ path: `/k/${i}`, failureThreshold: 2 }));
  const failing = specs.filter((_, i) => i % 10 === 0).map((s) => s.path);
  const flapping = specs.filter((_, i) => i % 10 === 1).map((s) => s.path);
  for (const path of failing) target.failing(path);
  let flapDown = false;
  const flapper = setInterval(() => {
    flapDown = !flapDown;
    for (const path of flapping) (flapDown ? target.failing : target.up)(path);
  }, 2_500);
  onCleanup('handles', async () => clearInterval(flapper));
  const pathOf = await importEndpoints(vigil.base, target.origin, specs);
  let upSince = (await waitReady(vigil.base, 30_000)) ?? Date.now();
  const started = Date.now();
  /** [ready, killed] of each run: the check rate is measured while Vigil was up. */
  const upWindows: [number, number][] = [];

  const visible = new Set<string>();
  const readyMs: number[] = [];
  const snapshotErrors: string[] = [];
  let restartFailure: string | null = null;
  for (let k = 1; k <= options.kills; k++) {
    await sleep(options.runMs[0] + Math.random() * (options.runMs[1] - options.runMs[0]));
    try {
      for (const key of await visibleResults(vigil.base, 20)) visible.add(key);
    } catch (error) {
      snapshotErrors.push(String(error));
    }
    upWindows.push([upSince, Date.now()]);
    await kill9(vigil);
    try {
      vigil = await startVigilOn(port, db.env, options.logDir, `kill9-${db.kind}-${k}`);
      const readyAt = await waitReady(vigil.base, 60_000);
      if (readyAt === null) throw new Error('no /readyz 200 within 60 s');
      readyMs.push(readyAt - vigil.spawnedAt);
      upSince = readyAt;
    } catch (error) {
      restartFailure = `restart after kill ${k}: ${String(error).slice(0, 300)}`;
      break;
    }
    progress(`kill9 ${db.kind}: kill ${k}/${options.kills}, ready again after ${secs(readyMs.at(-1))}; ${visible.size} results seen so far`);
  }
  let exit: Awaited<ReturnType<typeof sigterm>> | null = null;
  if (!restartFailure) {
    await sleep(3_000);
    exit = await sigterm(vigil);
  }
  clearInterval(flapper);
  const seconds = (Date.now() - started) / 1000;
  const upMs = upWindows.reduce((n, [a, b]) => n + (b - a), 0);
  const rate = upWindows.reduce((n, [a, b]) => n + target.receivedBetween(a, b), 0) / Math.max(1, upMs / 1000);
  await target.close();

  const stored = await db.direct((query) => readStored(query));
  const storedKeys = new Set<string>();
  for (const [endpointId, results] of stored.results) for (const r of results) storedKeys.add(`${endpointId}|${r.at}`);
  const lostKeys = [...visible].filter((key) => !storedKeys.has(key));
  const expectedRate = options.endpoints;
  const verdict: Verdict = {
    scenario: `kill9 ×${options.kills} at ~${expectedRate} checks/s`,
    database: db.kind,
    expected: 'each restart ready; every result visible via REST before a kill still stored; no endpoint with 2 open incidents',
    happened: `${restartFailure ?? `${readyMs.length} restarts, ready after median ${secs(median(readyMs))} (max ${secs(Math.max(...readyMs))})`}; ${Math.round(rate)} checks/s while up (${seconds.toFixed(0)} s in all); ${visible.size} results seen before kills, ${lostKeys.length} lost; ${stored.rows} rows, ${stored.openIncidents} open incidents${snapshotErrors.length ? `; ${snapshotErrors.length} REST snapshots failed (${snapshotErrors[0]!.slice(0, 80)})` : ''}; final SIGTERM exit ${exit ? (exit.code ?? exit.signal) : '–'}`,
    lost: lostKeys.length,
    doubleOpen: stored.doubleOpenIncidents,
    pass: !restartFailure && lostKeys.length === 0 && stored.doubleOpenIncidents === 0 && visible.size > 0 && exit?.code === 0,
  };
  return {
    verdicts: [verdict],
    details: { readyMs, visible: visible.size, lostExamples: lostKeys.slice(0, 10), snapshotErrors, restartFailure, rate, pathCount: pathOf.size, exit },
  };
}
