/**
 * Measurement hook loaded into the benchmarked Vigil process with `--import ./bench/vigil-probe.ts`.
 * It changes nothing in Vigil; it only observes the process it lives in:
 *
 * - every second, appends one JSON line to $VIGIL_BENCH_PROBE_FILE with the event-loop delay
 *   (p50/p99/max ms over that second, perf_hooks.monitorEventLoopDelay at 10 ms resolution), the
 *   event-loop utilisation over that second (0..1: how busy the main thread was), heap and RSS;
 * - when $VIGIL_BENCH_WATCH_STDIN=1, stops Vigil gracefully (SIGTERM to itself) once its stdin
 *   closes, i.e. when the benchmark that started it died without cleaning up.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.VIGIL_BENCH_PROBE_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lastElu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const memory = process.memoryUsage();
    const line = {
      t: Date.now(),
      elDelayP50Ms: histogram.percentile(50) / 1e6,
      elDelayP99Ms: histogram.percentile(99) / 1e6,
      elDelayMaxMs: histogram.max / 1e6,
      elu: elu.utilization,
      heapUsedMb: memory.heapUsed / 1048576,
      rssMb: memory.rss / 1048576,
    };
    histogram.reset();
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      /* the bench removed the folder; nothing to report to */
    }
  }, 1000);
  timer.unref();
}

if (process.env.VIGIL_BENCH_WATCH_STDIN === '1') {
  const orphaned = () => process.kill(process.pid, 'SIGTERM');
  process.stdin.on('end', orphaned);
  process.stdin.on('error', orphaned);
  process.stdin.resume();
  // Reading stdin must not keep a stopping Vigil alive.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
