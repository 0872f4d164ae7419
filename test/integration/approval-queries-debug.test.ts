import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { approver } from '../support/through-approval.js';

describe(`debug (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let seen: string[] | undefined;
  beforeAll(async () => {
    database = await openTestDatabase({ onQuery: (s) => seen?.push(s) });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());
  it('approval', async () => {
    const s = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe() });
    seen = [];
    const r = await approveRequest(deps, approver, s.id, { allowSelfApproval: false, accountUrl: 'http://x/account' });
    console.log(r.outcome, seen.length, seen.map((q) => q.replace(/\s+/g, ' ').slice(0, 130)).join('\n'));
    expect(r.outcome).toBe('completed');
  });
});
