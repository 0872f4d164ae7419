import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database, type QueryObserver } from '../../src/db/client.js';
import { withDatabase } from './global-setup.js';

export const testDriver = (process.env.TEST_DB_DRIVER ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A freshly migrated database of this file's own, on the driver the project runs (PGlite or Postgres).
 * Close it in afterAll; the run's teardown drops every Postgres database it created.
 */
export async function openTestDatabase(options: { poolSize?: number; onQuery?: QueryObserver } = {}): Promise<Database & { url?: string }> {
  const observe = options.onQuery ? { onQuery: options.onQuery } : {};
  if (testDriver === 'pglite') {
    const dump = await readFile(inject('pgliteDump'));
    return openDatabase({ driver: 'pglite', loadDataDir: new Blob([dump]), ...observe });
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL must be set for the postgres project');
  const template = inject('postgresTemplate');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ driver: 'postgres', url, poolSize: options.poolSize ?? 10, ...observe });
  return Object.assign(database, { url });
}
