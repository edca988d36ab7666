/** The check-pipeline bench's command-line options. */
import { dbKinds, localPgUrl, parseFlags } from '../support/options.ts';

/** --help prints the doc comment of the bench's entry point. */
const HELP_FILE = new URL('./main.ts', import.meta.url).href;

export interface Options {
  dbs: ('pglite' | 'postgres')[];
  endpoints: number[];
  rates: number[];
  windowS: number;
  warmupS: number;
  start: 'spread' | 'rhythm';
  cpuProf: boolean;
  concurrency: number;
  vigilEnv: Record<string, string>;
  pgUrl: string;
  dropStale: boolean;
  vigilNodeArgs: string[];
  instances: number[];
  runs: number;
  takeover: boolean;
  stallS: number;
  /**
   * What each endpoint's check does: plain HTTP (status code and time), HTTP with 3 assertions
   * (status, a header, a JSONPath), tcp (send PING, expect +PONG), dns (an A record), or a mix
   * (a third each of assertions, tcp and dns).
   */
  checks: CheckKind[];
  /** Maintenance windows to hold (0: none): one always on over half the endpoints (tag `maint`), the rest over other tags, not on. */
  maintenanceWindows: number;
}

export type CheckKind = 'plain' | 'assertions' | 'tcp' | 'dns' | 'mix';
const CHECK_KINDS: readonly CheckKind[] = ['plain', 'assertions', 'tcp', 'dns', 'mix'];

export function parseOptions(argv: string[]): Options {
  const known = [
    'db',
    'endpoints',
    'rates',
    'window',
    'warmup',
    'start',
    'cpu-prof',
    'concurrency',
    'vigil-env',
    'pg-url',
    'drop-stale',
    'vigil-node-args',
    'instances',
    'runs',
    'takeover',
    'stall',
    'checks',
    'maintenance',
    'help',
  ];
  const flags = parseFlags(argv, known, HELP_FILE);
  const list = (key: string, fallback: string) =>
    (flags.get(key) ?? fallback).split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--${key}: ${s} is not a positive integer`);
      return n;
    });
  const num = (key: string, fallback: number) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
    return n;
  };
  const dbs = dbKinds(flags, 'both');
  const start = flags.get('start') ?? 'spread';
  if (start !== 'spread' && start !== 'rhythm') throw new Error('--start must be spread or rhythm');
  const vigilEnv: Record<string, string> = {};
  for (const pair of (flags.get('vigil-env') ?? '').split(',').filter(Boolean)) {
    const [k, ...v] = pair.split('=');
    if (!k || v.length === 0) throw new Error(`--vigil-env: ${pair} is not KEY=VALUE`);
    vigilEnv[k] = v.join('=');
  }
  const pgUrl = localPgUrl(flags);
  const instances = list('instances', '1');
  if (instances.some((n) => n > 1) && dbs.includes('pglite')) {
    throw new Error('--instances above 1 needs --db=postgres: several instances share one PostgreSQL (an embedded database allows one process)');
  }
  if (instances.some((n) => n > 8)) throw new Error('--instances: at most 8 processes');
  if (flags.has('takeover') && !instances.some((n) => n > 1)) throw new Error('--takeover needs --instances above 1 (someone must take over)');
  if (flags.has('stall') && !instances.some((n) => n > 1)) throw new Error('--stall needs --instances above 1');
  return {
    dbs,
    endpoints: list('endpoints', '1000,10000'),
    rates: list('rates', '100,500,1000'),
    windowS: num('window', 30),
    warmupS: num('warmup', 10),
    start,
    cpuProf: flags.has('cpu-prof'),
    concurrency: Math.floor(num('concurrency', 20)),
    vigilEnv,
    pgUrl,
    dropStale: flags.has('drop-stale'),
    vigilNodeArgs: (flags.get('vigil-node-args') ?? '').split(' ').filter(Boolean),
    instances,
    runs: list('runs', '1')[0]!,
    takeover: flags.has('takeover'),
    stallS: flags.has('stall') ? num('stall', 15) : 0,
    checks: checkKinds(flags.get('checks') ?? 'plain'),
    maintenanceWindows: flags.has('maintenance') ? Math.floor(num('maintenance', 20)) : 0,
  };
}

function checkKinds(value: string): CheckKind[] {
  const kinds = value.split(',').map((s) => s.trim());
  for (const kind of kinds) if (!CHECK_KINDS.includes(kind as CheckKind)) throw new Error(`--checks: ${kind} is not one of ${CHECK_KINDS.join(', ')}`);
  return kinds as CheckKind[];
}
