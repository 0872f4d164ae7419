import { parseConfigForDatabase } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadReferenceDataFile, ReferenceDataError } from '../services/load-reference-data.js';

/** `npm run reference:load -- <file>`: validates the file and applies it to the configured database. */
async function run(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npm run reference:load -- <reference-data.yml>\n');
    process.exit(64);
  }
  const database = await openDatabase(parseConfigForDatabase());
  try {
    await database.migrate();
    const counts = await loadReferenceDataFile(database.db, file, 'cli');
    process.stdout.write(`Loaded ${file} into ${database.driver} (${database.location}): ${JSON.stringify(counts)}\n`);
  } catch (err) {
    if (err instanceof ReferenceDataError) {
      process.stderr.write(`${err.message}\nNothing was changed.\n`);
      process.exitCode = 65;
    } else throw err;
  } finally {
    await database.close();
  }
}

await run();
