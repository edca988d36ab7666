/**
 * What the Dockerfile's runtime stage does, in a plain folder: the package files, a production-only
 * install, the built server (scripts/build-server.ts) in dist/, started with `node` alone in a
 * clean environment. Shared by test/production-run.test.ts and scripts/production-smoke.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/support/free-port.ts';
import { ROOT } from './build-server.ts';

const run = promisify(execFile);

/** The Dockerfile's production install (`npm …`); the test checks that the Dockerfile says the same. */
export const PRODUCTION_INSTALL = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
/**
 * The V8 flags Vigil runs with, in the Dockerfile's CMD, `npm start` and `npm run start:prod` (the
 * test checks all three). A young generation of 1 MB semi-spaces instead of up to 16 MB: the objects
 * of a check live for milliseconds, and the larger spaces stayed resident for good, about 25–40 MB
 * more RSS with no CPU per check saved (bench/README.md, footprint).
 */
export const NODE_FLAGS = ['--max-semi-space-size=1'];
/** The Dockerfile's CMD, relative to the app folder. */
export const START_COMMAND = ['node', ...NODE_FLAGS, 'dist/server/main.js'];

/**
 * Only what a container would have: PATH and HOME, npm's own registry, cache and proxy settings
 * (so the install finds the same registry and cache), and `extra`. No NODE_OPTIONS, so no tsx.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    ([name, value]) =>
      value !== undefined &&
      (name === 'PATH' ||
        name === 'HOME' ||
        /^npm_config_(registry|cache|userconfig|.*proxy|strict_ssl|cafile)$/i.test(name) ||
        /^(https?|no)_proxy$/i.test(name)),
  ) as [string, string][];
  return { ...Object.fromEntries(kept), ...extra };
}

/**
 * Copies package.json and package-lock.json into `appDir` and installs production dependencies
 * there from the lock file (npm's cache makes it quick; the registry is asked for anything missing).
 * `appDir/dist` should hold the built server already. Resolves with the install's duration in ms.
 */
export async function installProduction(appDir: string): Promise<number> {
  copyFileSync(join(ROOT, 'package.json'), join(appDir, 'package.json'));
  copyFileSync(join(ROOT, 'package-lock.json'), join(appDir, 'package-lock.json'));
  const started = performance.now();
  try {
    await run('npm', [...PRODUCTION_INSTALL, '--prefer-offline'], { cwd: appDir, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${PRODUCTION_INSTALL.join(' ')} failed in ${appDir}:\n${stdout}${stderr}`);
  }
  return performance.now() - started;
}

// tsc writes static imports at the start of a line; a dynamic import, or a package located with
// require.resolve / import.meta.resolve (e.g. to read its files), names its module as a literal.
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
  /^\s*import\s*(['"])([^'"\n]+)\1/gm,
  /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /\.resolve\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];
const PACKAGE_SPECIFIER = /^(?:@[\w-][\w.-]*\/)?[\w-][\w.-]*(?:\/[\w./-]*)?$/;

/** Every package the built server imports (statically, with import() or by resolving it), from dist/server and dist/db. */
export function importedPackages(appDir: string): string[] {
  const names = new Set<string>();
  for (const sub of ['server', 'db']) {
    const files = readdirSync(join(appDir, 'dist', sub), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const file of files) {
      const source = readFileSync(join(appDir, 'dist', sub, file), 'utf8');
      for (const pattern of IMPORT_PATTERNS) {
        for (const match of source.matchAll(pattern)) {
          const specifier = match[2]!;
          if (PACKAGE_SPECIFIER.test(specifier) && !isBuiltin(specifier)) names.add(specifier);
        }
      }
    }
  }
  return [...names].sort();
}

/** The specifiers among `specifiers` that Node cannot resolve from `appDir` (ESM resolution, as the server loads them). */
export async function unresolvable(appDir: string, specifiers: string[]): Promise<string[]> {
  const script = `
    const missing = [];
    for (const s of ${JSON.stringify(specifiers)}) { try { import.meta.resolve(s); } catch { missing.push(s); } }
    console.log(JSON.stringify(missing));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: appDir, env: cleanEnv() });
  return JSON.parse(stdout) as string[];
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to the exit. */
  atMs: number;
}

export interface BuiltServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** The environment the server was started with (HOST, PORT and the caller's settings). */
  env: Record<string, string>;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 of /readyz. */
  readyMs: number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** How the process ended (code, or the signal that killed it), or undefined while it runs. */
  exit(): ServerExit | undefined;
  /** pid, state (running, or exited with code/signal and when) and the whole output: for a failure report. */
  report(): string;
  /**
   * report() plus what the process does now, for a failure report: whether /healthz answers within
   * 2 s, its CPU use over that time and its resident size (from /proc; Linux). A server that runs
   * but neither answers nor uses CPU waits on something; one at 100 % spins. For one that does not
   * answer, also its threads' states and its JavaScript stack (its inspector opened with SIGUSR1).
   */
  diagnose(): Promise<string>;
  /** Resident set size in KiB (from /proc; Linux). */
  rssKiB(): number;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts START_COMMAND (`node <NODE_FLAGS> dist/server/main.js`) in `appDir` on 127.0.0.1 and a free port with a clean
 * environment plus `settings`, and resolves once /readyz answers 200. Throws with the server's
 * output if it exits or is not ready within `readyTimeoutMs`.
 */
export async function startBuiltServer(appDir: string, settings: Record<string, string>, readyTimeoutMs = 60_000): Promise<BuiltServer> {
  const port = await freePort();
  const env = cleanEnv({ HOST: '127.0.0.1', PORT: String(port), ...settings });
  const [, ...args] = START_COMMAND;
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exit: ServerExit | undefined;
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal, atMs: Math.round(performance.now() - started) };
      resolveExit(code);
    }),
  );
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const report = () => {
    const state = exit
      ? `exited ${exit.signal ? `by ${exit.signal}` : `with code ${exit.code}`} ${exit.atMs} ms after spawn`
      : `running for ${Math.round(performance.now() - started)} ms`;
    return `built server pid ${child.pid} on port ${port}: ${state}\n--- server output (stdout and stderr) ---\n${output}--- end of server output ---`;
  };

  const url = `http://127.0.0.1:${port}`;
  const cpuTicks = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 a second)
  };
  const diagnose = async () => {
    if (exit) return report();
    const facts: string[] = [];
    try {
      const before = cpuTicks();
      const started = performance.now();
      const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => `answers /healthz with ${r.status} in ${Math.round(performance.now() - started)} ms`,
        (error: Error) => `does not answer /healthz (${String((error.cause as Error | undefined)?.message ?? error.message)})`,
      );
      await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (performance.now() - started))));
      const cpu = (cpuTicks() - before) / ((performance.now() - started) / 1000);
      facts.push(
        answer,
        `CPU ${Math.round(cpu)} % of a core`,
        `RSS ${Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024)} MiB`,
      );
      // A server that does not answer: what its threads wait on, and where its JavaScript is.
      if (answer.startsWith('does not')) facts.push(`\nthreads: ${threadStates(child.pid!)}\n${await pausedStacks(child.pid!, () => output)}`);
    } catch (error) {
      facts.push(`could not be probed: ${(error as Error).message}`);
    }
    return `${exit ? '' : `now: ${facts.join(', ')}\n`}${report()}`;
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`the built server exited before it was ready: ${report()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the built server was not ready within ${readyTimeoutMs} ms (killed): ${report()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;

  return {
    url,
    env,
    child,
    readyMs,
    output: () => output,
    exit: () => exit,
    report,
    diagnose,
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN),
    stop: async (signal = 'SIGTERM') => {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}

/** Each thread of `pid`: name, state (R runs, S sleeps, D waits on the disk) and the kernel function it waits in (from /proc; Linux). */
function threadStates(pid: number): string {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((tid) => {
        const state = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        let wchan = '';
        try {
          wchan = readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8');
        } catch {
          /* not readable here */
        }
        return `${name}:${state}${wchan && wchan !== '0' ? `(${wchan})` : ''}`;
      })
      .join(' ');
  } catch (error) {
    return `unreadable (${(error as Error).message})`;
  }
}

/**
 * The JavaScript stack of a server that stopped answering, twice a second apart: opens its inspector
 * with SIGUSR1 (Node writes the address to stderr, which `output` holds), pauses it, lists the
 * frames and lets it go on. A main thread spinning in JavaScript or WebAssembly pauses (the same
 * frames twice: a loop); one blocked in native code or a system call does not.
 */
async function pausedStacks(pid: number, output: () => string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    process.kill(pid, 'SIGUSR1');
    let address: string | undefined;
    while (!address && Date.now() < deadline) {
      const failed = /Starting inspector on \S+ failed[^\n]*/.exec(output())?.[0];
      if (failed) return `no JavaScript stack: ${failed}`;
      address = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1];
      if (!address) await sleep(100);
    }
    if (!address) return 'no JavaScript stack: the inspector did not open';
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(address);
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      let id = 0;
      const send = (method: string) => socket.send(JSON.stringify({ id: ++id, method }));
      type Frame = { functionName: string; url: string; location: { lineNumber: number; columnNumber: number } };
      const pause = () =>
        new Promise<string>((resolve) => {
          const timer = setTimeout(
            () => resolve('Debugger.pause did not take: the main thread runs no JavaScript or WebAssembly (blocked in native code or a system call)'),
            Math.max(0, deadline - Date.now()),
          );
          socket.on('message', function paused(data) {
            const message = JSON.parse(String(data)) as { method?: string; params?: { callFrames: Frame[] } };
            if (message.method !== 'Debugger.paused') return;
            socket.off('message', paused);
            clearTimeout(timer);
            send('Debugger.resume');
            resolve(
              message
                .params!.callFrames.slice(0, 25)
                .map((f) => `  at ${f.functionName || '<anonymous>'} ${f.url}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1}`)
                .join('\n'),
            );
          });
          send('Debugger.pause');
        });
      send('Debugger.enable');
      const first = await pause();
      if (first.startsWith('Debugger.pause did not')) return first;
      await sleep(1000);
      return `JavaScript stack (paused through the inspector):\n${first}\n1 s later:\n${await pause()}`;
    } finally {
      socket.terminate();
    }
  } catch (error) {
    return `no JavaScript stack: ${(error as Error).message}`;
  }
}
