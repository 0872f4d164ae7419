import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { collections, extensions, requests, userCollections, users } from '../schema/index.js';
import { likePattern } from './users.js';

/**
 * The reads an import makes once for all its rows (one query each, whatever the row count), where a
 * single request makes one per field: a file of 1,000 rows must be checked in about a second.
 */

/** Lower-cased usernames of the directory that start with any of `prefixes` (taken names and the candidates a suggestion must avoid). */
export async function usernamesStartingWithAny(db: Db, prefixes: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(prefixes.map((p) => p.toLowerCase()))].filter((p) => p !== '');
  if (unique.length === 0) return new Set();
  const patterns = unique.map((p) => likePattern(p, 'prefix'));
  const rows = await db
    .select({ username: sql<string>`lower(${users.username})` })
    .from(users)
    .where(sql`lower(${users.username}) like any(${sql.param(patterns)}::text[])`);
  return new Set(rows.map((r) => r.username));
}

/** Lower-cased emails of the directory among `emails`. */
export async function takenEmails(db: Db, emails: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (unique.length === 0) return new Set();
  const rows = await db
    .select({ email: sql<string>`lower(${users.email})` })
    .from(users)
    .where(sql`lower(${users.email}) = any(${sql.param(unique)}::text[])`);
  return new Set(rows.map((r) => r.email));
}

/**
 * Lower-cased usernames among `names` that an open (pending or approved) request already asks for:
 * a single user request, or a row of an open import batch.
 */
export async function usernamesOfOpenRequests(db: Db, names: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(names.map((n) => n.toLowerCase()))];
  if (unique.length === 0) return new Set();
  const single = await db
    .select({ username: sql<string>`lower(${requests.payload} ->> 'username')` })
    .from(requests)
    .where(and(sql`${requests.state} in ('pending', 'approved')`, sql`lower(${requests.payload} ->> 'username') = any(${sql.param(unique)}::text[])`));
  // Every username of every open batch: a few thousand at most, filtered here.
  const batched = await db
    .select({ username: sql<string>`lower(jsonb_path_query(${requests.payload}, '$.rows[*].payload.username') #>> '{}')` })
    .from(requests)
    .where(and(sql`${requests.state} in ('pending', 'approved')`, eq(requests.kind, 'import_batch')));
  const wanted = new Set(unique);
  const rows = [...single, ...batched.filter((r) => wanted.has(r.username))];
  return new Set(rows.map((r) => r.username));
}

/** The extensions among `numbers`, with the username of whoever holds each. */
export async function extensionsByNumbers(db: Db, numbers: readonly number[]): Promise<Map<number, { id: number; number: number; holder: string | null; assigned: boolean }>> {
  const unique = [...new Set(numbers)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: extensions.id, number: extensions.number, assignedUserId: extensions.assignedUserId, holder: users.username })
    .from(extensions)
    .leftJoin(users, eq(users.id, extensions.assignedUserId))
    .where(inArray(extensions.number, unique));
  return new Map(rows.map((r) => [r.number, { id: r.id, number: r.number, holder: r.holder, assigned: r.assignedUserId !== null }]));
}

/** The clone sources named in a file, by lower-cased username, with their active collections. */
export async function cloneSourcesByUsername(db: Db, names: readonly string[]) {
  const unique = [...new Set(names.map((n) => n.toLowerCase()))];
  const found = new Map<string, { id: number; username: string; userType: (typeof users.$inferSelect)['userType']; siteKey: string | null; departmentKey: string | null; billingUnitKey: string | null; profileKey: string; collectionIds: number[] }>();
  if (unique.length === 0) return found;
  const rows = await db
    .select({
      id: users.id,
      username: users.username,
      userType: users.userType,
      siteKey: users.siteKey,
      departmentKey: users.departmentKey,
      billingUnitKey: users.billingUnitKey,
      profileKey: users.profileKey,
    })
    .from(users)
    .where(sql`lower(${users.username}) = any(${sql.param(unique)}::text[])`);
  const ids = rows.map((r) => r.id);
  const links =
    ids.length === 0
      ? []
      : await db
          .select({ userId: userCollections.userId, collectionId: userCollections.collectionId })
          .from(userCollections)
          .innerJoin(collections, eq(collections.id, userCollections.collectionId))
          .where(and(inArray(userCollections.userId, ids), eq(collections.active, true)));
  for (const row of rows) {
    found.set(row.username.toLowerCase(), { ...row, collectionIds: links.filter((l) => l.userId === row.id).map((l) => l.collectionId) });
  }
  return found;
}
