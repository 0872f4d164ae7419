import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { requests } from '../../src/db/schema/index.js';
import { findTakenIdentities } from '../../src/db/repositories/users.js';
import { referenceNames } from '../../src/services/form-data.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { rowCountsWithRequests } from '../support/queries.js';
import { statementLog } from '../support/statement-log.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';

/** The reference-data lists a form is checked against: read through their own module, and cached (reference-data-cache.ts). */
const REFERENCE_TABLES = /from "(sites|departments|billing_units|cucm_clusters|e911_locations|profiles|caller_ids|collections|extension_ranges)"/;

/**
 * Issue 12: a submission used to make about twenty round trips. Counted here at the driver (postgres.js's
 * `debug`, PGlite's wire-protocol messages): every statement the bot sends, BEGIN and COMMIT included.
 */
describe(`the round trips of one submission (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  const log = statementLog();

  beforeAll(async () => {
    database = await openTestDatabase({ onQuery: log.onQuery });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    // A warm bot: the pool's connections are open (each new one costs postgres.js a setup query) and
    // the reference lists cached.
    await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe() });
  });
  afterAll(() => database.close());

  const stateOf = async (username: string) =>
    (await database.db.select({ state: requests.state }).from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`))[0]?.state;

  async function statementsOf(work: () => Promise<unknown>): Promise<{ all: string[]; directory: string[] }> {
    const all = await log.during(() => work().catch(() => undefined));
    return { all, directory: all.filter((s) => !REFERENCE_TABLES.test(s)) };
  }

  it('stores a New User request in two statements: one read (the directory and the reference-data version), one insert with its audit row', async () => {
    const { all, directory } = await statementsOf(() => submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted1' }) }));
    // The reference lists come from the cache: the version is a column of the directory read.
    expect(all, all.join('\n---\n')).toHaveLength(2);
    expect(directory).toEqual(all);
    expect(all[0]).toMatch(/reference_data_version/);
    expect(all[1]).toMatch(/^\s*with created as \(\s*insert into "requests"/);
    expect(all.some((s) => /^\s*(begin|commit)/i.test(s))).toBe(false);
    expect(await stateOf('counted1')).toBe('pending');
  });

  it('a stored request carries the reference-data version its check read: the summaries sent after the ack name its choices without a statement', async () => {
    const submitted = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted6' }) });
    expect(submitted.referenceVersion).toEqual(expect.any(Number));
    let names: Awaited<ReturnType<typeof referenceNames>> | undefined;
    const { all } = await statementsOf(async () => {
      names = await referenceNames(deps, submitted.referenceVersion);
    });
    expect(all, all.join('\n---\n')).toHaveLength(0);
    // The same names as a caller that reads the version itself (one statement) gets.
    const read = await statementsOf(async () => expect(await referenceNames(deps)).toEqual(names));
    expect(read.all).toHaveLength(1);
    expect(names?.sites.size).toBeGreaterThan(0);
  });

  it('an agent with an existing extension costs one more read beside the directory, and one with a new extension one read of its numbers', async () => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const existing = await statementsOf(() =>
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted2', userType: 'agent', extensionNumber: String(extension.number) }) }),
    );
    expect(existing.all, existing.all.join('\n---\n')).toHaveLength(3);
    expect(await stateOf('counted2')).toBe('pending');

    const withNew = await statementsOf(() =>
      submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted3', userType: 'agent' }), newExtension: softphone() }),
    );
    // The directory, the ranges with the numbers taken in them, the insert: no list read again.
    expect(withNew.all, withNew.all.join('\n---\n')).toHaveLength(3);
    expect(await stateOf('counted3')).toBe('pending');
  });

  it('reads the lists again once the reference data moved, and only then', async () => {
    await database.db.execute(sql`update reference_data_version set version = version + 1`);
    const moved = await statementsOf(() => submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted4' }) }));
    expect(moved.all.length - moved.directory.length).toBe(9);
    expect(moved.directory).toHaveLength(2);
    const again = await statementsOf(() => submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'counted5' }) }));
    expect(again.all).toHaveLength(2);
  });

  it('answers every conflict on its field, all in one answer, as before', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'jdoe', email: 'jdoe@example.com' }));
    const holder = await userThroughApproval(deps, requester, janeDoe({ username: 'holder' }));
    const extension = await extensionThroughApproval(deps, requester, softphone());
    // Assigned directly: only the held extension matters here, not how it came to be held.
    await database.db.execute(sql`update extensions set assigned_user_id = ${holder.id} where id = ${extension.id}`);
    await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'waiting' }) });
    const before = await rowCountsWithRequests(database.db);

    const refusal = async (input: Parameters<typeof janeDoe>[0]) => {
      const err = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe(input) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      return (err as InvalidInput).issues.map((i) => ({ field: i.field, code: i.code, message: i.message, ...(i.suggestion ? { suggestion: i.suggestion } : {}) }));
    };

    expect(await refusal({ username: 'JDoe' })).toEqual([{ field: 'username', code: 'username_taken', message: 'Username JDoe is already taken — try jdoe2', suggestion: 'jdoe2' }]);
    expect(await refusal({ email: 'JDOE@example.com' })).toEqual([{ field: 'email', code: 'email_in_use', message: 'Email JDOE@example.com is already used by another user' }]);
    expect(await refusal({ userType: 'agent', extensionNumber: String(extension.number) })).toEqual([
      { field: 'extensionNumber', code: 'extension_assigned', message: `Extension ${extension.number} is already assigned to holder` },
    ]);
    expect(await refusal({ username: 'Waiting' })).toEqual([{ field: 'username', code: 'username_taken', message: 'A request for Waiting is already waiting for approval' }]);

    // All at once, with the taken username winning over the open request on its field.
    const all = await refusal({ username: 'jdoe', email: 'jdoe@example.com', userType: 'agent', extensionNumber: String(extension.number) });
    expect(all.map((i) => `${i.field}:${i.code}`).sort()).toEqual(['email:email_in_use', 'extensionNumber:extension_assigned', 'username:username_taken']);
    // A bad field beside them: the taken username, the taken email and the open request are still said.
    expect((await refusal({ username: 'jdoe', email: 'jdoe@example.com', phone: '12' })).map((i) => `${i.field}:${i.code}`).sort()).toEqual([
      'email:email_in_use',
      'phone:phone_too_short',
      'username:username_taken',
    ]);
    expect((await refusal({ username: 'waiting', phone: '12' })).map((i) => `${i.field}:${i.message}`).sort()).toEqual([
      'phone:' + (await refusal({ phone: '12' }))[0]!.message,
      'username:A request for waiting is already waiting for approval',
    ]);
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
  });

  it('checks many usernames and emails in one statement, case-insensitively', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'batch.a', email: 'Batch.A@example.com' }));
    await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'batch.open' }) });
    const { all } = await statementsOf(async () => {
      const found = await findTakenIdentities(database.db, { usernames: ['BATCH.A', 'batch.b', 'Batch.Open', 'we"ird\\name'], emails: ['batch.a@EXAMPLE.com', 'free@example.com'], openRequests: true });
      expect(found).toEqual({ usernames: new Set(['batch.a']), emails: new Set(['batch.a@example.com']), openRequests: new Set(['batch.open']) });
    });
    expect(all).toHaveLength(1);
  });
});
