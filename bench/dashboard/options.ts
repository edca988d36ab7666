/** The dashboard bench's command-line options, and the Chromium flags it runs with. */
import { join } from 'node:path';
import { CHROMIUM_ARGS as TEST_CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/browser.ts';
import { dbKinds, localPgUrl, parseFlags } from '../support/options.ts';
import { ROOT } from '../support/report.ts';

/** --help prints the doc comment of the bench's entry point. */
const HELP_FILE = new URL('./main.ts', import.meta.url).href;

export const DIST = join(ROOT, 'web', 'dist');

export interface Options {
  dbs: ('pglite' | 'postgres')[];
  runs: number;
  endpoints: number;
  intervalSeconds: number;
  windowS: number;
  settleS: number;
  steadyTimeoutS: number;
  renderTimeoutS: number;
  concurrency: number;
  quietWaitS: number;
  quietBelow: number;
  build: boolean;
  profile: boolean;
  consistency: boolean;
  pgUrl: string;
  chromiumPath: string;
  /** The dashboard's query string (its order and grouping; the card view is what the bench measures). */
  query: string;
}

export function parseOptions(argv: string[]): Options {
  const known = [
    'db',
    'runs',
    'endpoints',
    'quiet-wait',
    'quiet-below',
    'interval',
    'window',
    'settle',
    'steady-timeout',
    'render-timeout',
    'concurrency',
    'build',
    'profile',
    'no-consistency',
    'pg-url',
    'chromium',
    'query',
    'help',
  ];
  const flags = parseFlags(argv, known, HELP_FILE);
  const num = (key: string, fallback: number, min = 1) => {
    const n = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${key} must be a number ≥ ${min}`);
    return n;
  };
  const dbs = dbKinds(flags, 'pglite');
  const pgUrl = localPgUrl(flags);
  return {
    dbs,
    runs: Math.floor(num('runs', 1)),
    endpoints: Math.floor(num('endpoints', 2000)),
    intervalSeconds: Math.floor(num('interval', 4)),
    windowS: num('window', 10),
    settleS: num('settle', 0, 0),
    steadyTimeoutS: num('steady-timeout', 60),
    renderTimeoutS: num('render-timeout', 120),
    concurrency: Math.floor(num('concurrency', 20)),
    quietWaitS: num('quiet-wait', 180, 0),
    quietBelow: num('quiet-below', 40),
    build: flags.has('build'),
    profile: flags.has('profile'),
    consistency: !flags.has('no-consistency'),
    pgUrl,
    chromiumPath: flags.get('chromium') ?? CHROMIUM_PATH,
    query: flags.get('query') ?? '',
  };
}

/** A window starts once the page's median delivery lag is under this (or --steady-timeout passed). */
export const RECOVERED_LAG_MS = 1_000;

/** The tests' Chromium flags, and what the bench reads: precise memory figures, and gc() for the forced GC. */
export const CHROMIUM_ARGS = [...TEST_CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'];
