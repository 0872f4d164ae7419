import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { userCollections } from '../../src/db/schema/index.js';

/** Every collection assignment of a user, retired collections included. */
export async function collectionIdsOfUserForTest(db: Db, userId: number): Promise<number[]> {
  const rows = await db.select({ id: userCollections.collectionId }).from(userCollections).where(eq(userCollections.userId, userId)).orderBy(asc(userCollections.collectionId));
  return rows.map((r) => r.id);
}
