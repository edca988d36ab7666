/**
 * One scenario of the check bench (db × instances × endpoints × rate): creation run, restart, warm-up,
 * measured window, optional stall and takeover, then the stop and the count of stored rows.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../server/settings.ts';
import { isAborting } from '../support/cleanup.ts';
import { trackerReset, trackerStats } from '../support/check-tracker.ts';
import { watchCluster, type ClusterWatch } from '../support/cluster-watch.ts';
import { createBenchDatabase, type BenchDatabase } from '../support/databases.ts';
import { machineCpu, processCpuSeconds, runQueueWaitMs } from '../support/proc.ts';
import { stopGracefully, type VigilProcess } from '../support/processes.ts';
import { codeState, progress, round } from '../support/report.ts';
import { sleep } from '../support/waits.ts';
import { type BenchTarget, createEndpoints, createMaintenanceWindows } from './create-endpoints.ts';
import { countRows, leasesByInstance, postgresCpu } from './database.ts';
import { sumOf } from './figures.ts';
import type { CheckKind, Options } from './options.ts';
import { pollMetrics } from './poller.ts';
import type { ScenarioResult } from './results.ts';
import { measureStall } from './stall.ts';
import { measureTakeover } from './takeover.ts';
import { summariseWindow } from './window.ts';
import { scrapeAll, startVigilProcess, type Member, type Scrape } from './vigil.ts';

export async function runScenario(
  options: Options,
  kind: 'pglite' | 'postgres',
  instances: number,
  run: number,
  endpoints: number,
  rate: number,
  checks: CheckKind,
  target: BenchTarget & { pid: number },
  logDir: string,
): Promise<ScenarioResult> {
  const intervalSeconds = endpoints / rate;
  const result: ScenarioResult = { db: kind, instances, run, endpoints, intervalSeconds, targetRate: rate, checks, start: options.start, ok: false };
  const tag = `${kind}-${endpoints}-${rate}${checks === 'plain' ? '' : `-${checks}`}${instances > 1 || options.instances.length > 1 ? `-x${instances}` : ''}${options.runs > 1 ? `-run${run}` : ''}`;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 86_400) {
    result.error = `interval ${endpoints}/${rate} = ${intervalSeconds} s is not a whole number of seconds in 1..86400`;
    return result;
  }
  progress(
    `── ${kind}, ${instances} instance${instances > 1 ? 's' : ''}, ${endpoints} endpoints, ${rate} ${checks} checks/s (interval ${intervalSeconds} s)${options.runs > 1 ? `, run ${run}/${options.runs}` : ''} ──`,
  );
  result.code = codeState();
  // On PostgreSQL each process gets a known instance id: the target tells them apart by it.
  const ids = kind === 'postgres' ? Array.from({ length: instances }, (_, i) => `bench-${i + 1}`) : ['-'];
  const envOf = (db: BenchDatabase, id: string) => (kind === 'postgres' ? { ...db.env, INSTANCE_ID: id } : db.env);
  const logName = (stage: string, id: string, ext = 'log') => join(logDir, `${tag}-${stage}${instances > 1 ? `-${id}` : ''}.${ext}`);
  let db: BenchDatabase | undefined;
  let running: VigilProcess[] = [];
  let watch: ClusterWatch | undefined;
  try {
    db = await createBenchDatabase(kind, 'vigil-bench-');
    progress(`  database: ${db.label}`);

    // 1. Create the endpoints through the first of the instances.
    running = await Promise.all(ids.map((id) => startVigilProcess(options, envOf(db!, id), { logFile: logName('create', id) })));
    progress(
      `  Vigil (creation run) up on ${running.map((v) => v.base).join(', ')}; creating ${endpoints} endpoints through the first, ${options.concurrency} in flight`,
    );
    const paused = options.start === 'spread';
    result.createSeconds = round(await createEndpoints(running[0]!.base, target, endpoints, intervalSeconds, paused, options.concurrency, checks), 2);
    result.createRate = round(endpoints / result.createSeconds!);
    if (options.maintenanceWindows > 0) await createMaintenanceWindows(running[0]!.base, options.maintenanceWindows);
    progress(`  created ${endpoints} in ${result.createSeconds} s (${result.createRate}/s); SIGTERM`);
    const restarts = await Promise.all(running.map((v) => stopGracefully(v.child)));
    running = [];
    result.restartStopMs = Math.max(...restarts.map((r) => r.ms));
    result.restartExitCode = restarts.find((r) => r.code !== 0)?.code ?? 0;
    const failedStop = restarts.find((r) => r.code !== 0);
    if (failedStop) throw new Error(`Vigil (creation run) did not exit 0 on SIGTERM: ${failedStop.code ?? failedStop.signal}`);
    progress(`  exited 0 in ${result.restartStopMs} ms${paused ? '; unpausing the endpoints in the database' : ''}; counting rows`);
    result.rowsBefore = await countRows(db, paused);

    // 2. The measured run: fresh Vigils with N endpoints at start.
    await trackerReset(target.origin, (intervalSeconds * 1000) / 2);
    const cpuProfDir = options.cpuProf ? join(logDir, `${tag}-cpuprof`) : undefined;
    if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
    const measureLogs = ids.map((id) => logName('measure', id));
    const probeFiles = ids.map((id) => logName('probe', id, 'jsonl'));
    result.logFiles = [...ids.map((id) => logName('create', id)), ...measureLogs, ...probeFiles];
    if (kind === 'postgres') watch = watchCluster(db.env.DATABASE_URL!);
    running = await Promise.all(
      ids.map((id, i) => startVigilProcess(options, envOf(db!, id), { logFile: measureLogs[i]!, probeFile: probeFiles[i]!, cpuProfDir })),
    );
    const members: Member[] = running.map((vigil, i) => ({
      id: ids[i]!,
      vigil,
      probeFile: probeFiles[i]!,
      alive: true,
      samples: [],
      lastWait: runQueueWaitMs(vigil.pid),
    }));
    const upAt = Date.now();
    progress(`  Vigil (measured run) up on ${members.map((m) => `${m.vigil.base} (pid ${m.vigil.pid})`).join(', ')}; warm-up ${options.warmupS} s`);

    const poller = pollMetrics(members);

    await sleep(options.warmupS * 1000);
    if (isAborting()) throw new Error('aborted');
    result.loadAverage1m = round(os.loadavg()[0], 2);
    const wait0 = members.map((m) => runQueueWaitMs(m.vigil.pid));
    const target0 = processCpuSeconds(target.pid);
    const machine0 = machineCpu();
    const pg0 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    const [m0, track0] = await Promise.all([scrapeAll(members), trackerStats(target.origin)]);
    progress(
      `  window of ${options.windowS} s starts (started so far ${sumOf(m0.map((m) => m.started))}, pending ${sumOf(m0.map((m) => m.pending))}, load average ${result.loadAverage1m})`,
    );
    await sleep(options.windowS * 1000);
    if (isAborting()) throw new Error('aborted');
    const [m1, track1] = await Promise.all([scrapeAll(members), trackerStats(target.origin)]);
    const machine1 = machineCpu();
    const target1 = processCpuSeconds(target.pid);
    const wait1 = members.map((m) => runQueueWaitMs(m.vigil.pid));
    const pg1 = kind === 'postgres' ? await postgresCpu(db.label) : undefined;
    const leases = kind === 'postgres' ? await leasesByInstance(db) : undefined;
    const heartbeatsInWindow = watch?.maxHeartbeatAge(m0[0]!.t, m1[0]!.t);

    const perInstance = summariseWindow(
      {
        kind,
        instances,
        rate,
        warmupS: options.warmupS,
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
        rssTotals: poller.rssTotals,
      },
      result,
    );

    // 3. Optionally, freeze one instance for a while, and kill -9 one and watch the others take its endpoints over.
    if (options.stallS > 0 && instances > 1) {
      try {
        result.stall = await measureStall(members, target, intervalSeconds, options.stallS * 1000);
      } catch (error) {
        result.stall = { error: error instanceof Error ? error.message : String(error) };
        progress(`  stall FAILED: ${result.stall.error}`);
      }
    }
    let killed: { member: Member; writtenAtKill: number; downAtKill: number; degradedAtKill: number; at: number } | undefined;
    if (options.takeover && instances > 1) {
      try {
        killed = await measureTakeover(members, target, intervalSeconds, result);
      } catch (error) {
        result.takeover = { error: error instanceof Error ? error.message : String(error) };
        progress(`  takeover FAILED: ${result.takeover.error}`);
      }
    }
    await poller.stop();
    if (watch) {
      // Alive: from its start to the kill (a killed instance's heartbeat ages on, as it should).
      const leaseTtlMs = loadSettings(options.vigilEnv).leaseTtlMs;
      const untilKill = watch.maxHeartbeatAge(upAt, killed?.at ?? Infinity);
      const sinceStart = watch.maxHeartbeatAge(upAt);
      for (const p of perInstance) p.heartbeatMaxAgeMs = (killed?.member.id === p.id ? untilKill : sinceStart)[p.id]?.ageMs ?? null;
      if (result.stall && 'instance' in result.stall) result.stall.heartbeatMaxAgeMs = untilKill[result.stall.instance]?.ageMs ?? null;
      await watch.stop();
      result.heartbeats = {
        leaseTtlMs,
        staleWhileAlive: perInstance.filter((p) => (p.heartbeatMaxAgeMs ?? 0) > leaseTtlMs).map((p) => p.id),
        samples: watch.samples.map((x) => ({ ...x, t: x.t - upAt })),
      };
      watch = undefined;
      if (result.heartbeats.staleWhileAlive.length > 0) {
        progress(
          `  heartbeat older than the lease TTL (${leaseTtlMs} ms) while alive: ${perInstance.map((p) => `${p.id} ${p.heartbeatMaxAgeMs} ms`).join(', ')}`,
        );
      }
    }
    for (let i = 0; i < members.length; i++) perInstance[i]!.samples = members[i]!.samples.map((s) => ({ ...s, t: s.t - upAt }));
    if (instances === 1) result.samples = perInstance[0]!.samples;

    // 4. Stop: the writers' queues must reach 0, then SIGTERM must end in exit 0 with everything written.
    const alive = members.filter((m) => m.alive);
    let pendingMin = Infinity;
    let lastScrapes: Scrape[] = [];
    const drainDeadline = Date.now() + 20_000;
    for (;;) {
      lastScrapes = await scrapeAll(alive);
      const pending = sumOf(lastScrapes.map((s) => s.pending))!;
      pendingMin = Math.min(pendingMin, pending);
      if (pending === 0 || Date.now() > drainDeadline || isAborting()) break;
      await sleep(50);
    }
    result.pendingReachedZero = lastScrapes.every((s) => s.pending === 0);
    result.pendingMinAfterWindow = pendingMin;
    result.notUp = {
      downInWindow: sumOf(m1.map((b, i) => b.down - m0[i]!.down)),
      degradedInWindow: sumOf(m1.map((b, i) => b.degraded - m0[i]!.degraded)),
      down: sumOf(lastScrapes.map((x) => x.down))! + (killed?.downAtKill ?? 0),
      degraded: sumOf(lastScrapes.map((x) => x.degraded))! + (killed?.degradedAtKill ?? 0),
      incidentsOpenAtEnd: lastScrapes[0]?.incidentsOpen ?? null,
    };
    result.startedFinal = sumOf(lastScrapes.map((s) => s.started));
    result.writtenFinal = sumOf(lastScrapes.map((s) => s.written));
    result.runningFinal = sumOf(lastScrapes.map((s) => s.running));
    progress(`  pending ${result.pendingReachedZero ? 'reached 0' : `did not reach 0 in 20 s (min ${pendingMin})`}; SIGTERM`);
    const stops = await Promise.all(alive.map((m) => stopGracefully(m.vigil.child)));
    const outputs = alive.flatMap((m) => m.vigil.child.output);
    running = [];
    const badStop = stops.find((s) => s.code !== 0);
    result.stopExitCode = badStop ? badStop.code : 0;
    result.stopMs = Math.max(...stops.map((s) => s.ms));
    result.unfinishedAtStop = outputs.find((l) => l.includes('did not finish')) ?? null;
    if (options.cpuProf && cpuProfDir) result.cpuProfile = [cpuProfDir];
    result.rowsAfter = await countRows(db, false);
    result.rowsOfMeasuredRun = result.rowsAfter - result.rowsBefore!;
    const trackEnd = await trackerStats(target.origin);
    result.targetRequests = trackEnd.requests;
    if (killed && result.takeover && 'boundMs' in result.takeover) result.takeover.lostWithKilled = trackEnd.requests - result.rowsOfMeasuredRun;
    // A killed process loses what it had not written yet: it only vouches for what it had written.
    const owed = result.startedFinal! + (killed?.writtenAtKill ?? 0);
    const lateStarts = result.rowsOfMeasuredRun - owed;
    const everyLiveFinished = lastScrapes.every((s) => s.written + s.running >= s.started);
    result.allStored = !badStop && result.unfinishedAtStop === null && everyLiveFinished && lateStarts >= 0;
    result.allStoredDetail =
      `exit ${badStop ? (badStop.code ?? badStop.signal) : 0} after ${result.stopMs} ms; at the last scrape started ${result.startedFinal} ≤ written ${result.writtenFinal} + running ${result.runningFinal}` +
      `${everyLiveFinished ? '' : ' (MISSING)'}` +
      `${killed ? `; the killed ${killed.member.id} had written ${killed.writtenAtKill}` : ''}; ` +
      `rows of the measured run ${result.rowsOfMeasuredRun} (${lateStarts >= 0 ? `${lateStarts} checks started between the last scrape and SIGTERM` : `${-lateStarts} MISSING`}); ` +
      `the target received ${trackEnd.requests} requests` +
      `${result.unfinishedAtStop ? `; ${result.unfinishedAtStop}` : ''}`;
    // "Held": the load asked for (±3 %) was started and written, lag p99 < 200 ms, nothing lost.
    result.aimMet =
      Math.abs(result.achievedRate! - rate) <= 0.03 * rate && result.writtenRate! >= 0.97 * rate && (result.lagP99Ms ?? Infinity) < 200 && result.allStored;
    result.ok = true;
    progress(`  stopped: ${result.allStoredDetail}`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    progress(`  FAILED: ${result.error}`);
  } finally {
    await watch?.stop();
    await Promise.all(running.map((v) => v.child.kill()));
    if (db) await db.dispose().catch((e) => progress(`  could not remove ${db!.label}: ${String(e)}`));
  }
  return result;
}
