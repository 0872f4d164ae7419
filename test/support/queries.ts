import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { auditEvents, extensions, requests, userCollections, users } from '../../src/db/schema/index.js';

/** Row counts of everything a use case writes: a refused request must leave all of them unchanged. */
export async function rowCounts(db: Db) {
  const count = async (table: typeof users | typeof extensions | typeof userCollections | typeof auditEvents) =>
    (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n ?? 0;
  return {
    users: await count(users),
    extensions: await count(extensions),
    userCollections: await count(userCollections),
    audit: await count(auditEvents),
  };
}

/** rowCounts and the requests: a request refused at submission must not be stored either. */
export async function rowCountsWithRequests(db: Db) {
  const [stored] = await db.select({ n: sql<number>`count(*)::int` }).from(requests);
  return { ...(await rowCounts(db)), requests: stored?.n ?? 0 };
}

export async function storedUser(db: Db, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

/**
 * Empties every reference-data table: the state of an operator's fresh Postgres before any file is
 * loaded. (On PGlite the bot loads the demo set into an empty database at start; this undoes it.)
 */
export async function clearReferenceData(db: Db): Promise<void> {
  await db.execute(sql`truncate sites, departments, billing_units, cucm_clusters, profiles, caller_ids, e911_locations, collections, extension_ranges cascade`);
}
