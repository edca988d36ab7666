/**
 * Child processes of a bench: node scripts started in the project root with their stdin left open
 * (they stop when it closes, i.e. when the bench is gone), their output kept, SIGTERM/SIGKILL at
 * cleanup; the probe target and Vigil itself, started and waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import { assertNotAborting, onCleanup } from './cleanup.ts';
import { ROOT } from './report.ts';
import { sleep, timeoutAfter, withTimeout } from './waits.ts';

export { freePort };

export interface ManagedChild {
  name: string;
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 200–400 lines of stdout and stderr. */
  output: string[];
  /** SIGTERM, then SIGKILL after 10 s; resolves when gone. */
  kill(): Promise<void>;
}

/** `node ...args` in the project root; its output also goes to `logFile` when given. */
export function startChild(name: string, args: string[], env: Record<string, string>, logFile?: string): ManagedChild {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin stays open: the child stops when it closes (bench gone)
  });
  const output: string[] = [];
  let log: WriteStream | undefined;
  if (logFile) log = createWriteStream(logFile);
  const keep = (chunk: Buffer) => {
    log?.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 400) output.splice(0, output.length - 200);
    }
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.stdin!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => {
      done();
      log?.end();
      r({ code, signal });
    }),
  );
  const child: ManagedChild = {
    name,
    proc,
    exited,
    output,
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), timeoutAfter(10_000).then(() => false)]);
      if (!gone) {
        proc.kill('SIGKILL');
        await Promise.race([exited, timeoutAfter(5_000)]);
      }
    },
  };
  const done = onCleanup('children', () => child.kill());
  return child;
}

/** SIGTERM and wait (bounded) for the exit; returns its code, or null when it had to be killed. */
export async function stopGracefully(child: ManagedChild, timeoutMs = 60_000): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const t0 = Date.now();
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    return { code: child.proc.exitCode, signal: child.proc.signalCode, ms: 0 };
  }
  child.proc.kill('SIGTERM');
  const result = await Promise.race([child.exited, timeoutAfter(timeoutMs).then(() => null)]);
  if (!result) {
    child.proc.kill('SIGKILL');
    await Promise.race([child.exited, timeoutAfter(5_000)]);
    return { code: null, signal: `no exit within ${timeoutMs} ms, killed`, ms: Date.now() - t0 };
  }
  return { code: result.code, signal: result.signal, ms: Date.now() - t0 };
}

export interface TargetProcess {
  child: ManagedChild;
  origin: string;
  pid: number;
  /** Track mode: the TCP (`PING <id>` → `+PONG`) and DNS (every A name → 192.0.2.1) servers beside it. */
  tcpPort?: number;
  dnsPort?: number;
}

/**
 * bench/target-process.ts in its own process; `flip`: every path answers 200, 500, 200, … in turn;
 * `track`: 200, and the checks are counted by instance (bench/support/check-tracker.ts).
 */
export async function startTarget(mode: 'ok' | 'flip' | 'track' = 'ok'): Promise<TargetProcess> {
  const env: Record<string, string> = {
    TARGET_WATCH_STDIN: '1',
    ...(mode === 'flip' ? { TARGET_FLIP: '1' } : {}),
    ...(mode === 'track' ? { TARGET_TRACK: '1' } : {}),
  };
  const child = startChild('target', ['--import', 'tsx', 'bench/target-process.ts'], env);
  const line = await withTimeout(
    new Promise<string>((resolveLine, reject) => {
      let buffer = '';
      child.proc.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const nl = buffer.indexOf('\n');
        if (nl >= 0) resolveLine(buffer.slice(0, nl));
      });
      child.exited.then(({ code }) => reject(new Error(`target process exited (${code}): ${child.output.join('\n')}`)));
    }),
    30_000,
    'the target process to print its origin',
  );
  const { origin, pid, tcpPort, dnsPort } = JSON.parse(line) as { origin: string; pid: number; tcpPort?: number; dnsPort?: number };
  if (!origin.startsWith('http://127.0.0.1:')) throw new Error(`unexpected target origin ${origin}`);
  return { child, origin, pid, tcpPort, dnsPort };
}

export interface VigilProcess {
  child: ManagedChild;
  base: string;
  pid: number;
}

/**
 * The V8 flags a tree's `npm start` runs Vigil with (`node <flags> --import tsx server/main.ts`;
 * the container's CMD has the same, test/production-run.test.ts), so that a bench measures Vigil
 * as it is run, and an older tree without them as it was.
 */
export function startFlagsOf(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (scripts.start ?? '').split(/\s+/);
  if (words[0] !== 'node') throw new Error(`${root}/package.json: the start script does not run node: ${scripts.start}`);
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--') || word === '--import') break;
    flags.push(word);
  }
  return flags;
}

/** The environment of a bench's Vigil on 127.0.0.1:`port`: none of the caller's Vigil settings, only `env`. */
export function benchVigilEnv(port: number, env: Record<string, string>): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    // Nothing of the caller's Vigil settings leaks in, only what the bench sets.
    DATABASE_URL: '',
    DATA_DIR: '',
    API_KEY: '',
    VIGIL_BENCH_WATCH_STDIN: '1',
    // Every bench client comes from 127.0.0.1: hundreds of them on one address.
    REALTIME_CONNECTIONS_PER_ADDRESS: '100000',
    ...env,
  };
}

/**
 * Vigil (`node ...nodeArgs`, ending in server/main.ts) on 127.0.0.1 and a free port, with none of the
 * caller's Vigil settings but `env`; resolves once /healthz answers (at most 180 s).
 */
export async function startVigil(nodeArgs: string[], env: Record<string, string>, logFile?: string): Promise<VigilProcess> {
  const port = await freePort();
  const child = startChild('vigil', nodeArgs, benchVigilEnv(port, env), logFile);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // PGlite's first start runs initdb: seconds, not minutes
  for (;;) {
    assertNotAborting();
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`Vigil exited during start (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.output.slice(-20).join('\n')}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`Vigil did not answer /healthz within 180 s:\n${child.output.slice(-20).join('\n')}`);
    await sleep(200);
  }
  return { child, base, pid: child.proc.pid! };
}
