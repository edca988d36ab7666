import type { CheckStatus } from '../contract/types.ts';
import type { EventBus } from '../events/bus.ts';

/** Upper bounds of the check duration histogram, in seconds (Prometheus `le`). */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export interface DurationHistogram {
  /** Cumulative counts per bucket, same order as DURATION_BUCKETS_SECONDS. */
  buckets: number[];
  count: number;
  sumSeconds: number;
}

/**
 * Counts every completed check (scheduled or on demand) by status into a duration histogram,
 * fed by the event bus so the checker and services stay unaware of metrics.
 */
export class CheckDurations {
  private readonly byStatus = new Map<CheckStatus, DurationHistogram>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.on('check:completed', (check) => this.observe(check.status, check.responseTime));
  }

  observe(status: CheckStatus, responseTimeMs: number): void {
    let histogram = this.byStatus.get(status);
    if (!histogram) this.byStatus.set(status, (histogram = { buckets: DURATION_BUCKETS_SECONDS.map(() => 0), count: 0, sumSeconds: 0 }));
    const seconds = responseTimeMs / 1000;
    for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i++) if (seconds <= DURATION_BUCKETS_SECONDS[i]!) histogram.buckets[i]!++;
    histogram.count++;
    histogram.sumSeconds += seconds;
  }

  snapshot(): ReadonlyMap<CheckStatus, DurationHistogram> {
    return this.byStatus;
  }

  close(): void {
    this.unsubscribe();
  }
}
