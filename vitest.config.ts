import { defineConfig } from 'vitest/config';

// Every suite runs on embedded PGlite; set VIGIL_TEST_DATABASE_URL (a PostgreSQL server whose user
// may create databases) to run the whole suite a second time on PostgreSQL.
const postgresUrl = process.env.VIGIL_TEST_DATABASE_URL;

const shared = {
  include: ['server/**/*.test.ts', 'test/**/*.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'pglite', env: { VIGIL_TEST_DRIVER: 'pglite' } } },
      ...(postgresUrl
        ? [{ test: { ...shared, name: 'postgres', env: { VIGIL_TEST_DRIVER: 'postgres', VIGIL_TEST_DATABASE_URL: postgresUrl } } }]
        : []),
    ],
  },
});
