/**
 * Bench databases: a fresh PGlite DATA_DIR in a temp dir, or a fresh PostgreSQL database
 * `vigil_bench_<random>` created through an admin connection; both are removed by dispose() or, if
 * the bench fails or is interrupted, by cleanupAll().
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { onCleanup } from './cleanup.ts';
import { progress } from './report.ts';
import { withTimeout } from './waits.ts';

let pgUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
let admin: postgres.Sql | undefined;

/** The server bench databases are created on (the bench's --pg-url). */
export function usePostgres(url: string): void {
  pgUrl = url;
}

/** The admin connection (opened on first use, closed by cleanupAll()). */
export function adminSql(): postgres.Sql {
  if (admin) return admin;
  const sql = postgres(pgUrl, { max: 2, onnotice: () => {}, connect_timeout: 10 });
  admin = sql;
  const done = onCleanup('connections', async () => {
    await withTimeout(sql.end({ timeout: 2 }), 5_000, 'closing the admin connection').catch(() => {});
    if (admin === sql) admin = undefined;
    done();
  });
  return sql;
}

/** The PostgreSQL server's version. */
export async function postgresVersion(): Promise<string | null> {
  const [row] = await withTimeout(adminSql()<{ v: string }[]>`select current_setting('server_version') as v`, 15_000, 'PostgreSQL');
  return row?.v ?? null;
}

/** A temp dir under os.tmpdir(), removed by remove() or at cleanup. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    done();
  };
  const done = onCleanup('dirs', async () => remove());
  return { dir, remove };
}

export interface BenchDatabase {
  kind: 'pglite' | 'postgres';
  label: string;
  env: Record<string, string>;
  /** Runs `fn` with a direct connection while Vigil is NOT running (PGlite allows one process). */
  direct<T>(fn: (query: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/** Runs `fn` with a handle that cleanup closes should the bench stop meanwhile. */
async function withHandle<H, T>(handle: H, close: () => Promise<unknown>, fn: (h: H) => Promise<T>): Promise<T> {
  const done = onCleanup('handles', () => withTimeout(close(), 5_000, 'closing a database handle'));
  try {
    return await fn(handle);
  } finally {
    done();
    await close();
  }
}

/** A fresh database; PGlite's lives in a temp dir named `tmpPrefix…`. */
export async function createBenchDatabase(kind: 'pglite' | 'postgres', tmpPrefix: string): Promise<BenchDatabase> {
  if (kind === 'postgres') {
    const name = `vigil_bench_${randomBytes(6).toString('hex')}`;
    let dropped = false;
    const drop = async () => {
      if (dropped) return; // a cleanup pass (Ctrl-C) dropped it already
      await withTimeout(adminSql().unsafe(`drop database if exists ${name} with (force)`), 30_000, `dropping ${name}`);
      dropped = true;
      undo();
    };
    const undo = onCleanup('databases', () =>
      drop().then(
        () => progress(`dropped database ${name}`),
        (error) => progress(`could not drop database ${name}: ${String(error)}`),
      ),
    );
    await withTimeout(adminSql().unsafe(`create database ${name}`), 30_000, `creating ${name}`);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return {
      kind,
      label: name,
      env: { DATABASE_URL: url.toString() },
      direct: async (fn) => {
        const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
        return withHandle(
          sql,
          () => sql.end({ timeout: 2 }),
          () => fn(async (text) => [...(await withTimeout(sql.unsafe(text), 120_000, text))] as Record<string, unknown>[]),
        );
      },
      dispose: drop,
    };
  }
  const temp = tempDir(tmpPrefix);
  const dataDir = join(temp.dir, 'data');
  return {
    kind,
    label: dataDir,
    env: { DATA_DIR: dataDir },
    direct: async (fn) => {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await withTimeout(PGlite.create(dataDir), 120_000, 'opening the PGlite data dir');
      return withHandle(
        db,
        () => db.close(),
        () => fn(async (text) => (await withTimeout(db.query<Record<string, unknown>>(text), 120_000, text)).rows),
      );
    },
    dispose: async () => temp.remove(),
  };
}
