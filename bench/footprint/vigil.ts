/** Vigil as the footprint bench's child process: started and timed to /readyz 200, its memory and CPU read from /proc, its checks from /metrics. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetrics } from '../support/metrics.ts';
import { processCpuSeconds } from '../support/proc.ts';
import { benchVigilEnv, freePort, type ManagedChild, startChild, startFlagsOf } from '../support/processes.ts';
import { sleep } from '../support/waits.ts';

export interface RunningVigil {
  child: ManagedChild;
  base: string;
  port: number;
  pid: number;
  /** From the spawn to the first /readyz 200. */
  readyMs: number;
  /** The highest VmHWM seen of Vigil's child processes during the start (the database created in a child), in MB. */
  childHwmMb: number | null;
}

/** VmHWM of each child process of `pid` now (MB), by pid. */
function childPeaks(pid: number, peaks: Map<number, number>): void {
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return;
  }
  for (const child of children) {
    const hwm = memoryMb(Number(child))?.hwm;
    if (hwm !== undefined && Number.isFinite(hwm)) peaks.set(Number(child), Math.max(hwm, peaks.get(Number(child)) ?? 0));
  }
}

/**
 * `node <the tree's start flags> [--import tsx] <root>/<main>` on 127.0.0.1 and a free port with `env` as its only Vigil
 * settings; resolves at the first /readyz 200 (polled every 20 ms, at most 180 s).
 */
export async function startVigilTimed(root: string, main: string, env: Record<string, string>, logFile: string): Promise<RunningVigil> {
  const port = await freePort();
  const t0 = performance.now();
  const child = startChild(
    'vigil',
    [...startFlagsOf(root), ...(main.endsWith('.ts') ? ['--import', 'tsx', join(root, main)] : [join(root, main)])],
    benchVigilEnv(port, { LOG_LEVEL: 'warn', ...env }),
    logFile,
  );
  const base = `http://127.0.0.1:${port}`;
  const peaks = new Map<number, number>();
  // Sampled every 5 ms while starting: VmHWM only grows, so the last sample before the child exits is close to its peak.
  const sampler = setInterval(() => childPeaks(child.proc.pid!, peaks), 5);
  try {
    return await waitReady(child, base, port, t0, peaks);
  } finally {
    clearInterval(sampler);
  }
}

async function waitReady(child: ManagedChild, base: string, port: number, t0: number, peaks: Map<number, number>): Promise<RunningVigil> {
  for (;;) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`Vigil exited during start (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.output.slice(-20).join('\n')}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - t0 > 180_000) throw new Error(`Vigil was not ready within 180 s:\n${child.output.slice(-20).join('\n')}`);
    await sleep(20);
  }
  const readyMs = performance.now() - t0;
  return { child, base, port, pid: child.proc.pid!, readyMs, childHwmMb: peaks.size ? Math.max(...peaks.values()) : null };
}

/** VmRSS and VmHWM of a process, in MB; null when it is gone. */
export function memoryMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Checks completed so far (every status of vigil_check_duration_seconds_count). */
export async function checksCompleted(base: string): Promise<number> {
  const { values } = await readMetrics(base);
  let sum = 0;
  for (const [key, value] of values) if (key.startsWith('vigil_check_duration_seconds_count')) sum += value;
  return sum;
}

export interface WindowReading {
  seconds: number;
  checks: number;
  checksPerSecond: number;
  /** Median of the VmRSS read every second. */
  rssMb: number;
  hwmMb: number;
  cpuMsPerCheck: number;
  /** PostgreSQL backends of the bench database, when `extraCpu` is given. */
  extraCpuMsPerCheck: number | null;
}

/** One measured window: RSS every second, CPU of Vigil (and of `extraCpu`, summed) and checks between its ends. */
export async function measureWindow(vigil: RunningVigil, seconds: number, extraCpu?: () => Promise<number>): Promise<WindowReading> {
  const checks0 = await checksCompleted(vigil.base);
  const cpu0 = processCpuSeconds(vigil.pid) ?? NaN;
  const extra0 = extraCpu ? await extraCpu() : NaN;
  const t0 = performance.now();
  const rss: number[] = [];
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(1000);
    const m = memoryMb(vigil.pid);
    if (!m) throw new Error('Vigil is gone');
    rss.push(m.rss);
  }
  const checks1 = await checksCompleted(vigil.base);
  const cpu1 = processCpuSeconds(vigil.pid) ?? NaN;
  const extra1 = extraCpu ? await extraCpu() : NaN;
  const elapsed = (performance.now() - t0) / 1000;
  const checks = checks1 - checks0;
  rss.sort((a, b) => a - b);
  return {
    seconds: elapsed,
    checks,
    checksPerSecond: checks / elapsed,
    rssMb: rss[rss.length >> 1]!,
    hwmMb: memoryMb(vigil.pid)?.hwm ?? NaN,
    cpuMsPerCheck: ((cpu1 - cpu0) * 1000) / checks,
    extraCpuMsPerCheck: extraCpu ? ((extra1 - extra0) * 1000) / checks : null,
  };
}
