/** --stall: one instance frozen (SIGSTOP … SIGCONT), alive but silent; what the others did meanwhile. */
import { trackerKilled, trackerStats } from '../support/check-tracker.ts';
import { progress } from '../support/report.ts';
import { sleep } from '../support/waits.ts';
import type { StallResult } from './results.ts';
import type { Member } from './vigil.ts';

/**
 * SIGSTOP of the second instance for `stallMs`, then SIGCONT: alive, but silent for longer than the
 * lease TTL. From the target's view: how many of its endpoints the others checked meanwhile, and
 * double checks (two checks of one endpoint closer than half its interval) until one interval + 10 s
 * after the thaw.
 */
export async function measureStall(members: Member[], target: { origin: string }, intervalSeconds: number, stallMs: number): Promise<StallResult> {
  const frozen = members[1]!;
  const before = await trackerStats(target.origin);
  frozen.alive = false; // its /metrics cannot answer meanwhile
  const stoppedAt = Date.now();
  frozen.vigil.child.proc.kill('SIGSTOP');
  // The tracker's takeover view fits: which of its endpoints did the others check meanwhile?
  const { orphans } = await trackerKilled(target.origin, frozen.id, stoppedAt);
  progress(`  SIGSTOP ${frozen.id} for ${stallMs / 1000} s (it had checked ${orphans} endpoints last)`);
  try {
    await sleep(stallMs);
  } finally {
    frozen.vigil.child.proc.kill('SIGCONT');
  }
  const thawedAt = Date.now();
  const atThaw = await trackerStats(target.origin);
  frozen.alive = true;
  await sleep(intervalSeconds * 1000 + 10_000);
  const after = await trackerStats(target.origin);
  const t = after.takeover!;
  const result: StallResult = {
    instance: frozen.id,
    stallMs: thawedAt - stoppedAt,
    takenMeanwhile: t.resumed,
    orphans,
    doubles: after.doubles - before.doubles,
    doublesAcrossInstances: after.doublesAcrossInstances - before.doublesAcrossInstances,
    requestsAfterThaw: (after.byInstance[frozen.id] ?? 0) - (atThaw.byInstance[frozen.id] ?? 0),
    heartbeatMaxAgeMs: null,
    examples: t.doubleExamples,
    acrossExamples: t.acrossExamples,
  };
  progress(
    `  thawed: the others had checked ${result.takenMeanwhile} of its ${orphans} endpoints by the end; ${result.requestsAfterThaw} checks by ${frozen.id} since; ` +
      `double checks ${result.doubles} (${result.doublesAcrossInstances} across instances)`,
  );
  return result;
}
