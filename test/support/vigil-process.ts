/**
 * Vigil as its own operating-system process (`node server/main.ts` or a built server), for tests
 * that need real signals and exit codes: started on a free port, read through its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './vigil.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface VigilProcess {
  proc: ChildProcess;
  url: string;
  /** Every JSON log line so far, parsed. */
  logs: LogLine[];
  /** Lines that were not JSON (stderr of the runtime, say). */
  otherOutput: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** fetch() relative to the instance. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** SIGKILL if still running (cleanup). */
  kill(): Promise<void>;
}

export interface VigilProcessOptions {
  /** Arguments to node (default: the TypeScript sources through tsx). */
  args?: string[];
  cwd?: string;
  env: Record<string, string>;
  /** Replace the inherited environment instead of adding to it. */
  cleanEnv?: boolean;
  startTimeoutMs?: number;
}

/** Starts Vigil on 127.0.0.1 and a free port and resolves once it logs that it listens. */
export async function startVigilProcess(options: VigilProcessOptions): Promise<VigilProcess> {
  const base = options.cleanEnv ? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } : process.env;
  const proc = spawn(process.execPath, options.args ?? ['--import', 'tsx', 'server/main.ts'], {
    cwd: options.cwd ?? ROOT,
    env: { ...base, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const read = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line));
        } catch {
          otherOutput.push(line);
        }
      }
    });
  };
  read(proc.stdout!);
  read(proc.stderr!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const listening = await waitFor(
    () => {
      if (gone) throw new Error(`Vigil exited before listening:\n${[...logs.map((l) => JSON.stringify(l)), ...otherOutput].join('\n')}`);
      return logs.find((l) => l.msg?.startsWith('Vigil listening'));
    },
    options.startTimeoutMs ?? 60_000,
    'Vigil to listen',
  );
  const port = new URL(String(listening.url)).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    proc,
    url,
    logs,
    otherOutput,
    exited,
    fetch: (path, init) => fetch(url + path, init),
    kill: async () => {
      if (!gone) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Kills the process with SIGKILL (no shutdown code runs) and waits until it is gone. */
export async function killNine(vigil: VigilProcess): Promise<void> {
  vigil.proc.kill('SIGKILL');
  const exited = await vigil.exited;
  if (exited.signal !== 'SIGKILL') throw new Error(`expected the process to die of SIGKILL, it exited with ${JSON.stringify(exited)}`);
}

/** A JSON call to the process; anything but 2xx throws with the answer. */
export async function processApi<T>(vigil: VigilProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await vigil.fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? null : await response.json()) as T;
}
