import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { deactivateUser } from '../../src/services/deactivate-user.js';
import { searchUsers } from '../../src/services/search-users.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { expectIssue } from '../support/expect-issue.js';
import { storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { extensionThroughApproval, userRequestThroughApproval, userThroughApproval } from '../support/through-approval.js';

describe(`search and deactivate (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let agentExtension: number;

  const people = [
    { username: 'aalvarez', firstName: 'Ana', lastName: 'Álvarez', email: 'ana.alvarez@example.com', siteKey: 'austin-tx', departmentKey: 'sales', agent: true },
    { username: 'bbrown', firstName: 'Bob', lastName: 'Brown', email: 'bob@corp.example', siteKey: 'tampa-fl', departmentKey: 'sales', agent: false },
    { username: 'cchen', firstName: 'Chen', lastName: 'Chen', email: null, siteKey: 'austin-tx', departmentKey: 'billing-support', agent: true },
    { username: 'ddavis_50%', firstName: 'Dee', lastName: 'Davis', email: 'dee@example.com', siteKey: 'manila-ph', departmentKey: 'sales', agent: false },
  ];

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    for (const p of people) {
      const extensionNumber = p.agent ? (await extensionThroughApproval(deps, requester, softphone())).number : undefined;
      if (p.username === 'aalvarez') agentExtension = extensionNumber!;
      await userThroughApproval(deps, requester, {
        username: p.username.replace('%', ''),
        firstName: p.firstName,
        lastName: p.lastName,
        phone: '555-555-1234',
        email: p.email,
        siteKey: p.siteKey,
        departmentKey: p.departmentKey,
        userType: p.agent ? 'agent' : 'non_agent',
        extensionNumber,
      });
    }
  });
  afterAll(() => database.close());

  const usernames = (result: Awaited<ReturnType<typeof searchUsers>>) => result.rows.map((r) => r.username);

  it('finds by part of a name, username or email, case-insensitively', async () => {
    expect(usernames(await searchUsers(deps, { text: 'ÁLV' }))).toEqual(['aalvarez']);
    expect(usernames(await searchUsers(deps, { text: 'bbro' }))).toEqual(['bbrown']);
    expect(usernames(await searchUsers(deps, { text: 'corp.example' }))).toEqual(['bbrown']);
    expect(usernames(await searchUsers(deps, { text: 'chen chen' }))).toEqual(['cchen']);
    expect(usernames(await searchUsers(deps, {}))).toEqual(['aalvarez', 'bbrown', 'cchen', 'ddavis_50']);
  });

  it('treats % and _ as plain characters, not wildcards', async () => {
    expect(usernames(await searchUsers(deps, { text: '%' }))).toEqual([]);
    expect(usernames(await searchUsers(deps, { text: 's_5' }))).toEqual(['ddavis_50']);
  });

  it('shows the agent ID for agents and none for non-agents, and filters on it, site and department', async () => {
    const all = await searchUsers(deps, {});
    const byName = Object.fromEntries(all.rows.map((r) => [r.username, r]));
    expect(byName.aalvarez?.agentId).toBeGreaterThanOrEqual(1001);
    expect(byName.aalvarez).toMatchObject({ siteName: 'Austin, TX', departmentName: 'Sales', extensionNumber: agentExtension });
    expect(byName.bbrown?.agentId).toBeNull();

    expect(usernames(await searchUsers(deps, { kind: 'agent' }))).toEqual(['aalvarez', 'cchen']);
    expect(usernames(await searchUsers(deps, { kind: 'non_agent' }))).toEqual(['bbrown', 'ddavis_50']);
    expect(usernames(await searchUsers(deps, { siteKey: 'austin-tx', departmentKey: 'sales' }))).toEqual(['aalvarez']);
    expect(usernames(await searchUsers(deps, { kind: 'non_agent', departmentKey: 'sales', text: 'example' }))).toEqual(['bbrown', 'ddavis_50']);
  });

  it('pages through results and says whether more remain', async () => {
    const first = await searchUsers(deps, { pageSize: 3 });
    const second = await searchUsers(deps, { pageSize: 3, page: 2 });
    expect([usernames(first), first.hasMore]).toEqual([['aalvarez', 'bbrown', 'cchen'], true]);
    expect([usernames(second), second.hasMore]).toEqual([['ddavis_50'], false]);
    await expectIssue(searchUsers(deps, { pageSize: 51 }), 'pageSize', 'invalid_format');
  });

  it('deactivates a user: the extension is freed, history and collections stay, the username stays taken', async () => {
    const before = await storedUser(database.db, 'aalvarez');
    const collectionsBefore = await collectionIdsOfUserForTest(database.db, before!.id);

    expect(await deactivateUser(deps, requester, { username: 'AAlvarez' })).toEqual({ username: 'aalvarez', freedExtension: agentExtension });
    expect((await findExtensionByNumber(database.db, agentExtension))?.assignedUserId).toBeNull();
    const after = await storedUser(database.db, 'aalvarez');
    expect(after).toMatchObject({ status: 'deactivated', deactivatedBy: requester.id, agentId: before!.agentId });
    expect(await collectionIdsOfUserForTest(database.db, before!.id)).toEqual(collectionsBefore);
    expect((await auditTrailOf(database.db, 'user', before!.id)).map((e) => e.action)).toEqual(['user.created', 'user.deactivated']);

    expect(usernames(await searchUsers(deps, { text: 'alvarez' }))).toEqual([]);
    expect(usernames(await searchUsers(deps, { text: 'alvarez', includeDeactivated: true }))).toEqual(['aalvarez']);
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: { username: 'aalvarez', firstName: 'A', lastName: 'B', phone: '555-555-1234' } }), 'username', 'username_taken');
    await expectIssue(deactivateUser(deps, requester, { username: 'aalvarez' }), 'username', 'already_deactivated');
    await expectIssue(deactivateUser(deps, requester, { username: 'nobody' }), 'username', 'not_found');
  });

  it('frees the extension for the next agent', async () => {
    const next = await userRequestThroughApproval(deps, requester, { username: 'newagent', firstName: 'New', lastName: 'Agent', phone: '555-555-1234', userType: 'agent', extensionNumber: agentExtension });
    expect(next.extension?.number).toBe(agentExtension);
  });
});
