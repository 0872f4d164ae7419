import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { ExtensionRange } from '../../domain/extension-number.js';
import { rowsOf, type Db } from '../client.js';
import { extensionRanges, extensions, referenceDataVersion, users } from '../schema/index.js';

export type ExtensionRow = typeof extensions.$inferSelect;
export type NewExtensionRow = typeof extensions.$inferInsert;

export async function findExtensionByNumber(db: Db, number: number): Promise<ExtensionRow | undefined> {
  const [row] = await db.select().from(extensions).where(eq(extensions.number, number));
  return row;
}

/** The extension with this number and the username of whoever holds it, in one read. */
export async function findExtensionWithHolder(db: Db, number: number): Promise<{ extension: ExtensionRow; holder: string | null } | undefined> {
  const [row] = await db
    .select({ extension: extensions, holder: users.username })
    .from(extensions)
    .leftJoin(users, eq(users.id, extensions.assignedUserId))
    .where(eq(extensions.number, number));
  return row;
}

export async function findExtensionById(db: Db, id: number): Promise<ExtensionRow | undefined> {
  const [row] = await db.select().from(extensions).where(eq(extensions.id, id));
  return row;
}

export async function findExtensionOfUser(db: Db, userId: number): Promise<ExtensionRow | undefined> {
  const [row] = await db.select().from(extensions).where(eq(extensions.assignedUserId, userId));
  return row;
}

/**
 * The operator's ranges, the numbers used inside them and the reference-data version, in one
 * statement: the ranges and the numbers come from the same snapshot (a suggestion never skips numbers
 * of other ranges than it draws from), and with the version the other lists come from the cache
 * (reference-data-cache.ts) without a round trip of their own. Undefined version: its row is missing.
 */
export async function rangesWithTakenNumbers(db: Db): Promise<{ ranges: ExtensionRange[]; taken: Set<number>; referenceVersion?: number }> {
  type Row = { version: string | null; ranges: ExtensionRange[]; taken: string };
  // JSON and text: the two drivers decode bigints and arrays differently, these alike.
  const result = await db.execute<Row>(sql`
    select (select ${referenceDataVersion.version}::text from ${referenceDataVersion}) as version,
           (select coalesce(json_agg(json_build_object('from', ${extensionRanges.from}, 'to', ${extensionRanges.to}) order by ${extensionRanges.from}), '[]'::json) from ${extensionRanges}) as ranges,
           array_to_string(array(
             select ${extensions.number} from ${extensions}
             where exists (select 1 from ${extensionRanges} where ${extensions.number} between ${extensionRanges.from} and ${extensionRanges.to})
           ), ',') as taken`);
  const row = rowsOf<Row>(result)[0];
  if (!row) throw new Error('the range read returned no row');
  const taken = new Set(row.taken === '' ? [] : row.taken.split(',').map(Number));
  return row.version === null ? { ranges: row.ranges, taken } : { ranges: row.ranges, taken, referenceVersion: Number(row.version) };
}

export async function insertExtension(db: Db, values: NewExtensionRow): Promise<ExtensionRow> {
  const [row] = await db.insert(extensions).values(values).returning();
  if (!row) throw new Error('insert into extensions returned no row');
  return row;
}

/**
 * Assigns only if still free: the condition is in the UPDATE itself, so two concurrent assignments of
 * one extension cannot both succeed. Returns false when someone else holds it.
 */
export async function assignExtensionIfFree(db: Db, extensionId: number, userId: number): Promise<boolean> {
  const rows = await db
    .update(extensions)
    .set({ assignedUserId: userId })
    .where(and(eq(extensions.id, extensionId), isNull(extensions.assignedUserId)))
    .returning({ id: extensions.id });
  return rows.length === 1;
}

/**
 * Frees the user's extension and gives it a new device secret (the caller's, from the CSPRNG), so the
 * old phone, which still holds the previous secret, cannot register any more.
 */
export async function releaseExtensionOfUser(db: Db, userId: number, newDeviceSecret: string): Promise<ExtensionRow | undefined> {
  // A new secret moves the generation on (reveal tokens for the old one match nothing) and may be shown once.
  const [row] = await db
    .update(extensions)
    .set({ assignedUserId: null, deviceSecret: newDeviceSecret, secretGeneration: sql`${extensions.secretGeneration} + 1`, secretRevealedAt: null })
    .where(eq(extensions.assignedUserId, userId))
    .returning();
  return row;
}

/** Extensions nobody holds, lowest first: what the Primary Phone choice offers. */
export async function freeExtensionNumbers(db: Db, limit: number): Promise<number[]> {
  const rows = await db.select({ number: extensions.number }).from(extensions).where(isNull(extensions.assignedUserId)).orderBy(asc(extensions.number)).limit(limit);
  return rows.map((r) => r.number);
}

/**
 * Frees the extension only while `holderId` still holds it, with a new device secret (the caller's,
 * from the CSPRNG): the condition is in the UPDATE, so a holder that changed meanwhile frees nothing
 * (undefined). The first half of a reassignment or an unassignment.
 */
export async function freeExtensionHeldBy(db: Db, extensionId: number, holderId: number, newDeviceSecret: string): Promise<ExtensionRow | undefined> {
  const [row] = await db
    .update(extensions)
    // A new secret moves the generation on (the old holder's reveal tokens match nothing) and may be shown once.
    .set({ assignedUserId: null, deviceSecret: newDeviceSecret, secretGeneration: sql`${extensions.secretGeneration} + 1`, secretRevealedAt: null })
    .where(and(eq(extensions.id, extensionId), eq(extensions.assignedUserId, holderId)))
    .returning();
  return row;
}

/**
 * Gives a free extension to `userId` with a new device secret, only while it is free (undefined
 * otherwise). A user who holds another extension already is refused by extensions_assigned_user.
 */
export async function assignFreeExtension(db: Db, extensionId: number, userId: number, newDeviceSecret: string): Promise<ExtensionRow | undefined> {
  const [row] = await db
    .update(extensions)
    // The new holder may reveal the new secret once on /account.
    .set({ assignedUserId: userId, deviceSecret: newDeviceSecret, secretGeneration: sql`${extensions.secretGeneration} + 1`, secretRevealedAt: null })
    .where(and(eq(extensions.id, extensionId), isNull(extensions.assignedUserId)))
    .returning();
  return row;
}
