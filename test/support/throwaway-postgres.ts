/**
 * A throwaway PostgreSQL cluster for outage tests: its own data directory under the system's temp
 * dir, a free port on 127.0.0.1, trust auth, fsync off. It can be stopped and started again on the
 * same port and data (an outage), and is destroyed at the end — also when the process exits
 * without calling destroy() (an exit hook stops and deletes whatever is still alive).
 *
 * initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user (runuser).
 *
 * @example
 *   const pg = await startThrowawayPostgres();
 *   try { … pg.url …; await pg.stop(); await sleep(5000); await pg.start(); } finally { await pg.destroy(); }
 */
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface ThrowawayPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** The same server, another database. */
  urlFor(database: string): string;
  dataDir: string;
  /** Whether the server is up (as far as start/stop know). */
  readonly running: boolean;
  /** Stops the server: `immediate` (default) is a crash as clients see it, `fast` a clean shutdown. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its directory. Safe to call twice. */
  destroy(): Promise<void>;
  /** The end of the server's log, for error messages. */
  logTail(lines?: number): string;
}

export interface ThrowawayPostgresOptions {
  /** Directory of initdb/pg_ctl (default: the newest /usr/lib/postgresql/<version>/bin). */
  binDir?: string;
  /** Extra postgresql.conf settings, e.g. { max_connections: '200' }. */
  settings?: Record<string, string>;
}

/** The newest PostgreSQL installed from Debian's packages (the machine's own server is one of them). */
function defaultBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return join(root, versions[0] ?? '15', 'bin');
}

/** Clusters not yet destroyed: the exit hook stops and deletes them should the process end first. */
const alive = new Set<{ binDir: string; dataDir: string; root: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cluster of alive) {
      spawnSync(...asPostgresUser(join(cluster.binDir, 'pg_ctl'), ['stop', '-D', cluster.dataDir, '-m', 'immediate', '-w', '-t', '10']), { stdio: 'ignore' });
      rmSync(cluster.root, { recursive: true, force: true });
    }
  });
}

const isRoot = () => process.getuid?.() === 0;

/** [command, args] that run `command` as the postgres user when we are root, as ourselves otherwise. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  const [cmd, argv] = asPostgresUser(command, args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('there is no postgres user on this machine');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const binDir = options.binDir ?? defaultBinDir();
  if (!existsSync(join(binDir, 'initdb'))) throw new Error(`no initdb in ${binDir}: install Debian's postgresql package`);
  const root = mkdtempSync(join(os.tmpdir(), 'vigil-throwaway-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  const logFile = join(root, 'postgres.log');
  mkdirSync(socketDir);
  if (isRoot()) {
    const { uid, gid } = postgresUserIds();
    for (const path of [root, socketDir]) chownSync(path, uid, gid);
  }
  const entry = { binDir, dataDir, root };
  alive.add(entry);
  installExitHook();

  const port = await freePort();
  let running = false;
  let destroyed = false;
  const pgCtl = (args: string[], timeoutMs = 60_000) => run(join(binDir, 'pg_ctl'), ['-D', dataDir, ...args], timeoutMs);

  const start = async () => {
    if (destroyed) throw new Error('this throwaway PostgreSQL was destroyed');
    if (running) return;
    await pgCtl(['start', '-w', '-t', '60', '-l', logFile]);
    running = true;
  };
  const stop = async (mode: 'immediate' | 'fast' = 'immediate') => {
    if (!running) return;
    running = false;
    await pgCtl(['stop', '-w', '-t', '30', '-m', mode]);
  };

  try {
    await run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], 120_000);
    const settings: Record<string, string> = {
      port: String(port),
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${socketDir}'`,
      // Speed, not durability against a power cut: a killed server still keeps what it committed.
      fsync: 'off',
      full_page_writes: 'off',
      ...options.settings,
    };
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      `\n# throwaway-postgres.ts\n${Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n')}\n`,
    );
    await start();
  } catch (error) {
    alive.delete(entry);
    spawnSync(...asPostgresUser(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate']), { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url: urlFor('postgres'),
    urlFor,
    dataDir,
    get running() {
      return running;
    },
    stop,
    start,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      try {
        await stop('immediate');
      } catch {
        /* already gone: deleting the directory is what matters */
      }
      rmSync(root, { recursive: true, force: true });
      alive.delete(entry);
    },
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}
