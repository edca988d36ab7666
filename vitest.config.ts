import { configDefaults, defineConfig } from 'vitest/config';

// Every suite under test/ runs on embedded PGlite; set VIGIL_TEST_DATABASE_URL (a PostgreSQL server whose user
// may create databases) to run the whole suite a second time on PostgreSQL, and the tests of
// test/postgres/ that need it. Browser tests run once.
const postgresUrl = process.env.VIGIL_TEST_DATABASE_URL;

const shared = {
  include: ['test/**/*.test.ts'],
  exclude: [...configDefaults.exclude, 'test/browser/**', 'test/faults/**', 'test/notifications/providers.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Two test files at a time on the database projects (most wait on sockets, timers and the
    // database, not the CPU): both databases in 9 minutes on 2 cores, where PGlite alone took 9 one at a time. The
    // browser and fault projects still run one file at a time (fileParallelism: false).
    maxWorkers: 2,
    projects: [
      // Unit tests of single modules and scripts, no database and no Vigil: `npm run test:unit`, in seconds.
      { test: { name: 'unit', include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'test/notifications/providers.test.ts'], testTimeout: 30_000 } },
      // test/postgres/: what only PostgreSQL can do (several instances on one database).
      { test: { ...shared, name: 'pglite', exclude: [...shared.exclude, 'test/postgres/**'], env: { VIGIL_TEST_DRIVER: 'pglite' } } },
      ...(postgresUrl ? [{ test: { ...shared, name: 'postgres', env: { VIGIL_TEST_DRIVER: 'postgres', VIGIL_TEST_DATABASE_URL: postgresUrl } } }] : []),
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/support/browser-setup.ts'],
          env: { VIGIL_TEST_DRIVER: 'pglite' },
          // One file at a time, after the database projects: timing assertions need a quiet machine.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // test/faults/: the database taken away under a running Vigil (a throwaway PostgreSQL
        // cluster, a full tmpfs under PGlite), restarts, kill -9. Each makes its own databases; one
        // file at a time, last: their timing assertions need a quiet machine.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          env: { VIGIL_TEST_DRIVER: 'pglite' },
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
