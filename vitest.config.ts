import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Unit tests run once. Integration tests run once per database driver: always on PGlite (the embedded
 * default), and on a real Postgres when TEST_DATABASE_URL names one (.ci/run sets it). Each test file
 * gets its own freshly migrated database, cloned from one migrated per run (test/support/global-setup.ts).
 */
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) {
  console.warn('[vitest] TEST_DATABASE_URL is not set: integration tests run on PGlite only, the Postgres run is skipped.');
}

const integration = (driver: 'pglite' | 'postgres'): TestProjectInlineConfiguration => ({
  extends: true,
  test: {
    name: `integration:${driver}`,
    include: ['test/integration/**/*.test.ts'],
    env: { TEST_DB_DRIVER: driver },
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      integration('pglite'),
      ...(postgresUrl ? [integration('postgres')] : []),
    ],
  },
});
