import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../src/db/client.js';
import { usernamesStartingWithAny } from '../../src/db/repositories/import-checks.js';
import { likePattern } from '../../src/db/repositories/users.js';
import { users } from '../../src/db/schema/index.js';
import { checkImport } from '../../src/services/check-import.js';
import { readImportFile } from '../../src/services/import-file.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { newHireCsv } from '../support/import-files.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

function table(csv: string) {
  const read = readImportFile(Buffer.from(csv, 'utf8'));
  if (!read.ok) throw new Error(read.problem);
  return read.table;
}

/**
 * Issue 12: the directory reads of an import check. The username prefixes, index ranges rather than
 * LIKE patterns, compared with the patterns on names that LIKE and byte order could disagree about.
 */
describe(`the statements of an import check (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    await userThroughApproval(deps, requester, janeDoe({ username: 'source1' }));
    // Warm: the pool's connections open, the reference lists cached.
    await checkImport(deps, requester, table(newHireCsv(1)));
  });
  afterAll(() => database.close());

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
});
