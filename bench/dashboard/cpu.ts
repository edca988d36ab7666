/** CPU over a window from /proc: Vigil, the browser's processes (its renderers' main threads), the target, the bench, the machine and everything else on it. */
import { readFileSync } from 'node:fs';
import { allProcesses, machineCpu, machineCpuPercent, mainThread, procStat, processTreeCpu, type ProcStat } from '../support/proc.ts';
import { round } from '../support/report.ts';

export interface CpuSnapshot {
  t: number;
  vigilS: number;
  vigilMain: { cpuS: number; waitS: number } | null;
  targetS: number | null;
  benchS: number;
  machine: { busy: number; total: number };
  all: Map<number, ProcStat>;
  mine: Set<number>;
  browser: Map<number, { cpuS: number; type: string }>;
  rendererMain: Map<number, { cpuS: number; waitS: number }>;
}

export function cpuSnapshot(vigilCpuS: number, vigilPid: number, targetPid: number, browserPid: number | null): CpuSnapshot {
  const usage = process.cpuUsage();
  const all = allProcesses();
  const browser = browserPid ? processTreeCpu(browserPid, all) : new Map<number, { cpuS: number; type: string }>();
  const rendererMain = new Map<number, { cpuS: number; waitS: number }>();
  for (const [pid, p] of browser) {
    if (p.type !== 'renderer') continue;
    const m = mainThread(pid);
    if (m) rendererMain.set(pid, m);
  }
  return {
    t: Date.now(),
    vigilS: vigilCpuS,
    vigilMain: mainThread(vigilPid),
    targetS: procStat(targetPid)?.cpuS ?? null,
    benchS: (usage.user + usage.system) / 1e6,
    machine: machineCpu(),
    all,
    mine: new Set([process.pid, vigilPid, targetPid, ...browser.keys()]),
    browser,
    rendererMain,
  };
}

export interface CpuPercents {
  vigil: number | null;
  browser: number | null;
  /** The busiest renderer over the window: the dashboard's own. */
  renderer: number | null;
  /** That renderer's main thread: CPU %, and % of the window it was runnable but had no CPU (starved by the machine). */
  rendererMainThread: number | null;
  rendererMainThreadWaiting: number | null;
  /** Vigil's main thread: % of the window runnable but waiting for a CPU. */
  vigilMainThreadWaiting: number | null;
  browserByType: Record<string, number>;
  target: number | null;
  benchProcess: number | null;
  machine: number | null;
  /** machine − Vigil − browser − target − bench: everything else on the machine (other people's work, PostgreSQL, the kernel). */
  other: number | null;
  /** The processes behind "other" that used the most CPU in the window. */
  otherTop: { pid: number; cpu: number; cmd: string }[];
}

export function cpuPercents(a: CpuSnapshot, b: CpuSnapshot): CpuPercents {
  const dt = (b.t - a.t) / 1000;
  const pct = (s: number | null) => (s === null ? null : round((s / dt) * 100));
  let browser = 0;
  let renderer = 0;
  let rendererPid: number | null = null;
  const byType: Record<string, number> = {};
  for (const [pid, after] of b.browser) {
    const before = a.browser.get(pid)?.cpuS ?? after.cpuS; // a process born mid-window counts from its first sight
    const d = after.cpuS - before;
    browser += d;
    byType[after.type] = (byType[after.type] ?? 0) + d;
    if (after.type === 'renderer' && d >= renderer) {
      renderer = d;
      rendererPid = pid;
    }
  }
  const m0 = rendererPid === null ? undefined : a.rendererMain.get(rendererPid);
  const m1 = rendererPid === null ? undefined : b.rendererMain.get(rendererPid);
  const machine = machineCpuPercent(a.machine, b.machine);
  const vigil = pct(b.vigilS - a.vigilS);
  const target = a.targetS !== null && b.targetS !== null ? pct(b.targetS - a.targetS) : null;
  const benchProcess = pct(b.benchS - a.benchS);
  const others: { pid: number; d: number }[] = [];
  for (const [pid, after] of b.all) {
    if (b.mine.has(pid) || a.mine.has(pid)) continue;
    const before = a.all.get(pid)?.cpuS ?? 0; // born in the window: all its CPU is the window's
    if (after.cpuS - before > 0) others.push({ pid, d: after.cpuS - before });
  }
  const otherTop = others
    .sort((x, y) => y.d - x.d)
    .slice(0, 5)
    .map(({ pid, d }) => {
      let cmd = b.all.get(pid)?.comm ?? '?';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 100) || readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        /* gone */
      }
      return { pid, cpu: pct(d)!, cmd };
    });
  return {
    otherTop,
    other: machine === null ? null : round(machine - (vigil ?? 0) - (b.browser.size ? pct(browser)! : 0) - (target ?? 0) - (benchProcess ?? 0)),
    vigil,
    browser: b.browser.size ? pct(browser) : null,
    renderer: b.browser.size ? pct(renderer) : null,
    rendererMainThread: m0 && m1 ? pct(m1.cpuS - m0.cpuS) : null,
    rendererMainThreadWaiting: m0 && m1 ? pct(m1.waitS - m0.waitS) : null,
    vigilMainThreadWaiting: a.vigilMain && b.vigilMain ? pct(b.vigilMain.waitS - a.vigilMain.waitS) : null,
    browserByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, pct(v)!])),
    target,
    benchProcess,
    machine,
  };
}
