/**
 * The child process of db/pglite-first-start.ts: creates the embedded database in the directory
 * given as its only argument (initdb), closes it and exits 0; on failure prints why and exits 1.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_SETTINGS } from './pglite-settings.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: pglite-create-process <data dir>\n');
  process.exit(2);
}
try {
  const db = await PGlite.create(dataDir, { postgresqlconf: PGLITE_SETTINGS });
  await db.close();
  process.exit(0);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
