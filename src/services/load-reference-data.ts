import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { recordAudit } from '../db/repositories/audit.js';
import { syncReferenceData } from '../db/repositories/reference-data.js';
import type { Db } from '../db/client.js';

export class ReferenceDataError extends Error {
  override readonly name = 'ReferenceDataError';
  constructor(readonly errors: readonly string[]) {
    super(`The reference data file has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  }
}

/** The demo set that ships with the project, loaded into an empty embedded database on first start. */
export const DEMO_REFERENCE_DATA = new URL('../../reference-data/demo.yml', import.meta.url).pathname;

/**
 * Applies the operator's file in one transaction: everything in it or nothing. Running it again with
 * the same file changes nothing; a file with errors changes nothing and names every line at fault.
 */
export async function loadReferenceData(db: Db, text: string, fileName: string, actor = 'system') {
  // The parser brings yaml along: loaded when a file is, not in every idle process.
  const { parseReferenceData } = await import('../domain/reference-data.js');
  const parsed = parseReferenceData(text, fileName);
  if (!parsed.ok) throw new ReferenceDataError(parsed.errors);
  const { data } = parsed;
  const counts = {
    sites: data.sites.length,
    departments: data.departments.length,
    billingUnits: data.billingUnits.length,
    profiles: data.profiles.length,
    clusters: data.clusters.length,
    callerIds: data.callerIds.length,
    e911Locations: data.e911Locations.length,
    collections: data.collections.length,
    extensionRanges: data.extensionRanges.length,
  };
  await db.transaction(async (tx) => {
    await syncReferenceData(tx, data);
    await recordAudit(tx, { actor, action: 'reference_data.loaded', entityType: 'reference_data', entityId: basename(fileName), details: counts });
  });
  return counts;
}

export async function loadReferenceDataFile(db: Db, path: string, actor = 'system') {
  return loadReferenceData(db, await readFile(path, 'utf8'), path, actor);
}
