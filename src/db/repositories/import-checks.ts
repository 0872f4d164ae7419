import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.js';
import { collections, extensions, requests, userCollections, users } from '../schema/index.js';
import { prefixUpperBound } from './users.js';

/**
 * The reads an import makes once for all its rows (one query each, whatever the row count), where a
 * single request makes one per field: a file of 1,000 rows must be checked in about a second.
 */

/**
 * A file's values as a text[] for `= any(…)` or `unnest(…)`: one index probe per value. The array goes
 * through a sub-select so the planner does not see its length. Told of a thousand values, it priced a
 * thousand probes above one pass over the table and chose the pass, which runs lower() on every user
 * (70 ms over 100,000 users where the probes take 3 ms), and for the prefix ranges it expected millions
 * of rows and JIT-compiled the statement. Probes are the right plan wherever the difference shows. (The
 * cast after the sub-select makes it an expression: `any((select …))` would compare with each row.)
 */
function fileValues(values: readonly string[]): SQL {
  return sql`(select ${sql.param(values)}::text[])::text[]`;
}

/**
 * Lower-cased usernames of the directory that start with any of `prefixes` (taken names and the
 * candidates a suggestion must avoid). Each prefix is one range of users_username_c
 * (lower(username) collate "C"), as find's prefixes are: the names that start with p are exactly those
 * from p up to prefixUpperBound(p). A `like any(…)` of the file's patterns can use no index: Postgres
 * matched every pattern against every user, 1,000 × 100,000 (4 s on the bench's directory).
 */
export async function usernamesStartingWithAny(db: Db, prefixes: readonly string[]): Promise<Set<string>> {
  // A lone surrogate (a prefix cut inside a pair) reaches Postgres as U+FFFD: bound what Postgres sees.
  const unique = [...new Set(prefixes.map((p) => p.toLowerCase().replace(/\p{Cs}/gu, '\ufffd')))].filter((p) => p !== '');
  if (unique.length === 0) return new Set();
  const ranges = unique.map((lo) => ({ lo, hi: prefixUpperBound(lo) }));
  const bounded = ranges.filter((r): r is { lo: string; hi: string } => r.hi !== undefined);
  // A prefix of U+10FFFF alone (no username has one) has no bound: every name from it on starts with it.
  const open = ranges.filter((r) => r.hi === undefined).map((r) => r.lo);
  const name = sql`lower(${users.username}) collate "C"`;
  const unbounded = open.length === 0 ? sql`` : sql`union all select lower(${users.username}) from unnest(${fileValues(open)}) as p(lo) join ${users} on ${name} >= p.lo`;
  const rows = await db.execute<{ username: string }>(sql`
    select lower(${users.username}) as username
    from unnest(${fileValues(bounded.map((r) => r.lo))}, ${fileValues(bounded.map((r) => r.hi))}) as p(lo, hi)
    join ${users} on ${name} >= p.lo and ${name} < p.hi
    ${unbounded}`);
  return new Set(rowsOf<{ username: string }>(rows).map((r) => r.username));
}

/** Lower-cased emails of the directory among `emails`. */
export async function takenEmails(db: Db, emails: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (unique.length === 0) return new Set();
  const rows = await db
    .select({ email: sql<string>`lower(${users.email})` })
    .from(users)
    .where(sql`lower(${users.email}) = any(${fileValues(unique)})`);
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
    // The last condition follows from a match; it is requests_open_username's predicate, so that index serves.
    .where(and(sql`${requests.state} in ('pending', 'approved')`, sql`lower(${requests.payload} ->> 'username') = any(${fileValues(unique)})`, sql`${requests.payload} ? 'username'`));
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
    .where(sql`lower(${users.username}) = any(${fileValues(unique)})`);
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
