/**
 * What a bench reports: timestamped progress on stderr, rounded figures and Markdown cells, the code
 * and machine it measured.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: children run there, results go to bench/results/. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export const benchStart = Date.now();

/** One line on stderr, prefixed with the seconds since the bench started. */
export function progress(message: string): void {
  const s = ((Date.now() - benchStart) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[${s}s] ${message}\n`);
}

export const round = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

export function median(values: (number | null | undefined)[]): number | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** A Markdown table cell: a dash for a missing value. */
export const cell = (v: unknown) => (v === null || v === undefined ? '–' : String(v));

export const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';

/** The code measured: other people edit the tree while a long run goes on. */
export const codeState = () => ({
  commit: git(['rev-parse', '--short', 'HEAD']),
  uncommittedFiles: git(['status', '--porcelain']).split('\n').filter(Boolean).length,
});

/** The machine, node and commit, for the JSON results; `extra` comes before `postgres` (filled in later). */
export function machineInfo<E extends Record<string, unknown>>(extra: E = {} as E) {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    ...extra,
    postgres: null as string | null,
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirtyFiles: git(['status', '--porcelain']).split('\n').filter(Boolean),
  };
}
