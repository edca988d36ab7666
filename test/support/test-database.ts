import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../db/client.ts';
import { createTestDatabase } from './vigil.ts';

/**
 * An open, migrated, empty database of the driver under test (PGlite from the run's template, or
 * a fresh PostgreSQL database), for unit tests that need real SQL; `dispose` closes and removes it.
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { dispose(): Promise<void> }> {
  const created = await createTestDatabase();
  const handle = await createDatabase({ databaseUrl: created.env.DATABASE_URL, dataDir: created.env.DATA_DIR ?? 'memory://' });
  await handle.migrate();
  return {
    ...handle,
    dispose: async () => {
      await handle.close();
      await created.dispose();
    },
  };
}

/**
 * One test database for the whole file (opening one takes seconds; each test makes rows of its
 * own): opened before the tests, removed after them. Read `.db` inside tests and hooks.
 */
export function useTestDatabase(): { readonly db: DatabaseHandle['db'] } {
  let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database?.dispose());
  return {
    get db() {
      if (!database) throw new Error('the test database is opened in beforeAll');
      return database.db;
    },
  };
}
