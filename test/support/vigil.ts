import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { loadSettings, type Settings } from '../../server/settings.ts';
import { startVigil, type StartOptions, type Vigil } from '../../server/vigil.ts';
import { startTargetServer, type TargetServer } from './target-server.ts';

export type TestDriver = 'pglite' | 'postgres';

export const driver: TestDriver = process.env.VIGIL_TEST_DRIVER === 'postgres' ? 'postgres' : 'pglite';

/** A fresh, migrated, empty database of the driver under test; `dispose` removes it. */
export interface TestDatabase {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (driver === 'postgres') {
    const adminUrl = process.env.VIGIL_TEST_DATABASE_URL!;
    const name = `vigil_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      dispose: async () => {
        const admin2 = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await admin2.unsafe(`drop database if exists ${name} with (force)`);
        await admin2.end();
      },
    };
  }
  return createPgliteTestDatabase();
}

/** A fresh, migrated embedded database (a copy of the run's template), whatever the driver under test. */
export function createPgliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  cpSync(inject('pgliteTemplateDir'), join(dir, 'data'), { recursive: true });
  return {
    env: { DATA_DIR: join(dir, 'data') },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestVigil extends Vigil {
  settings: Settings;
  /** fetch() against this instance, JSON in and out. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** Stops the instance (if running) and removes its database. */
  dispose(): Promise<void>;
  /** Stops this instance and starts a new one on the same database (a restart). */
  restart(): Promise<TestVigil>;
  errors: unknown[];
}

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Starts a real Vigil on 127.0.0.1 and a free port, on a fresh database (`options.webDir`: another built web app to serve). */
export async function startTestVigil(
  env: Record<string, string> = {},
  database?: TestDatabase,
  options: Pick<StartOptions, 'webDir'> = {},
): Promise<TestVigil> {
  const db = database ?? (await createTestDatabase());
  const settings = loadSettings({ HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT_MS: '3000', ...db.env, ...env });
  const errors: unknown[] = [];
  // Errors logged by Vigil are collected, so that tests can assert there were none.
  const logger = createLogger('error', { write: (line: string) => errors.push(JSON.parse(line)) });
  const vigil = await startVigil(settings, { ...options, logger });
  let stopped = false;
  const self: TestVigil = {
    ...vigil,
    settings,
    errors,
    stop: async () => {
      stopped = true;
      await vigil.stop();
    },
    api: apiOf(vigil.port),
    dispose: async () => {
      if (!stopped) await self.stop();
      await db.dispose();
    },
    restart: async () => {
      if (!stopped) await self.stop();
      return startTestVigil(env, db, options);
    },
  };
  return self;
}

/** fetch() against the Vigil on `port` of 127.0.0.1, JSON in and out (a plain text answer, e.g. /metrics, as text). */
export function apiOf(port: number): TestVigil['api'] {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* plain text answer */
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A target server for the file's tests: `receive` gets it before they run; closed after them. */
export function useTargetServer(receive: (target: TargetServer) => void): void {
  let target: TargetServer | undefined;
  beforeAll(async () => {
    target = await startTargetServer();
    receive(target);
  });
  afterAll(async () => {
    await target?.close();
  });
}

/** One Vigil for the file's tests (`receive` gets it before they run); each test must end with no error logged. */
export function useSharedVigil(receive: (vigil: TestVigil) => void, env: Record<string, string> = {}): void {
  let vigil: TestVigil | undefined;
  beforeAll(async () => {
    vigil = await startTestVigil(env);
    receive(vigil);
  });
  afterAll(async () => {
    await vigil?.dispose();
  });
  afterEach(() => {
    // (Taken out of the list, so that one failing case does not fail every later one.)
    expect(vigil?.errors.splice(0) ?? []).toEqual([]);
  });
}

/**
 * A Vigil of its own per test: the returned function starts it (then `prepare` runs on it); it is
 * disposed after the test, which must have logged no error.
 */
export function useVigilPerTest(prepare?: (vigil: TestVigil) => Promise<unknown>): (env?: Record<string, string>) => Promise<TestVigil> {
  let current: TestVigil | undefined;
  afterEach(async () => {
    const instance = current;
    current = undefined;
    await instance?.dispose();
    expect(instance?.errors ?? []).toEqual([]);
  });
  return async (env = {}) => {
    current = await startTestVigil(env);
    await prepare?.(current);
    return current;
  };
}
