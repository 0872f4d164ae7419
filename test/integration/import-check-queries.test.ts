import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../src/db/client.js';
import { usernamesStartingWithAny } from '../../src/db/repositories/import-checks.js';
import { likePattern } from '../../src/db/repositories/users.js';
import { users } from '../../src/db/schema/index.js';
import { checkImport } from '../../src/services/check-import.js';
import { ReferenceDataMissing } from '../../src/services/form-data.js';
import { readImportFile } from '../../src/services/import-file.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { newHireCsv, newHireRow } from '../support/import-files.js';
import { clearReferenceData } from '../support/queries.js';
import { statementLog } from '../support/statement-log.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

/** The reference-data lists, read through their own module (reference-data-cache.ts keeps them). */
const REFERENCE_LISTS = /from "(sites|departments|billing_units|cucm_clusters|e911_locations|profiles|caller_ids|collections)"/;

function table(csv: string) {
  const read = readImportFile(Buffer.from(csv, 'utf8'));
  if (!read.ok) throw new Error(read.problem);
  return read.table;
}

/**
 * Issue 12: checking a file reads the directory once for all its rows. Counted at the driver, as
 * submit-queries.test.ts counts a submission; and the username prefixes, now index ranges rather than
 * LIKE patterns, compared with the patterns on names that LIKE and byte order could disagree about.
 */
describe(`the statements of an import check (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  const log = statementLog();

  beforeAll(async () => {
    database = await openTestDatabase({ onQuery: log.onQuery });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    await userThroughApproval(deps, requester, janeDoe({ username: 'source1' }));
    // Warm: the pool's connections open, the reference lists cached.
    await checkImport(deps, requester, table(newHireCsv(1)));
  });
  afterAll(() => database.close());

  const statementsOf = (work: () => Promise<unknown>): Promise<string[]> => log.during(work);

  const file = (rows: number) =>
    table(newHireCsv(rows, (i) => newHireRow(i, i % 3 === 0 ? { clone_from: 'source1' } : i % 3 === 1 ? { username: '', extension: String(5000 + i), device_type: '' } : {})));

  it('makes the same eight statements for 1 row and for 1,000, the lists coming from the cache', async () => {
    const one = await statementsOf(() => checkImport(deps, requester, file(3)));
    const thousand = await statementsOf(() => checkImport(deps, requester, file(1000)));
    // The ranges with their used numbers and the version; the clone sources and their collections; the
    // username prefixes; the emails; the typed extensions; the open requests, single and batched.
    expect(one, one.join('\n---\n')).toHaveLength(8);
    expect(thousand, thousand.join('\n---\n')).toHaveLength(8);
    expect(one.filter((s) => REFERENCE_LISTS.test(s))).toEqual([]);
    expect(one.some((s) => /reference_data_version/.test(s))).toBe(true);
  });

  it('reads the lists again once the reference data moved, and only then', async () => {
    await database.db.execute(sql`update reference_data_version set version = version + 1`);
    const moved = await statementsOf(() => checkImport(deps, requester, file(3)));
    expect(moved.filter((s) => REFERENCE_LISTS.test(s)), moved.join('\n---\n')).toHaveLength(8);
    expect(await statementsOf(() => checkImport(deps, requester, file(3)))).toHaveLength(8);
  });

  it('finds the usernames a LIKE prefix pattern finds, whatever the characters', async () => {
    const names = ['Jo_1', 'jox1', 'jo%1', 'jo\\1', 'JÖRG', 'jörg2', 'ab', 'abc', 'abd', 'ab\u{10ffff}z', '\u{10ffff}\u{10ffff}x', 'a\u{d7ff}b', 'a\u{e000}', '\u{fffd}x', '🙂🙂x', 'zz'];
    await database.db.insert(users).values(
      names.map((username, i) => ({ username, firstName: 'Odd', lastName: 'Name', phone: '+15125550100', email: `odd${i}@example.com`, profileKey: 'standard-agent', userType: 'non_agent' as const, createdBy: 'U0TEST' })),
    );
    const prefixes = ['jo_', 'jo%', 'jo\\', 'JÖ', 'jö', 'ab', 'ab\u{10ffff}', '\u{10ffff}', 'a\u{d7ff}', '🙂', '🙂'.slice(0, 1), 'z', 'nobody', ''];
    // What the check read before the ranges: the same prefixes as LIKE patterns.
    const patterns = [...new Set(prefixes.map((p) => p.toLowerCase()))].filter((p) => p !== '').map((p) => likePattern(p, 'prefix'));
    const byLike = rowsOf<{ username: string }>(await database.db.execute(sql`select lower(${users.username}) as username from ${users} where lower(${users.username}) like any(${sql.param(patterns)}::text[])`));
    const found = await usernamesStartingWithAny(database.db, prefixes);
    expect([...found].sort()).toEqual([...new Set(byLike.map((r) => r.username))].sort());
    // Not vacuous: the odd names are among them, the lone surrogate matching as the U+FFFD it is sent as.
    expect(found).toContain('jo_1');
    expect(found).not.toContain('jox1');
    expect(found).toContain('\u{fffd}x');
    expect(found).toContain('\u{10ffff}\u{10ffff}x');
    expect(found).toContain('ab\u{10ffff}z');
    expect(await usernamesStartingWithAny(database.db, [])).toEqual(new Set());
  });

  // Last: it empties the reference data.
  it('refuses to check a file while no reference data is loaded, the lists read at their new version', async () => {
    await clearReferenceData(database.db);
    await expect(checkImport(deps, requester, file(3))).rejects.toBeInstanceOf(ReferenceDataMissing);
  });
});
