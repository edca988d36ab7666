import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface EventLoopLagSnapshot {
  p50Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
}

/**
 * Event-loop delay since the previous scrape (like prom-client's nodejs_eventloop_lag_*): a busy
 * loop delays timers, checks, and every realtime frame, so this is Vigil's first health signal.
 */
export class EventLoopLag {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  /** Quantiles since the last call, then starts a new period (the monitor's first timer run after it only sets a baseline). */
  takeSnapshot(): EventLoopLagSnapshot {
    const toSeconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    const snapshot = {
      p50Seconds: toSeconds(this.histogram.percentile(50)),
      p99Seconds: toSeconds(this.histogram.percentile(99)),
      maxSeconds: toSeconds(this.histogram.max),
    };
    this.histogram.reset();
    return snapshot;
  }

  close(): void {
    this.histogram.disable();
  }
}
