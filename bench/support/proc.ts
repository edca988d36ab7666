/** CPU readings from /proc: per process, per main thread, per process tree, and for the whole machine. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './report.ts';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface ProcStat {
  cpuS: number;
  ppid: number;
  comm: string;
}

/** CPU seconds (user + system), parent and command name of a process; null when it is gone. */
export function procStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return { cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, ppid: Number(fields[1]), comm };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far; null when it is gone. */
export const processCpuSeconds = (pid: number): number | null => procStat(pid)?.cpuS ?? null;

/** ms the main thread of `pid` has spent runnable but waiting for a CPU (/proc/PID/schedstat). */
export function runQueueWaitMs(pid: number): number | null {
  try {
    const [, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(wait) / 1e6;
  } catch {
    return null;
  }
}

/** The main thread of a process (tid = pid): CPU seconds, and seconds spent runnable but waiting for a CPU. */
export function mainThread(pid: number): { cpuS: number; waitS: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ');
    return { cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, waitS: Number(wait) / 1e9 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...parts] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = parts.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: total - idle, total };
}

/** Machine CPU % between two machineCpu() readings, of one core (2 cores busy = 200 %). */
export function machineCpuPercent(a: { busy: number; total: number }, b: { busy: number; total: number }): number | null {
  return round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * os.availableParallelism() * 100);
}

/** Every process on the machine: CPU seconds and parent. */
export function allProcesses(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(Number(entry));
    if (s) out.set(Number(entry), s);
  }
  return out;
}

/** CPU seconds of every process in the tree under `rootPid` (a browser), with its Chromium --type. */
export function processTreeCpu(rootPid: number, all: Map<number, ProcStat>): Map<number, { cpuS: number; type: string }> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const [pid, s] of all) {
    parent.set(pid, s.ppid);
    cpu.set(pid, s.cpuS);
  }
  const inTree = (pid: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === rootPid) return true;
    return false;
  };
  const out = new Map<number, { cpuS: number; type: string }>();
  for (const [pid, cpuS] of cpu) {
    if (!inTree(pid)) continue;
    let type = 'browser';
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? (pid === rootPid ? 'browser' : 'other');
      if (type === 'utility') type = `utility:${/--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1] ?? '?'}`;
    } catch {
      /* gone */
    }
    out.set(pid, { cpuS, type });
  }
  return out;
}
