import { parseConfigForDatabase } from '../config.js';
import { buildTemplate } from '../db/client.js';
import { embeddedTemplate } from '../embedded-database.js';

/**
 * `npm ci` runs this (postinstall): it builds the template a new embedded database is copied from, so
 * the bot's first start costs what a restart costs. Nothing to do when the template is current, or
 * when DATABASE_URL names a Postgres. Never fails the install: without a template, the first start
 * builds it.
 */
async function run(): Promise<void> {
  const database = parseConfigForDatabase();
  if (database.driver === 'postgres') {
    process.stdout.write('pglite template: DATABASE_URL is set, no embedded database to prepare\n');
    return;
  }
  const started = performance.now();
  const { dir, built } = await buildTemplate(embeddedTemplate(database.templateDir, undefined));
  process.stdout.write(`pglite template: ${dir} ${built ? `built in ${((performance.now() - started) / 1000).toFixed(1)} s` : 'is current'}\n`);
}

await run().catch((err: unknown) => {
  process.stdout.write(`pglite template: not built (${err instanceof Error ? err.message : String(err)}); the first start of a new embedded database builds it\n`);
});
