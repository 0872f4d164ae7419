import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { collections } from '../../src/db/schema/index.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { cloneTemplate } from '../../src/services/clone-user.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCountsWithRequests, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { userRequestThroughApproval, userThroughApproval } from '../support/through-approval.js';

/** Cloning as production does it: a clone request submitted, then approved (the source's settings are filled in then). */
describe(`clone user (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let sourceCollections: number[];

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    const all = await database.db.select({ id: collections.id }).from(collections);
    sourceCollections = all.slice(2, 7).map((c) => c.id).sort((a, b) => a - b);
    await userThroughApproval(deps, requester, {
      username: 'source',
      firstName: 'Sam',
      lastName: 'Source',
      phone: '512-555-0100',
      email: 'sam.source@example.com',
      description: 'Tier 2, Spanish',
      password: 'Tier2-Secret-99',
      siteKey: 'tampa-fl',
      departmentKey: 'billing-support',
      billingUnitKey: 'bu-200-business',
      profileKey: (await cloneProfileKey()) ?? 'standard-agent',
      collectionIds: sourceCollections,
    });
  });
  afterAll(() => database.close());

  const cloneThroughApproval = async (input: Parameters<typeof userThroughApproval>[2]) => userRequestThroughApproval(deps, requester, input, { kind: 'clone_user' });
  const submitClone = (input: unknown) => submitUserRequest(deps, requester, { kind: 'clone_user', input });

  async function cloneProfileKey() {
    const { listReferenceChoices } = await import('../../src/db/repositories/reference-data.js');
    return (await listReferenceChoices(database.db)).profiles.find((p) => !p.isDefault)?.key;
  }

  it('copies collections, site, department, billing unit and profile — never names, phone, email or password', async () => {
    const source = await storedUser(database.db, 'source');
    const clone = await cloneThroughApproval({ sourceUsername: 'SOURCE', username: 'newbie', firstName: 'Nia', lastName: 'Newbie', phone: '555-555-1234' });

    const row = await storedUser(database.db, 'newbie');
    expect(row).toMatchObject({ siteKey: 'tampa-fl', departmentKey: 'billing-support', billingUnitKey: 'bu-200-business', profileKey: source!.profileKey });
    expect(row).toMatchObject({ firstName: 'Nia', lastName: 'Newbie', phone: '+15555551234', email: null, description: null });
    expect(await verifyPassword('Nn5555551234!!', row!.passwordHash!)).toBe(true);
    expect(await collectionIdsOfUserForTest(database.db, clone.user.id)).toEqual(sourceCollections);

    const trail = await auditTrailOf(database.db, 'user', clone.user.id);
    expect(trail[0]).toMatchObject({ action: 'user.cloned', details: { sourceUsername: 'source', passwordKind: 'default', requestId: clone.request.id } });
  });

  it('lets the requester change the copied defaults and collections', async () => {
    const clone = await cloneThroughApproval({
      sourceUsername: 'source',
      username: 'changed',
      firstName: 'Cy',
      lastName: 'Changed',
      phone: '555-555-9876',
      siteKey: 'austin-tx',
      departmentKey: null,
      collectionIds: [sourceCollections[0]!],
    });
    expect(await storedUser(database.db, 'changed')).toMatchObject({ siteKey: 'austin-tx', departmentKey: null, billingUnitKey: 'bu-200-business' });
    expect(await collectionIdsOfUserForTest(database.db, clone.user.id)).toEqual([sourceCollections[0]]);
  });

  it('does not pass on a collection that has been retired since', async () => {
    await database.db.update(collections).set({ active: false }).where(inArray(collections.id, [sourceCollections[1]!]));
    const template = await cloneTemplate(deps, 'source');
    expect(template.defaults.collectionIds).toEqual(sourceCollections.filter((id) => id !== sourceCollections[1]));
    await database.db.update(collections).set({ active: true }).where(inArray(collections.id, [sourceCollections[1]!]));
  });

  it('refuses an unknown source and a taken username, storing nothing', async () => {
    const before = await rowCountsWithRequests(database.db);
    await expectIssue(submitClone({ sourceUsername: 'ghost', username: 'x1', firstName: 'X', lastName: 'Y', phone: '555-555-1234' }), 'sourceUsername', 'not_found');
    await expectIssue(submitClone({ sourceUsername: 'source', username: 'Source', firstName: 'X', lastName: 'Y', phone: '555-555-1234' }), 'username', 'username_taken');
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
  });

  it('clones a user with 60 collections exactly', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `Bulk collection ${String(i).padStart(2, '0')}`, kind: i % 2 ? ('agent' as const) : ('user' as const) }));
    const inserted = await database.db.insert(collections).values(many).returning({ id: collections.id });
    const ids = inserted.map((c) => c.id).sort((a, b) => a - b);
    await userThroughApproval(deps, requester, janeDoe({ username: 'wide', collectionIds: ids }));

    const clone = await cloneThroughApproval({ sourceUsername: 'wide', username: 'wide2', firstName: 'Wynn', lastName: 'Wide', phone: '555-555-4321' });
    expect(await collectionIdsOfUserForTest(database.db, clone.user.id)).toEqual(ids);
  });
});
