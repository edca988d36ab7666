import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { assertRoomForDatabase, freeBytes, noSpace, NoSpaceError } from './disk-space.ts';
import { openNotifications, type Notifications } from './notifications.ts';
import { createInChildProcess, needsCreating } from './pglite-first-start.ts';
import { PGLITE_SETTINGS } from './pglite-settings.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** One type for both drivers: the queries are written once. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** PostgreSQL only: LISTEN/NOTIFY on dedicated connections (PGlite serves one instance, nothing to tell). */
  notifications?: Notifications;
  /** Applies the committed migrations in db/migrations. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL through postgres.js; absent selects embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** postgres.js pool size. */
  maxConnections?: number;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Opens the database Vigil runs on.
 * @example const { db, migrate, close } = await createDatabase({ dataDir: './data' });
 */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.maxConnections ?? 10) : openPglite(options.dataDir);
}

/** pg_advisory_lock key held while migrating ("vigil mg" in ASCII). */
const MIGRATION_LOCK_KEY = 0x7669_6769_6c6d_67n.toString();

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // Bounded connects (2 s), and reconnects at most 0.5 s apart (postgres.js's default grows to
  // 10–20 s): after an outage every instance is back well within one heartbeat tick of the others.
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 2, backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5) });
  const db = drizzle(client, { schema });
  // Two more connections beside the pool, opened on first use.
  const notifications = await openNotifications(url, { applicationName: 'vigil events' });
  return {
    db: db as unknown as Database,
    driver: 'postgres',
    notifications,
    migrate: async () => {
      // Instances starting together on an empty database take turns: one migrates, the others
      // then find nothing left to do. The lock lives on its own connection (the pool may be 1).
      const lock = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(db, { migrationsFolder });
      } finally {
        await lock.end({ timeout: 5 });
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await notifications.close();
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const inMemory = dataDir.startsWith('memory://');
  let lock: DataDirLock | undefined;
  try {
    if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
    if (!inMemory) assertRoomForDatabase(resolve(dataDir));
    lock = inMemory ? undefined : lockDataDir(resolve(dataDir));
  } catch (error) {
    throw explainPgliteFailure(error, dataDir);
  }
  let client: InstanceType<typeof PGlite>;
  try {
    if (!inMemory && needsCreating(resolve(dataDir))) await createInChildProcess(resolve(dataDir));
    client = await PGlite.create(inMemory ? dataDir : resolve(dataDir), { postgresqlconf: PGLITE_SETTINGS });
  } catch (error) {
    lock?.release();
    throw explainPgliteFailure(error, dataDir);
  }
  // No parallel plans: PGlite is one process and a Gather node would wait for workers that never
  // start, blocking the event loop for good (electric-sql/pglite#945).
  await client.exec('set max_parallel_workers_per_gather = 0');
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    driver: 'pglite',
    migrate: () => migrate(db, { migrationsFolder }).catch((error) => Promise.reject(explainPgliteFailure(error, dataDir))),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      // (PGlite's close() itself waits for the queries still running.)
      await client.close();
      lock?.release();
    },
  };
}

/** PGlite reports a full disk as "Aborted()" at start: say what it is. */
function explainPgliteFailure(error: unknown, dataDir: string): unknown {
  if (error instanceof NoSpaceError || dataDir.startsWith('memory://')) return error;
  const free = freeBytes(resolve(dataDir));
  const aborted = (error as { code?: unknown })?.code === 'ENOSPC' || /Aborted\(|RuntimeError|no space left/i.test(String((error as Error)?.message ?? error));
  if (aborted && free !== null && free < 64 * 1024 * 1024) return noSpace(resolve(dataDir), free);
  return error;
}

/** Rows of a raw `db.execute()` whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
