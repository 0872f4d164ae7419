import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { rowsOf, type Db } from '../../src/db/client.js';
import { users } from '../../src/db/schema/index.js';
import { searchUsers, type SearchUsersInput } from '../../src/services/search-users.js';
import { seedDemoReferenceData } from '../support/fixtures.js';
import { seededRandom } from '../support/seeded-random.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

interface Person {
  username: string;
  firstName: string;
  lastName: string;
  email?: string;
  siteKey?: string;
  status?: 'active' | 'deactivated';
}

/**
 * Chosen around the term "lee": an exact username, prefixes of a username, first, last and full name
 * and email, the text inside a username, email or name (two of them equally close), and a deactivated
 * match; 25 Parks that tie on everything but the username; and "tampa" as a name and as a site.
 */
const PEOPLE: Person[] = [
  { username: 'lee', firstName: 'Zed', lastName: 'Zulu' },
  { username: 'leeb', firstName: 'Abe', lastName: 'Ames' },
  { username: 'bleeds', firstName: 'Bo', lastName: 'Leeds' },
  { username: 'cq', firstName: 'Leena', lastName: 'Quinn' },
  { username: 'dq', firstName: 'Di', lastName: 'Qa', email: 'lee.d@example.com' },
  { username: 'aleex', firstName: 'Qq', lastName: 'Qq' },
  { username: 'bleex', firstName: 'Qq', lastName: 'Qq' },
  { username: 'eashlee', firstName: 'Eve', lastName: 'Ashlee' },
  { username: 'fq', firstName: 'Fa', lastName: 'Fo', email: 'fa.kellee@example.com' },
  { username: 'leegone', firstName: 'Gone', lastName: 'Away', status: 'deactivated' },
  ...Array.from({ length: 25 }, (_, i): Person => ({ username: `park${String(i).padStart(2, '0')}`, firstName: 'Pat', lastName: 'Park' })),
  { username: 'ttampalo', firstName: 'Tia', lastName: 'Tampalo', siteKey: 'austin-tx' },
  { username: 'atampa', firstName: 'Al', lastName: 'Zee', siteKey: 'tampa-fl' },
  { username: 'btampa', firstName: 'Bea', lastName: 'Zee', siteKey: 'tampa-fl' },
];

/** Inserted in a shuffled order, so that ids do not follow usernames. */
async function seed(db: Db): Promise<void> {
  await seedDemoReferenceData(db);
  const random = seededRandom(12);
  const shuffled = [...PEOPLE].sort(() => random() - 0.5);
  await db.insert(users).values(
    shuffled.map((p) => ({
      username: p.username,
      firstName: p.firstName,
      lastName: p.lastName,
      email: p.email ?? null,
      siteKey: p.siteKey ?? 'remote',
      status: p.status ?? 'active',
      phone: '+15555551234',
      profileKey: 'standard-agent',
      userType: 'non_agent' as const,
      createdBy: 'test',
    })),
  );
}

/** Where the bot runs a find: its own pool on Postgres (generic plans), the one connection on PGlite. */
type FindDeps = Pick<Database, 'db' | 'searchDb'>;

const usernamesOf = async (database: FindDeps, input: SearchUsersInput) => (await searchUsers(database, input)).rows.map((r) => r.username);

/** Every page of a search, Next after Next, as the results message pages. */
async function allPages(database: FindDeps | { db: Db }, input: SearchUsersInput): Promise<string[][]> {
  const pages: string[][] = [];
  for (let page = 1; page <= 50; page++) {
    const result = await searchUsers(database, { ...input, page });
    pages.push(result.rows.map((r) => r.username));
    if (!result.hasMore) return pages;
  }
  throw new Error('more than 50 pages');
}

const LEE_ORDER = [
  // rank 0: the exact username
  'lee',
  // rank 1: a prefix (of the username, last name, first name, email), by username
  'bleeds',
  'cq',
  'dq',
  'leeb',
  // rank 2: inside the username, a name or the email, closest first ("ashlee" ends with it, so shares
  // more trigrams); aleex and bleex are equally close, so by username
  'eashlee',
  'aleex',
  'bleex',
  'fq',
];

describe(`find: relevance order and paging (${testDriver})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
    await seed(database.db);
  });
  afterAll(() => database.close());

  it('lists the exact username first, then prefixes, then the text inside, leaving deactivated users out unless asked', async () => {
    expect(await usernamesOf(database, { text: 'lee' })).toEqual(LEE_ORDER);
    expect(await usernamesOf(database, { text: 'LEE' })).toEqual(LEE_ORDER);
    const withDeactivated = await usernamesOf(database, { text: 'lee', status: 'all' });
    expect(withDeactivated).toEqual(['lee', 'bleeds', 'cq', 'dq', 'leeb', 'leegone', ...LEE_ORDER.slice(5)]);
    expect(await usernamesOf(database, { text: 'lee', status: 'deactivated' })).toEqual(['leegone']);
    // An exact email comes first too, before the prefixes of other users.
    expect((await usernamesOf(database, { text: 'lee.d@example.com' }))[0]).toBe('dq');
  });

  it('ranks a name above a site that only matches by name, and keeps the filters', async () => {
    expect(await usernamesOf(database, { text: 'tampa' })).toEqual(['ttampalo', 'atampa', 'btampa']);
    expect(await usernamesOf(database, { text: 'tampa', siteKey: 'tampa-fl' })).toEqual(['atampa', 'btampa']);
    expect(await usernamesOf(database, { text: 'lee', kind: 'agent' })).toEqual([]);
  });

  it('pages across the rank boundaries with nothing missed or repeated', async () => {
    for (const pageSize of [1, 2, 3, 4]) {
      const pages = await allPages(database, { text: 'lee', pageSize });
      expect(pages.flat(), `pageSize ${pageSize}`).toEqual(LEE_ORDER);
      expect(pages.every((p) => p.length === pageSize || p === pages.at(-1))).toBe(true);
    }
  });

  it('breaks ties the same way every time: 25 equal matches come in username order, page after page', async () => {
    const parks = PEOPLE.filter((p) => p.lastName === 'Park').map((p) => p.username);
    const first = await allPages(database, { text: 'park', pageSize: 20 });
    expect(first.map((p) => p.length)).toEqual([20, 5]);
    expect(first.flat()).toEqual(parks);
    for (let i = 0; i < 3; i++) expect(await allPages(database, { text: 'park', pageSize: 20 })).toEqual(first);
    // The same 25 tie inside the text too ("ark" is in every name and username).
    expect((await allPages(database, { text: 'ark', pageSize: 7 })).flat()).toEqual(parks);
  });

  it('puts an exact email first even when more users than a page share it as a prefix and sort before its owner', async () => {
    const row = (username: string, email: string) => ({
      username,
      firstName: 'Mo',
      lastName: 'Box',
      email,
      siteKey: 'remote',
      phone: '+15555551234',
      profileKey: 'standard-agent',
      userType: 'non_agent' as const,
      createdBy: 'test',
    });
    const added = await database.db
      .insert(users)
      .values([row('zmail', 'mailbox@example.com'), ...[1, 2, 3].map((i) => row(`m${i}`, `mailbox@example.community${i}`))])
      .returning({ id: users.id });
    try {
      expect((await allPages(database, { text: 'mailbox@example.com', pageSize: 1 })).flat()).toEqual(['zmail', 'm1', 'm2', 'm3']);
      expect(await usernamesOf(database, { text: 'MAILBOX@example.com', pageSize: 2 })).toEqual(['zmail', 'm1']);
    } finally {
      // The other tests compare this directory with PEOPLE alone.
      await database.db.delete(users).where(inArray(users.id, added.map((a) => a.id)));
    }
  });

  it.skipIf(testDriver !== 'postgres')('runs on Postgres as a named statement planned once (a generic plan), with the same pages as fresh plans', async () => {
    const cases: SearchUsersInput[] = [
      { text: 'lee', pageSize: 3 },
      { text: 'lee', status: 'all', pageSize: 4 },
      { text: 'lee', status: 'deactivated' },
      { text: 'park', pageSize: 20 },
      { text: 'tampa', siteKey: 'tampa-fl' },
      { text: 'tampa', kind: 'non_agent', siteKeys: ['tampa-fl', 'austin-tx'] },
      { text: 'mailbox@example.com' },
      { text: '\u{10FFFF}' },
    ];
    // The main pool's sessions plan every statement afresh (plan_cache_mode auto, a new plan for its
    // first runs), the find pool's reuse one generic plan from the first run: the pages must agree.
    for (let round = 0; round < 2; round++) {
      for (const input of cases) expect(await allPages(database, input), JSON.stringify(input)).toEqual(await allPages({ db: database.db }, input));
    }
    // Each of the find pool's sessions that ran the statement says how it was planned.
    const sessions = await Promise.all(
      [1, 2, 3].map(() =>
        database.searchDb.execute(
          sql`select current_setting('plan_cache_mode') as mode, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement like '%with head as%'`,
        ),
      ),
    );
    const plans = sessions.flatMap((rows) => rowsOf<{ mode: string; generic: number; custom: number }>(rows));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan).toMatchObject({ mode: 'force_generic_plan', custom: 0 });
    expect(plans.reduce((sum, p) => sum + p.generic, 0)).toBeGreaterThan(cases.length);
  });

  it.skipIf(testDriver !== 'postgres')('PGlite returns the same pages as Postgres for the same data', async () => {
    const embedded = await openDatabase({ driver: 'pglite' });
    try {
      await embedded.migrate();
      await seed(embedded.db);
      const cases: SearchUsersInput[] = [
        { text: 'lee', pageSize: 3 },
        { text: 'lee', status: 'all', pageSize: 4 },
        { text: 'park', pageSize: 20 },
        { text: 'ark', pageSize: 7 },
        { text: 'tampa' },
        { text: 'q', pageSize: 5 },
        { text: 'e', pageSize: 20 },
        { text: 'example.com' },
        { pageSize: 20 },
      ];
      for (const input of cases) expect(await allPages(embedded, input), JSON.stringify(input)).toEqual(await allPages(database, input));
    } finally {
      await embedded.close();
    }
  });
});
