/** Every live member's /metrics and run-queue wait, once a second, into its samples; and the RSS of all of them added up. */
import { isAborting } from '../support/cleanup.ts';
import { runQueueWaitMs } from '../support/proc.ts';
import { progress, round } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import { scrape, type Member } from './vigil.ts';

export interface MetricsPoller {
  /** The members' RSS added up, MB, one per second. */
  rssTotals: number[];
  /** Stops polling; resolves once the last round is done (at most 20 s). */
  stop(): Promise<void>;
}

export function pollMetrics(members: Member[]): MetricsPoller {
  const rssTotals: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling && !isAborting()) {
      const tick = Date.now();
      let rssTotal = 0;
      await Promise.all(
        members
          .filter((m) => m.alive)
          .map(async (m) => {
            try {
              const s = await scrape(m.vigil.base);
              const now = runQueueWaitMs(m.vigil.pid);
              const wait = now !== null && m.lastWait !== null ? round(now - m.lastWait) : null;
              m.lastWait = now;
              rssTotal += s.rss / 1048576;
              m.samples.push({
                t: s.t,
                rssMb: round(s.rss / 1048576)!,
                started: s.started,
                written: s.written,
                pending: s.pending,
                running: s.running,
                lagP50: s.lagP50,
                lagP99: s.lagP99,
                scrapeMs: s.latencyMs,
                runQueueWaitMs: wait,
              });
            } catch (error) {
              if (m.alive) progress(`  (a /metrics poll of ${m.id} failed: ${String(error)})`);
            }
          }),
      );
      rssTotals.push(rssTotal);
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
  })();
  return {
    rssTotals,
    stop: async () => {
      polling = false;
      await withTimeout(poller, 20_000, 'the /metrics poller to finish');
    },
  };
}
