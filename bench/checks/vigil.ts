/** Vigil as the check bench's child process (the measured one with the event-loop probe), and what the bench reads of its /metrics. */
import { readMetrics } from '../support/metrics.ts';
import { startVigil, type VigilProcess } from '../support/processes.ts';
import type { Options } from './options.ts';
import type { Sample } from './results.ts';

export async function startVigilProcess(
  options: Options,
  dbEnv: Record<string, string>,
  extra: { logFile: string; probeFile?: string; cpuProfDir?: string },
): Promise<VigilProcess> {
  const nodeArgs = [
    ...(extra.probeFile ? options.vigilNodeArgs : []),
    ...(extra.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${extra.cpuProfDir}`] : []),
    '--import',
    'tsx',
    ...(extra.probeFile ? ['--import', './bench/vigil-probe.ts'] : []),
    'server/main.ts',
  ];
  const env = { ...(extra.probeFile ? { VIGIL_BENCH_PROBE_FILE: extra.probeFile } : {}), ...options.vigilEnv, ...dbEnv };
  return startVigil(nodeArgs, env, extra.logFile);
}

// ─── /metrics and /proc ──────────────────────────────────────────────────────────────────────────

export interface Scrape {
  /** Date.now() when the answer arrived (the counters are read just before it is sent). */
  t: number;
  latencyMs: number;
  started: number;
  written: number;
  pending: number;
  running: number;
  skipped: number;
  retries: number;
  batches: number;
  cpuS: number;
  rss: number;
  lagP50: number | null;
  lagP90: number | null;
  lagP99: number | null;
  /** Completed checks judged DOWN and DEGRADED (slower than 2 s): the bench's target always answers 200 at once, so these are Vigil's own delays and failures. */
  down: number;
  degraded: number;
  incidentsOpen: number;
  /** PostgreSQL only (null elsewhere): leases taken, handed over, lost while held; events from the other instances. */
  claimed: number | null;
  released: number | null;
  lost: number | null;
  eventsReceived: number | null;
  eventsPublished: number | null;
}

export async function scrape(base: string): Promise<Scrape> {
  const { t, latencyMs, values, need } = await readMetrics(base);
  return {
    t,
    latencyMs,
    started: need('vigil_checks_started_total'),
    written: need('vigil_check_results_written_total'),
    pending: need('vigil_check_results_pending'),
    running: values.get('vigil_checks_running') ?? NaN,
    skipped: need('vigil_checks_skipped_overlap_total'),
    retries: values.get('vigil_check_result_write_retries_total') ?? NaN,
    batches: values.get('vigil_check_result_batches_total') ?? NaN,
    cpuS: need('process_cpu_seconds_total'),
    rss: need('process_resident_memory_bytes'),
    lagP50: values.get('vigil_scheduler_lag_ms{quantile="0.5"}') ?? null,
    lagP90: values.get('vigil_scheduler_lag_ms{quantile="0.9"}') ?? null,
    lagP99: values.get('vigil_scheduler_lag_ms{quantile="0.99"}') ?? null,
    down: values.get('vigil_check_duration_seconds_count{status="DOWN"}') ?? 0,
    degraded: values.get('vigil_check_duration_seconds_count{status="DEGRADED"}') ?? 0,
    incidentsOpen: values.get('vigil_incidents_open') ?? NaN,
    claimed: values.get('vigil_cluster_endpoints_claimed_total') ?? null,
    released: values.get('vigil_cluster_endpoints_released_total') ?? null,
    lost: values.get('vigil_cluster_endpoints_lost_total') ?? null,
    eventsReceived: values.get('vigil_cluster_events_received_total') ?? null,
    eventsPublished: values.get('vigil_cluster_events_published_total') ?? null,
  };
}

/** One measured Vigil process and what the bench read of it. */
export interface Member {
  id: string;
  vigil: VigilProcess;
  probeFile: string;
  alive: boolean;
  samples: Sample[];
  lastWait: number | null;
  /** The latest successful scrape. */
  last?: Scrape;
}

/** Every live member's /metrics, read together. */
export const scrapeAll = (members: Member[]) => Promise.all(members.map(async (m) => (m.last = await scrape(m.vigil.base))));
