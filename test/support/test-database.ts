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
