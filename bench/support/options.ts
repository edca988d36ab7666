/** Command-line flags of the benches: `--name=value` or `--name`, checked against a list; --help prints the bench's doc comment. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Parses `argv` into name → value ('true' for a bare flag); throws on anything unknown. `scriptUrl`: the bench's import.meta.url, for --help. */
export function parseFlags(argv: string[], known: string[], scriptUrl: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  for (const key of flags.keys()) if (!known.includes(key)) throw new Error(`unknown flag --${key} (known: ${known.join(', ')})`);
  if (flags.has('help')) {
    process.stderr.write(readFileSync(fileURLToPath(scriptUrl), 'utf8').split('*/')[0] + '*/\n');
    process.exit(0);
  }
  return flags;
}

/** --db=pglite|postgres|both as a list. */
export function dbKinds(flags: Map<string, string>, fallback: string): ('pglite' | 'postgres')[] {
  const db = flags.get('db') ?? fallback;
  if (!['pglite', 'postgres', 'both'].includes(db)) throw new Error('--db must be pglite, postgres or both');
  return db === 'both' ? ['pglite', 'postgres'] : [db as 'pglite' | 'postgres'];
}

/**
 * `--viewer`: the realtime protocol of a bench's viewer. `batch` (the default) as the dashboard: one
 * `events:batch` frame per tick; `events`: one frame per event, the seed's protocol.
 */
export function viewerProtocol(flags: Map<string, string>): 'batch' | 'events' {
  const value = flags.get('viewer') ?? 'batch';
  if (value !== 'batch' && value !== 'events') throw new Error(`--viewer must be batch or events, got ${value}`);
  return value;
}

/** --pg-url, which must point at this machine (bench databases are created and dropped there). */
export function localPgUrl(flags: Map<string, string>): string {
  const pgUrl = flags.get('pg-url') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgHost = new URL(pgUrl).hostname;
  if (pgHost !== '127.0.0.1' && pgHost !== 'localhost') throw new Error('--pg-url must point at 127.0.0.1');
  return pgUrl;
}

/** The bench's options parsed from process.argv; on a bad flag, its message on stderr and exit 2. */
export function optionsOrExit<T>(parse: (argv: string[]) => T): T {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
