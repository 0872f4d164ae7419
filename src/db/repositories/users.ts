import { and, asc, eq, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { collections, departments, extensions, sites, userCollections, users } from '../schema/index.js';

export type UserRow = typeof users.$inferSelect;
/** Insert values; a column may be SQL (the agent ID is drawn from its sequence inside the INSERT). */
export type NewUserRow = PgInsertValue<typeof users>;

/** Escapes LIKE wildcards so that a typed `%` or `_` matches itself. */
export function likePattern(text: string, mode: 'prefix' | 'contains'): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return mode === 'prefix' ? `${escaped}%` : `%${escaped}%`;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** Usernames are unique case-insensitively, so lookups are too. */
export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

/** Lower-cased usernames that start with `base`: the candidates a free suggestion must avoid. */
export async function usernamesStartingWith(db: Db, base: string): Promise<Set<string>> {
  const rows = await db
    .select({ username: sql<string>`lower(${users.username})` })
    .from(users)
    .where(sql`lower(${users.username}) like ${likePattern(base.toLowerCase(), 'prefix')}`);
  return new Set(rows.map((r) => r.username));
}

/** The SQL that draws the next agent ID inside the INSERT itself, so concurrent approvals never share one. */
export const nextAgentIdSql = sql<number>`nextval('agent_id_seq')`;

export async function insertUser(db: Db, values: NewUserRow): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function addUserCollections(db: Db, userId: number, collectionIds: readonly number[]): Promise<void> {
  if (collectionIds.length === 0) return;
  await db.insert(userCollections).values(collectionIds.map((collectionId) => ({ userId, collectionId })));
}

/** The user's collections that are still offered (a clone must not inherit a retired one). */
export async function activeCollectionIdsOfUser(db: Db, userId: number): Promise<number[]> {
  const rows = await db
    .select({ id: userCollections.collectionId })
    .from(userCollections)
    .innerJoin(collections, eq(collections.id, userCollections.collectionId))
    .where(and(eq(userCollections.userId, userId), eq(collections.active, true)))
    .orderBy(asc(userCollections.collectionId));
  return rows.map((r) => r.id);
}

/**
 * Deactivates the user only while still active and at the version the request was made against: the
 * conditions are in the UPDATE itself, so two concurrent carry-outs deactivate once. Bumps the version.
 */
export async function markUserDeactivated(db: Db, values: { userId: number; version: number; by: string; at: Date }): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ status: 'deactivated', deactivatedBy: values.by, deactivatedAt: values.at, version: sql`${users.version} + 1` })
    .where(and(eq(users.id, values.userId), eq(users.status, 'active'), eq(users.version, values.version)))
    .returning();
  return row;
}

/**
 * Reactivates a deactivated user at the version the request was made against, with a fresh one-time
 * password (its hash) and no lockout left over. Bumps the version.
 */
export async function markUserReactivated(
  db: Db,
  values: { userId: number; version: number; passwordHash: string; passwordOneTime: boolean; passwordExpiresAt: Date | null },
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({
      status: 'active',
      deactivatedBy: null,
      deactivatedAt: null,
      passwordHash: values.passwordHash,
      passwordOneTime: values.passwordOneTime,
      passwordExpiresAt: values.passwordExpiresAt,
      failedSignIns: 0,
      lockedUntil: null,
      version: sql`${users.version} + 1`,
    })
    .where(and(eq(users.id, values.userId), eq(users.status, 'deactivated'), eq(users.version, values.version)))
    .returning();
  return row;
}

/** The user's collections (retired ones too), by ID: what a deactivation records in its history. */
export async function collectionsOfUser(db: Db, userId: number): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: collections.id, name: collections.name })
    .from(userCollections)
    .innerJoin(collections, eq(collections.id, userCollections.collectionId))
    .where(eq(userCollections.userId, userId))
    .orderBy(asc(userCollections.collectionId));
}

/** Active users with this first and last name, whatever the case: whom a leaver post may name. */
export async function activeUsersNamed(db: Db, firstName: string, lastName: string, limit: number): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.status, 'active'), sql`lower(${users.firstName}) = lower(${firstName})`, sql`lower(${users.lastName}) = lower(${lastName})`))
    .orderBy(sql`lower(${users.username})`)
    .limit(limit);
}

export interface UserSearch {
  text?: string;
  kind: 'all' | 'agent' | 'non_agent';
  siteKey?: string;
  departmentKey?: string;
  includeDeactivated: boolean;
  limit: number;
  offset: number;
}

export interface UserListRow {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  userType: UserRow['userType'];
  agentId: number | null;
  status: UserRow['status'];
  siteName: string | null;
  departmentName: string | null;
  extensionNumber: number | null;
}

/**
 * The Users page: text over names, username and email; agent / non-agent by whether an agent ID exists.
 * Ordered by username: unique, the same under every collation (PGlite sorts bytes, a server may not),
 * and served by the case-insensitive username index.
 */
export async function searchUsers(db: Db, q: UserSearch): Promise<UserListRow[]> {
  const conditions: SQL[] = [];
  const text = q.text?.trim();
  if (text) {
    const pattern = likePattern(text, 'contains');
    const fullName = sql`(${users.firstName} || ' ' || ${users.lastName})`;
    conditions.push(
      or(ilike(users.username, pattern), ilike(users.email, pattern), ilike(users.firstName, pattern), ilike(users.lastName, pattern), sql`${fullName} ilike ${pattern}`)!,
    );
  }
  if (q.kind === 'agent') conditions.push(isNotNull(users.agentId));
  if (q.kind === 'non_agent') conditions.push(isNull(users.agentId));
  if (q.siteKey) conditions.push(eq(users.siteKey, q.siteKey));
  if (q.departmentKey) conditions.push(eq(users.departmentKey, q.departmentKey));
  if (!q.includeDeactivated) conditions.push(eq(users.status, 'active'));

  return db
    .select({
      id: users.id,
      username: users.username,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
      userType: users.userType,
      agentId: users.agentId,
      status: users.status,
      siteName: sites.name,
      departmentName: departments.name,
      extensionNumber: extensions.number,
    })
    .from(users)
    .leftJoin(sites, eq(sites.key, users.siteKey))
    .leftJoin(departments, eq(departments.key, users.departmentKey))
    .leftJoin(extensions, eq(extensions.assignedUserId, users.id))
    .where(and(...conditions))
    .orderBy(sql`lower(${users.username})`)
    .limit(q.limit)
    .offset(q.offset);
}

export async function usersByIds(db: Db, ids: readonly number[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(users).where(inArray(users.id, [...ids]));
}
