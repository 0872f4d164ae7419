import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

describe(`the round trips of one submission (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let seen: string[] | undefined;

  beforeAll(async () => {
    database = await openTestDatabase({ onQuery: (statement) => seen?.push(statement) });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    seen = [];
    try {
      await work();
      return seen;
    } finally {
      seen = undefined;
    }
  }

  it('debug', async () => {
    const s = await statementsOf(() => submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe() }));
    console.log(s.length, s.map((q) => q.slice(0, 160)).join('\n'));
    expect(s.length).toBeGreaterThan(0);
  });
});
