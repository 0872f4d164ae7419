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

/**
 * test/integration/fault-connections.test.ts kills Postgres connections mid-query. postgres.js 3.4.9
 * can then throw from a timer on the dead socket (porsager/postgres#1154, #1208: `nextWrite` on a null
 * socket) or reject a promise nobody awaits; neither reaches the code under test, which sees its
 * query fail and is checked for what it left in the database. Only these signatures are ignored.
 */
function isPostgresJsConnectionKill(error: { message?: string; stack?: string; code?: unknown; query?: unknown }): boolean {
  const stack = error.stack ?? '';
  const message = error.message ?? '';
  const nullSocket = /reading 'write'/.test(message) && stack.includes('postgres/src/connection.js');
  const terminated = error.code === '57P01' && /terminating connection due to administrator command/.test(message);
  // A connection killed while postgres.js fetches its array types on connect: that fetch is not awaited by anyone.
  const typeFetch = error.code === 'ECONNRESET' && typeof error.query === 'string' && error.query.includes('typarray');
  return nullSocket || terminated || typeFetch;
}

export default defineConfig({
  test: {
    onUnhandledError: (error) => (isPostgresJsConnectionKill(error) ? false : undefined),
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      integration('pglite'),
      ...(postgresUrl ? [integration('postgres')] : []),
    ],
  },
});
