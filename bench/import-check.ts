/**
 * The 1,000-row import check alone (bench/import.ts's importBenchmark), against a directory as large
 * as the full run's, in a minute instead of the whole bench: a throw-away database on DATABASE_URL's
 * server, migrated, with the demo reference data; importBenchmark seeds BENCH_USERS (100,000) users
 * into it as bench/run.ts does. BENCH_KEEP=1 keeps that database and prints its URL; BENCH_DATABASE=<url>
 * runs against such a kept one (alternating builds against one directory, or under `node --cpu-prof`).
 */
import { env } from 'node:process';
import { openDatabase } from '../src/db/client.js';
import { DEMO_REFERENCE_DATA, loadReferenceDataFile } from '../src/services/load-reference-data.js';
import { createBenchDatabase, type BenchDatabase } from './database.js';
import { importBenchmark } from './import.js';

const ADMIN_URL = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function migratedDatabase(): Promise<BenchDatabase> {
  const created = await createBenchDatabase(ADMIN_URL, '_import');
  const database = await openDatabase({ driver: 'postgres', url: created.url });
  try {
    await database.migrate();
    await loadReferenceDataFile(database.db, DEMO_REFERENCE_DATA);
  } finally {
    await database.close();
  }
  return created;
}

const reused = env.BENCH_DATABASE;
const created = reused ? undefined : await migratedDatabase();
try {
  await importBenchmark(reused ?? created!.url, (line) => console.log(line));
} finally {
  if (created && env.BENCH_KEEP) console.log(`kept: BENCH_DATABASE=${created.url}`);
  else await created?.drop();
}
