/**
 * Measurement hook loaded into the benchmarked Vigil process with `--import ./bench/vigil-probe.ts`.
 * It changes nothing in Vigil; it only observes the process it lives in:
 *
 * - every second, appends one JSON line to $VIGIL_BENCH_PROBE_FILE with the event-loop delay
 *   (p50/p99/max ms over that second beyond the 10 ms sampling period, perf_hooks.monitorEventLoopDelay), the
 *   event-loop utilisation over that second (0..1: how busy the main thread was), how late this
 *   1 s timer itself fired (the histogram records nothing while the loop never idles), heap and RSS;
 * - when $VIGIL_BENCH_WATCH_STDIN=1, stops Vigil gracefully (SIGTERM to itself) once its stdin
 *   closes, i.e. when the benchmark that started it died without cleaning up.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const file = process.env.VIGIL_BENCH_PROBE_FILE;
const RESOLUTION_MS = 10;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let lastElu = performance.eventLoopUtilization();
  let expected = Date.now() + 1000;
  const timer = setInterval(() => {
    // How late this 1 s timer fired: under overload the histogram stays empty, this does not.
    const tickLateMs = Math.max(0, Date.now() - expected);
    expected = Date.now() + 1000;
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const memory = process.memoryUsage();
    const line = {
      t: Date.now(),
      // The histogram measures whole timer periods; what exceeds the 10 ms resolution is the delay.
      elDelayP50Ms: Math.max(0, histogram.percentile(50) / 1e6 - RESOLUTION_MS),
      elDelayP99Ms: Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS),
      elDelayMaxMs: Math.max(0, histogram.max / 1e6 - RESOLUTION_MS),
      tickLateMs,
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
