/** The footprint bench's figures and its Markdown table: each figure beside its goal from issue 15, PASS or MISS. */
import { cell, median, round } from '../support/report.ts';
import type { WindowReading } from './vigil.ts';

export interface Figures {
  kind: 'pglite' | 'postgres';
  tree: string;
  root: string;
  firstStartMs?: number;
  firstStartHwmMb?: number;
  firstStartChildHwmMb?: number | null;
  startMs?: number;
  idleRssMb?: number;
  laterStartHwmMb?: number;
  loadedStartHwmMb?: number;
  overallHwmMb?: number;
  noViewer?: WindowReading;
  viewer?: WindowReading;
  fast?: WindowReading;
}

interface Row {
  label: string;
  value: (f: Figures) => number | null | undefined;
  digits?: number;
  /** Upper bound per database, when issue 15 sets one. */
  goal?: Partial<Record<Figures['kind'], number>>;
  unit: string;
}

const ROWS: Row[] = [
  { label: 'steady RSS, no viewer', value: (f) => f.noViewer?.rssMb, goal: { pglite: 200 }, unit: 'MB' },
  { label: 'steady RSS, one viewer', value: (f) => f.viewer?.rssMb, goal: { pglite: 200, postgres: 120 }, unit: 'MB' },
  { label: 'VmHWM, first start (creates the database)', value: (f) => f.firstStartHwmMb, goal: { pglite: 400 }, unit: 'MB' },
  { label: 'VmHWM, first start, child process creating the database', value: (f) => f.firstStartChildHwmMb, unit: 'MB' },
  { label: 'VmHWM, later start (empty database)', value: (f) => f.laterStartHwmMb, unit: 'MB' },
  { label: 'VmHWM, later start + 50 checks/s + viewer', value: (f) => f.overallHwmMb, unit: 'MB' },
  { label: 'idle RSS, no endpoints', value: (f) => f.idleRssMb, goal: { pglite: 120 }, unit: 'MB' },
  { label: 'start on existing data to /readyz 200 (median)', value: (f) => f.startMs, goal: { pglite: 1000 }, digits: 0, unit: 'ms' },
  { label: 'first start to /readyz 200', value: (f) => f.firstStartMs, digits: 0, unit: 'ms' },
  { label: 'checks/s measured, no viewer', value: (f) => f.noViewer?.checksPerSecond, unit: '/s' },
  { label: 'CPU per check, Vigil, no viewer', value: (f) => f.noViewer?.cpuMsPerCheck, goal: { pglite: 1, postgres: 0.3 }, digits: 2, unit: 'ms' },
  { label: 'CPU per check, Vigil, one viewer', value: (f) => f.viewer?.cpuMsPerCheck, goal: { pglite: 1, postgres: 0.3 }, digits: 2, unit: 'ms' },
  { label: 'CPU per check, PostgreSQL backends, one viewer', value: (f) => f.viewer?.extraCpuMsPerCheck, goal: { postgres: 0.3 }, digits: 2, unit: 'ms' },
  { label: 'checks/s measured, 1 s intervals', value: (f) => f.fast?.checksPerSecond, unit: '/s' },
  { label: 'CPU per check, Vigil, 1 s intervals', value: (f) => f.fast?.cpuMsPerCheck, digits: 2, unit: 'ms' },
  { label: 'CPU per check, PostgreSQL backends, 1 s intervals', value: (f) => f.fast?.extraCpuMsPerCheck, digits: 2, unit: 'ms' },
  { label: 'RSS, 1 s intervals', value: (f) => f.fast?.rssMb, unit: 'MB' },
];

/** One table per database: a column per tree (median over its runs), the goal, PASS/MISS of the last tree. */
export function markdown(results: Figures[], trees: string[]): string {
  const out: string[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const mine = results.filter((r) => r.kind === kind);
    if (mine.length === 0) continue;
    const runs = (tree: string) => mine.filter((r) => r.tree === tree).length;
    out.push(`### ${kind === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'}\n`);
    out.push(`| figure | ${trees.map((t) => `${t} (${runs(t)} run${runs(t) === 1 ? '' : 's'})`).join(' | ')} | goal | |`);
    out.push(`| --- | ${trees.map(() => '---:').join(' | ')} | ---: | --- |`);
    for (const row of ROWS) {
      const values = trees.map((t) => median(mine.filter((r) => r.tree === t).map(row.value)));
      if (values.every((v) => v === null)) continue;
      const goal = row.goal?.[kind];
      const last = values[values.length - 1] ?? null;
      const verdict = goal === undefined || last === null ? '' : last <= goal ? 'PASS' : 'MISS';
      out.push(
        `| ${row.label} | ${values.map((v) => cell(round(v, row.digits ?? 0)) + (v === null ? '' : ` ${row.unit}`)).join(' | ')} | ${goal === undefined ? '' : `≤ ${goal} ${row.unit}`} | ${verdict} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
