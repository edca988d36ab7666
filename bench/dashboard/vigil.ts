/** Vigil as the dashboard bench's child process, and what the bench reads of its /metrics. */
import { readMetrics } from '../support/metrics.ts';
import { startVigil, type VigilProcess } from '../support/processes.ts';

export async function startVigilProcess(dbEnv: Record<string, string>): Promise<VigilProcess> {
  // bench/vigil-probe.ts (no probe file given) only makes Vigil stop when the bench's pipe closes.
  return startVigil(['--import', 'tsx', '--import', './bench/vigil-probe.ts', 'server/main.ts'], { WEBHOOK_URL: '', ...dbEnv });
}

// ─── /metrics and /proc ──────────────────────────────────────────────────────────────────────────

export interface Scrape {
  t: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  cpuS: number;
  rss: number;
  socketioClients: number | null;
  lagP99: number | null;
}

export async function scrape(base: string): Promise<Scrape> {
  const { t, values, need } = await readMetrics(base);
  return {
    t,
    started: need('vigil_checks_started_total'),
    written: need('vigil_check_results_written_total'),
    pending: need('vigil_check_results_pending'),
    running: values.get('vigil_checks_running') ?? NaN,
    cpuS: need('process_cpu_seconds_total'),
    rss: need('process_resident_memory_bytes'),
    socketioClients: values.get('vigil_realtime_clients{transport="socketio"}') ?? null,
    lagP99: values.get('vigil_scheduler_lag_ms{quantile="0.99"}') ?? null,
  };
}
