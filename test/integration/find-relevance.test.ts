import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import type { Db } from '../../src/db/client.js';
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

const usernamesOf = async (db: Db, input: SearchUsersInput) => (await searchUsers({ db }, input)).rows.map((r) => r.username);

/** Every page of a search, Next after Next, as the results message pages. */
async function allPages(db: Db, input: SearchUsersInput): Promise<string[][]> {
  const pages: string[][] = [];
  for (let page = 1; page <= 50; page++) {
    const result = await searchUsers({ db }, { ...input, page });
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
    expect(await usernamesOf(database.db, { text: 'lee' })).toEqual(LEE_ORDER);
    expect(await usernamesOf(database.db, { text: 'LEE' })).toEqual(LEE_ORDER);
    const withDeactivated = await usernamesOf(database.db, { text: 'lee', status: 'all' });
    expect(withDeactivated).toEqual(['lee', 'bleeds', 'cq', 'dq', 'leeb', 'leegone', ...LEE_ORDER.slice(5)]);
    expect(await usernamesOf(database.db, { text: 'lee', status: 'deactivated' })).toEqual(['leegone']);
    // An exact email comes first too, before the prefixes of other users.
    expect((await usernamesOf(database.db, { text: 'lee.d@example.com' }))[0]).toBe('dq');
  });

  it('ranks a name above a site that only matches by name, and keeps the filters', async () => {
    expect(await usernamesOf(database.db, { text: 'tampa' })).toEqual(['ttampalo', 'atampa', 'btampa']);
    expect(await usernamesOf(database.db, { text: 'tampa', siteKey: 'tampa-fl' })).toEqual(['atampa', 'btampa']);
    expect(await usernamesOf(database.db, { text: 'lee', kind: 'agent' })).toEqual([]);
  });

  it('pages across the rank boundaries with nothing missed or repeated', async () => {
    for (const pageSize of [1, 2, 3, 4]) {
      const pages = await allPages(database.db, { text: 'lee', pageSize });
      expect(pages.flat(), `pageSize ${pageSize}`).toEqual(LEE_ORDER);
      expect(pages.every((p) => p.length === pageSize || p === pages.at(-1))).toBe(true);
    }
  });

  it('breaks ties the same way every time: 25 equal matches come in username order, page after page', async () => {
    const parks = PEOPLE.filter((p) => p.lastName === 'Park').map((p) => p.username);
    const first = await allPages(database.db, { text: 'park', pageSize: 20 });
    expect(first.map((p) => p.length)).toEqual([20, 5]);
    expect(first.flat()).toEqual(parks);
    for (let i = 0; i < 3; i++) expect(await allPages(database.db, { text: 'park', pageSize: 20 })).toEqual(first);
    // The same 25 tie inside the text too ("ark" is in every name and username).
    expect((await allPages(database.db, { text: 'ark', pageSize: 7 })).flat()).toEqual(parks);
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
      expect((await allPages(database.db, { text: 'mailbox@example.com', pageSize: 1 })).flat()).toEqual(['zmail', 'm1', 'm2', 'm3']);
      expect(await usernamesOf(database.db, { text: 'MAILBOX@example.com', pageSize: 2 })).toEqual(['zmail', 'm1']);
    } finally {
      // The other tests compare this directory with PEOPLE alone.
      await database.db.delete(users).where(inArray(users.id, added.map((a) => a.id)));
    }
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
      for (const input of cases) expect(await allPages(embedded.db, input), JSON.stringify(input)).toEqual(await allPages(database.db, input));
    } finally {
      await embedded.close();
    }
  });
});
