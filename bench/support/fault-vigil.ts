/**
 * Vigil processes for the fault bench: started on a port of the bench's choosing (a restart comes
 * back on the same port, as behind a load balancer), killed with SIGKILL or stopped with SIGTERM,
 * and watched for when they are ready (/readyz 200) — or for how they fail to start.
 */
import { join } from 'node:path';
import { assertNotAborting } from './cleanup.ts';
import { startChild, stopGracefully, type ManagedChild } from './processes.ts';
import { sleep, timeoutAfter } from './waits.ts';

export const VIGIL_NODE_ARGS = ['--import', 'tsx', '--import', './bench/vigil-probe.ts', 'server/main.ts'];

export interface FaultVigil {
  child: ManagedChild;
  base: string;
  port: number;
  pid: number;
  /** Date.now() when the process was spawned. */
  spawnedAt: number;
  /** Date.now() of the first /healthz 200. */
  listeningAt: number;
}

/** The environment of a bench Vigil: nothing of the caller's Vigil settings, only `env`. */
function vigilEnv(port: number, env: Record<string, string>): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: '',
    DATA_DIR: '',
    API_KEY: '',
    INSTANCE_ID: '',
    WEBHOOK_URL: '',
    LOG_LEVEL: 'info',
    VIGIL_BENCH_WATCH_STDIN: '1',
    // Every bench client comes from 127.0.0.1: hundreds of them on one address.
    REALTIME_CONNECTIONS_PER_ADDRESS: '100000',
    ...env,
  };
}

/** Spawns Vigil on `port`; resolves once /healthz answers, throws if it exits first or takes over `timeoutMs`. */
export async function startVigilOn(port: number, env: Record<string, string>, logDir: string, name: string, timeoutMs = 120_000): Promise<FaultVigil> {
  const spawnedAt = Date.now();
  const child = startChild(name, VIGIL_NODE_ARGS, vigilEnv(port, env), join(logDir, `${name}.log`));
  const base = `http://127.0.0.1:${port}`;
  const deadline = spawnedAt + timeoutMs;
  for (;;) {
    assertNotAborting();
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`Vigil exited during start (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.output.slice(-15).join('\n')}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return { child, base, port, pid: child.proc.pid!, spawnedAt, listeningAt: Date.now() };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await child.kill();
      throw new Error(`Vigil did not answer /healthz within ${timeoutMs} ms:\n${child.output.slice(-15).join('\n')}`);
    }
    await sleep(50);
  }
}

export type StartOutcome =
  | { outcome: 'exited'; code: number | null; signal: string | null; afterMs: number; output: string[] }
  | { outcome: 'listening'; vigil: FaultVigil }
  | { outcome: 'neither'; afterMs: number; output: string[] };

/** Spawns Vigil where it may well fail to start: what it did within `timeoutMs`. */
export async function tryStartVigil(port: number, env: Record<string, string>, logDir: string, name: string, timeoutMs: number): Promise<StartOutcome> {
  const spawnedAt = Date.now();
  const child = startChild(name, VIGIL_NODE_ARGS, vigilEnv(port, env), join(logDir, `${name}.log`));
  const base = `http://127.0.0.1:${port}`;
  while (Date.now() - spawnedAt < timeoutMs) {
    assertNotAborting();
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      await Promise.race([child.exited, timeoutAfter(2_000)]);
      return { outcome: 'exited', code: child.proc.exitCode, signal: child.proc.signalCode, afterMs: Date.now() - spawnedAt, output: child.output };
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return { outcome: 'listening', vigil: { child, base, port, pid: child.proc.pid!, spawnedAt, listeningAt: Date.now() } };
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  await child.kill();
  return { outcome: 'neither', afterMs: Date.now() - spawnedAt, output: child.output };
}

/** Polls /readyz every 25 ms until it answers 200: Date.now() then, or null after `timeoutMs`. */
export async function waitReady(base: string, timeoutMs = 60_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    assertNotAborting();
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_500) });
      await res.arrayBuffer();
      if (res.ok) return Date.now();
    } catch {
      /* not listening */
    }
    await sleep(25);
  }
  return null;
}

/** SIGKILL; resolves once the process is gone. */
export async function kill9(vigil: FaultVigil): Promise<void> {
  vigil.child.proc.kill('SIGKILL');
  await Promise.race([vigil.child.exited, timeoutAfter(10_000)]);
}

/** SIGTERM and the exit (bounded; killed after `timeoutMs`). */
export const sigterm = (vigil: FaultVigil, timeoutMs = 30_000) => stopGracefully(vigil.child, timeoutMs);

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Vigil's JSON log lines at `level` or worse (its levels are words). */
export function logLinesAtLeast(output: string[], level: 'warn' | 'error' | 'fatal'): string[] {
  const min = LEVELS.indexOf(level);
  return output.filter((line) => {
    try {
      return LEVELS.indexOf(String((JSON.parse(line) as { level?: string }).level)) >= min;
    } catch {
      return false;
    }
  });
}
