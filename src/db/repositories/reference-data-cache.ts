import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { extensions, referenceDataVersion } from '../schema/index.js';
import { freeExtensionNumbers } from './extensions.js';
import { listReferenceChoices, type ReferenceChoices } from './reference-data.js';

/**
 * The reference-data lists change only when an operator loads a file, yet every form offered them:
 * nine queries per modal. A process keeps the lists it read, tagged with the reference_data_version
 * it saw before reading them, and every caller first reads the current version (one small query, or a
 * column of a query it makes anyway). A version that moved means another read, so an instance never
 * offers lists older than the database's: a load through any instance shows in the next form opened on
 * every instance. The version is bumped by triggers in the writer's transaction (drizzle/), whoever
 * the writer is.
 *
 * One slot per database handle (a bot, a test's second bot), never shared between handles.
 */
interface Slot {
  readonly version: number;
  readonly choices: Promise<ReferenceChoices>;
}
const slots = new WeakMap<Db, Slot>();

/** The database's reference-data version; undefined if its row is missing (then nothing is cached). */
export async function readReferenceDataVersion(db: Db): Promise<number | undefined> {
  const [row] = await db.select({ version: referenceDataVersion.version }).from(referenceDataVersion);
  return row?.version;
}

/**
 * The lists as of `version` or newer. Read once per version however many forms ask at the same time;
 * a failed read is forgotten, so the next caller tries again.
 */
export function referenceChoicesAt(db: Db, version: number | undefined): Promise<ReferenceChoices> {
  if (version === undefined) return listReferenceChoices(db);
  const slot = slots.get(db);
  // A slot read at a later version than the caller saw is newer still: never older than asked.
  if (slot && slot.version >= version) return slot.choices;
  const choices = listReferenceChoices(db).then(frozen);
  const next: Slot = { version, choices };
  slots.set(db, next);
  choices.catch(() => {
    if (slots.get(db) === next) slots.delete(db);
  });
  return choices;
}

/** What `listReferenceChoices` returns, from the cache when the version has not moved: one round trip. */
export async function cachedReferenceChoices(db: Db): Promise<ReferenceChoices> {
  return referenceChoicesAt(db, await readReferenceDataVersion(db));
}

/**
 * The lists and the lowest free extensions (which change with every user, so they are read each time),
 * with the version in the same query: one round trip for a form whose lists are cached.
 */
export async function cachedReferenceChoicesWithFreeExtensions(db: Db, limit: number): Promise<{ choices: ReferenceChoices; freeExtensions: number[] }> {
  const [row] = await db
    .select({
      version: referenceDataVersion.version,
      // Text, not an array: the two drivers decode arrays differently, a string alike.
      free: sql<string>`array_to_string(array(select ${extensions.number} from ${extensions} where ${extensions.assignedUserId} is null order by ${extensions.number} limit ${limit}), ',')`,
    })
    .from(referenceDataVersion);
  if (!row) {
    const [choices, freeExtensions] = await Promise.all([listReferenceChoices(db), freeExtensionNumbers(db, limit)]);
    return { choices, freeExtensions };
  }
  const freeExtensions = row.free === '' ? [] : row.free.split(',').map(Number);
  return { choices: await referenceChoicesAt(db, row.version), freeExtensions };
}

/** Forms share one object per version: frozen, so a caller that sorted or pushed in place would fail loudly. */
function frozen(choices: ReferenceChoices): ReferenceChoices {
  const { retiredNames, ...offered } = choices;
  for (const list of [...Object.values(offered), ...Object.values(retiredNames)] as object[][]) {
    for (const item of list) Object.freeze(item);
    Object.freeze(list);
  }
  Object.freeze(retiredNames);
  return Object.freeze(choices);
}
