import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest, APPROVAL_PLAN_CONCURRENCY } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const options = { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' };
/** The directory read every plan starts with (findTakenIdentities). */
const isDirectoryRead = (statement: string) => statement.includes('to_json(array(select lower("users"."username")');

describe(`a bulk of approvals plans a few at a time (${testDriver})`, () => {
  let database: Database;
  let reads = 0;
  let readsAtFirstUser: number | undefined;

  beforeAll(async () => {
    database = await openTestDatabase({
      poolSize: 12,
      onQuery: (statement) => {
        if (isDirectoryRead(statement)) reads += 1;
        if (readsAtFirstUser === undefined && statement.startsWith('insert into "users"')) readsAtFirstUser = reads;
      },
    });
    await seedDemoReferenceData(database.db);
  });
  afterAll(() => database.close());

  it('three times as many parallel approvals as plan slots: each is carried out, and the first user is written before most have read the directory', async () => {
    const deps = depsFor(database.db);
    const count = 3 * APPROVAL_PLAN_CONCURRENCY;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe() })).id);
    reads = 0;
    readsAtFirstUser = undefined;

    const results = await Promise.all(ids.map((id) => approveRequest(deps, approver, id, options)));

    expect(results.map((r) => r.outcome)).toEqual(ids.map(() => 'completed'));
    expect(reads).toBe(count);
    // Unbounded, every plan read the directory at once, long before the first hash was done. Bounded,
    // the first plans' hashes finish (libuv runs up to four together) before the rest begin.
    expect(readsAtFirstUser).toBeGreaterThan(0);
    expect(readsAtFirstUser).toBeLessThanOrEqual(2 * APPROVAL_PLAN_CONCURRENCY);
  });
});
