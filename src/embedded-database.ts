import { readFile } from 'node:fs/promises';
import type { Config } from './config.js';
import type { DatabaseTarget } from './db/client.js';
import type { PgliteTemplate } from './db/pglite-template.js';
import { DEMO_REFERENCE_DATA, loadReferenceDataFile } from './services/load-reference-data.js';

/** The templates' default home: built there by `npm ci` (postinstall), and removed with node_modules. */
export const DEFAULT_TEMPLATE_DIR = new URL('../node_modules/.cache/provision-bot', import.meta.url).pathname;

/**
 * The template a new embedded database starts from. Without REFERENCE_DATA_FILE the bot fills an
 * empty embedded database with the demo set, so the template holds it already (`demo`); with one,
 * the operator's file is applied at every start and the template is only migrated (`migrated`), so
 * no demo item ever appears beside the operator's.
 */
export function embeddedTemplate(templateDir: string | undefined, referenceDataFile: string | undefined): PgliteTemplate {
  const cacheDir = templateDir ?? DEFAULT_TEMPLATE_DIR;
  if (referenceDataFile) return { cacheDir, name: 'migrated', inputs: () => Promise.resolve([]) };
  return {
    cacheDir,
    name: 'demo',
    inputs: async () => [await readFile(DEMO_REFERENCE_DATA, 'utf8')],
    fill: (db) => loadReferenceDataFile(db, DEMO_REFERENCE_DATA),
  };
}

/** The database the settings name, a new embedded folder starting from its template. */
export function databaseTarget(config: Pick<Config, 'database' | 'referenceDataFile'>): DatabaseTarget {
  const { database } = config;
  if (database.driver === 'postgres') return database;
  return { driver: 'pglite', dataDir: database.dataDir, template: embeddedTemplate(database.templateDir, config.referenceDataFile) };
}
