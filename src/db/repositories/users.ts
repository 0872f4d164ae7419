import { and, asc, eq, inArray, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { rowsOf, type Db } from '../client.js';
import { ShapedStatements } from '../shaped-statement.js';
import { collections, departments, extensions, referenceDataVersion, requests, sites, userCollections, users } from '../schema/index.js';

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

/** Which of the given usernames and emails are taken, lower-cased; and, when asked, which usernames an open request waits for. */
export interface TakenIdentities {
  usernames: Set<string>;
  emails: Set<string>;
  /** Usernames of open (pending or approved) create / clone requests; empty unless `openRequests` was asked for. */
  openRequests: Set<string>;
  /**
   * The reference-data version, read in the same statement when `referenceVersion` was asked for
   * (undefined when its row is missing): with it a submission finds its lists in the cache without a
   * round trip of their own (reference-data-cache.ts).
   */
  referenceVersion?: number;
}

/**
 * The directory's answer for many usernames and emails in one statement (a submission asks for one of
 * each, an import for a whole file): which are taken among users, case-insensitively, and, with
 * `openRequests`, which usernames a request waiting for approval already names. Each part is an
 * `= any(…)` lookup served by its unique index (users_username_ci, users_email_ci,
 * requests_open_username, whose predicate the last condition repeats so the planner can use it).
 */
export async function findTakenIdentities(
  db: Db,
  wanted: { usernames: readonly string[]; emails: readonly string[]; openRequests?: boolean; referenceVersion?: boolean },
): Promise<TakenIdentities> {
  const usernames = [...new Set(wanted.usernames.map((u) => u.toLowerCase()))];
  const emails = [...new Set(wanted.emails.map((e) => e.toLowerCase()))];
  const none = { usernames: new Set<string>(), emails: new Set<string>(), openRequests: new Set<string>() };
  if (usernames.length === 0 && emails.length === 0 && !wanted.referenceVersion) return none;
  // Arrays travel as one text parameter each ('{…}' literals are driver-neutral; postgres.js and
  // PGlite serialise JS arrays differently).
  const list = (values: string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  const u = sql`${list(usernames)}::text[]`;
  const e = sql`${list(emails)}::text[]`;
  const open = wanted.openRequests
    ? sql`array(select lower(${requests.payload} ->> 'username') from ${requests} where lower(${requests.payload} ->> 'username') = any(${u}) and ${requests.state} in ('pending', 'approved') and ${requests.payload} ? 'username')`
    : sql`'{}'::text[]`;
  // to_json: both drivers hand back JSON as parsed JS values, whereas text[] comes back in different shapes.
  // The version as text: postgres.js hands a bigint back as a string, PGlite as a bigint.
  const version = wanted.referenceVersion ? sql`(select ${referenceDataVersion.version}::text from ${referenceDataVersion})` : sql`null::text`;
  type Row = { usernames: string[]; emails: string[]; open: string[]; version: string | null };
  const result = await db.execute<Row>(sql`
    select to_json(array(select lower(${users.username}) from ${users} where lower(${users.username}) = any(${u}))) as usernames,
           to_json(array(select lower(${users.email}) from ${users} where lower(${users.email}) = any(${e}))) as emails,
           to_json(${open}) as open,
           ${version} as version`);
  const row = rowsOf<Row>(result)[0];
  if (!row) return none;
  const taken: TakenIdentities = { usernames: new Set(row.usernames), emails: new Set(row.emails), openRequests: new Set(row.open) };
  return row.version === null ? taken : { ...taken, referenceVersion: Number(row.version) };
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

/** The fields an approved edit writes (never the username, a password or the sign-in counters). */
export type UserEditValues = Partial<
  Pick<UserRow, 'firstName' | 'lastName' | 'phone' | 'email' | 'description' | 'siteKey' | 'departmentKey' | 'billingUnitKey' | 'profileKey' | 'clusterKey' | 'userType' | 'voicemailAccess' | 'recordingAccess' | 'notes'>
> & { agentId?: number | null | SQL<number> };

/**
 * Writes an edit only while the user is active and still at `version`, bumping it: the condition is in
 * the UPDATE itself, so an edit made against an older look, or of a user deactivated meanwhile, writes
 * nothing (undefined). Optimistic: no lock is held while a human decides.
 */
export async function updateUserAtVersion(db: Db, userId: number, version: number, values: UserEditValues): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, version: sql`${users.version} + 1` })
    .where(and(eq(users.id, userId), eq(users.version, version), eq(users.status, 'active')))
    .returning();
  return row;
}

/**
 * Bumps the user's version, so an edit made against the look before (services/edit-execution.ts)
 * fails: their extension changed. With `activeAgent`, only while the user is active and an agent
 * (a reassignment's recipient); undefined when that no longer holds. Takes the user's row lock.
 */
export async function bumpUserVersion(db: Db, userId: number, options: { activeAgent?: boolean } = {}): Promise<UserRow | undefined> {
  const conditions = [eq(users.id, userId)];
  if (options.activeAgent) conditions.push(eq(users.status, 'active'), sql`${users.userType} <> 'non_agent'`);
  const [row] = await db
    .update(users)
    .set({ version: sql`${users.version} + 1` })
    .where(and(...conditions))
    .returning();
  return row;
}

export async function removeUserCollections(db: Db, userId: number, collectionIds: readonly number[]): Promise<void> {
  if (collectionIds.length === 0) return;
  await db.delete(userCollections).where(and(eq(userCollections.userId, userId), inArray(userCollections.collectionId, [...collectionIds])));
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
  /** Any of these sites / departments (an empty list filters nothing). */
  siteKeys: readonly string[];
  departmentKeys: readonly string[];
  status: 'active' | 'deactivated' | 'all';
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
 * The smallest string above every string that starts with `prefix`, in code point order (which is the
 * byte order of UTF-8, so of a "C" collation): `prefix <= s < prefixUpperBound(prefix)` holds exactly
 * for the strings that start with it. Undefined when no such string exists (only U+10FFFF characters).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogates are no characters: the next one after U+D7FF is U+E000.
      const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

interface ListRowSql {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
  email: string | null;
  user_type: UserRow['userType'];
  agent_id: number | null;
  status: UserRow['status'];
  site_name: string | null;
  department_name: string | null;
  extension_number: number | null;
}

const toListRow = (r: ListRowSql): UserListRow => ({
  id: r.id,
  username: r.username,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  userType: r.user_type,
  agentId: r.agent_id,
  status: r.status,
  siteName: r.site_name,
  departmentName: r.department_name,
  extensionNumber: r.extension_number,
});

/** The byte-ordered username: the order key after the rank, served by the users_username_c index. */
const usernameKey = sql`lower(${users.username}) collate "C"`;

/**
 * The status is written into the statement, not sent as a parameter: find's statements run with
 * generic plans (src/db/client.ts, `searchDb`), and a generic plan can use the partial indexes of
 * active users (drizzle/0016) only when the statement itself says `status = 'active'`.
 */
const STATUS_LITERAL = { active: sql.raw(`'active'`), deactivated: sql.raw(`'deactivated'`) } as const satisfies Record<Exclude<UserSearch['status'], 'all'>, SQL>;

/** The filters of a find (kind, sites, departments, status) as one condition on `users`. */
export function searchFilterSql(
  q: Pick<UserSearch, 'kind' | 'status'> & { siteKeys: readonly (string | Placeholder)[]; departmentKeys: readonly (string | Placeholder)[] },
): SQL {
  const filters: SQL[] = [];
  if (q.kind === 'agent') filters.push(sql`${users.agentId} is not null`);
  if (q.kind === 'non_agent') filters.push(sql`${users.agentId} is null`);
  if (q.siteKeys.length > 0) filters.push(inArray(users.siteKey, [...q.siteKeys]));
  if (q.departmentKeys.length > 0) filters.push(inArray(users.departmentKey, [...q.departmentKeys]));
  if (q.status !== 'all') filters.push(sql`${users.status} = ${STATUS_LITERAL[q.status]}`);
  return filters.length > 0 ? sql.join(filters, sql` and `) : sql`true`;
}

/**
 * The users a find's text matches, whatever their rank: the union of searchUsers' branches. A prefix
 * (rank 0 and 1) is also a match anywhere (rank 2), so the text anywhere in the names, username or
 * email, or in the name of the user's site or department (rank 3). For a list that needs no ranking
 * (the export), so no branch needs to stop early.
 */
export function searchTextMatchSql(text: string): SQL {
  const pattern = likePattern(text, 'contains');
  const fullName = sql`(${users.firstName} || ' ' || ${users.lastName})`;
  const anywhere = sql.join(
    [users.username, users.email, users.firstName, users.lastName, fullName].map((column) => sql`${column} ilike ${pattern}`),
    sql` or `,
  );
  return sql`(${anywhere}
    or ${users.siteKey} = any(array(select ${sites.key} from ${sites} where ${sites.name} ilike ${pattern}))
    or ${users.departmentKey} = any(array(select ${departments.key} from ${departments} where ${departments.name} ilike ${pattern})))`;
}

/**
 * The Users page and `/provision find`: text over names, username, email, and the names of the site
 * and department; agent / non-agent by whether an agent ID exists.
 *
 * Without text the list is in username order. With text it is in order of relevance, a total order:
 * rank 0 an exact username or email, 1 a prefix of a username, email, first, last or full name, 2 the
 * text anywhere in them (by trigram similarity, best first), 3 only the site or department name
 * matches; then username, then id.
 *
 * One statement, one round trip. Each rank is its own branch that an index leads (the "C" btrees for
 * prefixes, the trigram GIN indexes for the rest), and each keeps only the first `offset + limit` of
 * its rows: a row of the page is among them in its best branch, so nothing is missed. A common name
 * fills the page from the prefix branch alone, and the later branches then do not run at all (their
 * condition on the earlier ones' count is evaluated once, before any row is read).
 */
export async function searchUsers(db: Db, q: UserSearch): Promise<UserListRow[]> {
  const text = q.text?.trim();
  if (!text) return listInUsernameOrder(db, searchFilterSql(q), q);

  const term = text.toLowerCase();
  const upper = prefixUpperBound(term);
  const values: Record<string, unknown> = { term, upper, pattern: likePattern(text, 'contains'), enough: q.offset + q.limit, limit: q.limit, offset: q.offset };
  q.siteKeys.forEach((key, i) => (values[`site${i}`] = key));
  q.departmentKeys.forEach((key, i) => (values[`department${i}`] = key));
  // What changes the statement's text; everything else is a placeholder's value.
  const shape = `${q.kind}/${q.status}/${q.siteKeys.length}/${q.departmentKeys.length}/${upper === undefined ? 'open' : 'bounded'}`;
  const result = await rankedSearch.execute(db, shape, () => rankedSearchSql(q, upper !== undefined), values);
  return rowsOf<ListRowSql>(result).map(toListRow);
}

/** Find's ranked statement, one per shape: built once, run with new values (src/db/shaped-statement.ts). */
const rankedSearch = new ShapedStatements('find');

function rankedSearchSql(q: Pick<UserSearch, 'kind' | 'status' | 'siteKeys' | 'departmentKeys'>, bounded: boolean): SQL {
  const filtered = searchFilterSql({
    kind: q.kind,
    status: q.status,
    siteKeys: q.siteKeys.map((_, i) => sql.placeholder(`site${i}`)),
    departmentKeys: q.departmentKeys.map((_, i) => sql.placeholder(`department${i}`)),
  });
  const term = sql.placeholder('term');
  const upper = sql.placeholder('upper');
  const pattern = sql.placeholder('pattern');
  const enough = sql.placeholder('enough');
  const fullName = sql`(${users.firstName} || ' ' || ${users.lastName})`;
  const startsWith = (column: SQL) => sql`(${column} collate "C" >= ${term}${bounded ? sql` and ${column} collate "C" < ${upper}` : sql``})`;
  const infixMatch = sql.join(
    [users.username, users.email, users.firstName, users.lastName, fullName].map((column) => sql`${column} ilike ${pattern}`),
    sql` or `,
  );
  const similarity = sql`greatest(similarity(${users.username}, ${term}), similarity(coalesce(${users.email}, ''), ${term}), similarity(${fullName}, ${term}))`;
  // Rank 0 and 1, one branch per column, each its first `enough` rows in username order: a row of the
  // page is among them in every branch it is in (its rank is 0 or 1 in all of them). The exact email
  // is a branch of its own (an exact username is the first of the username branch anyway). A first
  // name that starts with the term means a full name that does: the full name's branch holds them.
  // For active users (a find's default) the partial covering indexes (drizzle/, users_*_active)
  // answer each branch from the index alone; the username one in order, so it stops at `enough`.
  // Only the username's branch reads in the order it needs; the others find their matches through
  // their own column's index first ("offset 0", as below), then keep the first `enough`: walking the
  // username index and filtering instead reads most of the table when the matches sort late (j).
  const columns = sql`${users.id} as id, ${users.username} as username, ${users.email} as email, ${usernameKey} as lc`;
  const matching = (column: SQL) => sql`select ${columns} from ${users} where ${startsWith(column)} and ${filtered}`;
  const prefixBranch = (column: SQL) => sql`(select * from (${matching(column)} offset 0) m order by lc, id limit ${enough})`;
  const prefixBranches = sql.join(
    [
      sql`(${matching(sql`lower(${users.username})`)} order by lc, id limit ${enough})`,
      sql`(select ${columns} from ${users} where lower(${users.email}) = ${term} and ${filtered})`,
      prefixBranch(sql`lower(${users.email})`),
      prefixBranch(sql`lower(${users.lastName})`),
      prefixBranch(sql`lower(${fullName})`),
    ],
    sql` union `,
  );

  // "offset 0" keeps the infix branch's matches apart from its order: the planner would otherwise walk
  // the username index and filter, which reads most of the table when a common name sorts late.
  return sql`
    with head as (
      select id, case when lower(username) = ${term} or lower(email) = ${term} then 0 else 1 end as tier, 0::real as sim, lc
      from (${prefixBranches}) m
      order by tier, lc, id limit ${enough}
    ),
    infix as (
      select id, 2 as tier, sim, lc
      from (select ${users.id} as id, ${similarity} as sim, ${usernameKey} as lc
            from ${users} where (${infixMatch}) and ${filtered} and (select count(*) from head) < ${enough} offset 0) m
      order by sim desc, lc, id limit ${enough}
    ),
    place as (
      select ${users.id} as id, 3 as tier, 0::real as sim, ${usernameKey} as lc
      from ${users}
      where (${users.siteKey} = any(array(select ${sites.key} from ${sites} where ${sites.name} ilike ${pattern}))
             or ${users.departmentKey} = any(array(select ${departments.key} from ${departments} where ${departments.name} ilike ${pattern})))
        and ${filtered}
        and exists (select 1 from ${sites} where ${sites.name} ilike ${pattern} union all select 1 from ${departments} where ${departments.name} ilike ${pattern})
        and (select count(*) from (select id from head union select id from infix) seen) < ${enough}
      order by lc, id limit ${enough}
    ),
    ranked as (
      select distinct on (id) id, tier, sim, lc
      from (select * from head union all select * from infix union all select * from place) hits
      order by id, tier
    ),
    page as (select * from ranked order by tier, sim desc, lc, id limit ${sql.placeholder('limit')} offset ${sql.placeholder('offset')})
    select u.id, u.username, u.first_name, u.last_name, u.email, u.user_type, u.agent_id, u.status,
           s.name as site_name, d.name as department_name, e.number as extension_number
    from page p
    join ${users} u on u.id = p.id
    left join ${sites} s on s.key = u.site_key
    left join ${departments} d on d.key = u.department_key
    left join ${extensions} e on e.assigned_user_id = u.id
    order by p.tier, p.sim desc, p.lc, p.id`;
}

async function listInUsernameOrder(db: Db, filtered: SQL, q: UserSearch): Promise<UserListRow[]> {
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
    .where(filtered)
    .orderBy(usernameKey, asc(users.id))
    .limit(q.limit)
    .offset(q.offset);
}

export async function usersByIds(db: Db, ids: readonly number[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(users).where(inArray(users.id, [...ids]));
}
