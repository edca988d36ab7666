/** --takeover: kill -9 of one instance, and the others taking its endpoints over. */
import { isAborting } from '../support/cleanup.ts';
import { trackerKilled, trackerStats } from '../support/check-tracker.ts';
import { cell, progress, round } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import { maxOf, sumOf } from './figures.ts';
import type { ScenarioResult } from './results.ts';
import { scrape, scrapeAll, type Member } from './vigil.ts';

/**
 * kill -9 of the last instance; from the target's view, the time until every endpoint it had
 * checked last was checked again by another instance, double checks meanwhile, and the survivors'
 * rate over the next interval. Returns the killed member and what it had written.
 */
export async function measureTakeover(
  members: Member[],
  target: { origin: string },
  intervalSeconds: number,
  result: ScenarioResult,
): Promise<{ member: Member; writtenAtKill: number; downAtKill: number; degradedAtKill: number; at: number }> {
  const victim = members.at(-1)!;
  const survivors = members.filter((m) => m !== victim && m.alive);
  const boundMs = Math.max(2 * intervalSeconds * 1000, 15_000);
  const [lastOfVictim, before] = await Promise.all([scrape(victim.vigil.base), trackerStats(target.origin)]);
  victim.alive = false;
  const killAt = Date.now();
  victim.vigil.child.proc.kill('SIGKILL');
  const { orphans } = await trackerKilled(target.origin, victim.id, killAt);
  await withTimeout(victim.vigil.child.exited, 10_000, `${victim.id} to die after SIGKILL`);
  progress(
    `  kill -9 ${victim.id} (pid ${victim.vigil.pid}): it had checked ${orphans} endpoints last; waiting for the others to take them over (bound ${boundMs / 1000} s)`,
  );

  let stats = before;
  const giveUpAt = killAt + boundMs + 30_000;
  for (;;) {
    stats = await trackerStats(target.origin);
    if ((stats.takeover?.resumed ?? 0) >= orphans || Date.now() > giveUpAt || isAborting()) break;
    await sleep(200);
  }
  const taken = stats.takeover!;
  progress(
    `  ${taken.resumed}/${orphans} checked again; kill → last ${cell(round((taken.delayMaxMs ?? NaN) / 1000, 2))} s (p50 ${cell(round((taken.delayP50Ms ?? NaN) / 1000, 2))} s), ` +
      `longest gap ${cell(round((taken.longestGapMs ?? NaN) / 1000, 2))} s; measuring the survivors for one interval`,
  );
  const afterS = Math.max(intervalSeconds, 10);
  const s0 = await scrapeAll(survivors);
  await sleep(afterS * 1000);
  const [s1, end] = await Promise.all([scrapeAll(survivors), trackerStats(target.origin)]);
  const rateAfter = sumOf(s1.map((b, i) => (b.started - s0[i]!.started) / ((b.t - s0[i]!.t) / 1000)));
  result.takeover = {
    ...end.takeover!,
    boundMs,
    withinBound: end.takeover!.resumed === orphans && (end.takeover!.delayMaxMs ?? Infinity) <= boundMs,
    doublesSinceKill: end.doubles - before.doubles,
    rateAfter: round(rateAfter),
    lagP99AfterMs: maxOf(s1.map((s) => s.lagP99)),
    lostWithKilled: null,
  };
  progress(
    `  after the takeover: ${result.takeover.rateAfter} checks/s on ${survivors.length} instances, lag p99 ${result.takeover.lagP99AfterMs} ms, ` +
      `double checks since the kill ${result.takeover.doublesSinceKill}, taken by ${JSON.stringify(result.takeover.takenBy)}`,
  );
  return { member: victim, writtenAtKill: lastOfVictim.written, downAtKill: lastOfVictim.down, degradedAtKill: lastOfVictim.degraded, at: killAt };
}
