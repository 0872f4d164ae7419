import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { auditEvents, requests } from '../../src/db/schema/index.js';
import type { InvalidInput } from '../../src/domain/errors.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { offboardingTarget, submitDeactivation } from '../../src/services/offboarding.js';
import { searchUsers } from '../../src/services/search-users.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCounts, storedUser } from '../support/queries.js';
import { approver, deactivationThroughApproval } from '../support/through-approval.js';
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
    // Both emails hold "example" inside: the closer match (the shorter email) comes first.
    expect(usernames(await searchUsers(deps, { kind: 'non_agent', departmentKey: 'sales', text: 'example' }))).toEqual(['ddavis_50', 'bbrown']);
  });

  it('pages through results and says whether more remain', async () => {
    const first = await searchUsers(deps, { pageSize: 3 });
    const second = await searchUsers(deps, { pageSize: 3, page: 2 });
    expect([usernames(first), first.hasMore]).toEqual([['aalvarez', 'bbrown', 'cchen'], true]);
    expect([usernames(second), second.hasMore]).toEqual([['ddavis_50'], false]);
    await expectIssue(searchUsers(deps, { pageSize: 51 }), 'pageSize', 'invalid_format');
  });

  it('deactivates a user through an approved request: sign-in refused, extension freed with a new device secret, history and collections kept, username taken', async () => {
    const before = await storedUser(database.db, 'aalvarez');
    const collectionsBefore = await collectionIdsOfUserForTest(database.db, before!.id);
    const secretBefore = (await findExtensionByNumber(database.db, agentExtension))!.deviceSecret;

    const result = await deactivationThroughApproval(deps, requester, 'AAlvarez');
    expect(result.user?.username).toBe('aalvarez');
    const freed = await findExtensionByNumber(database.db, agentExtension);
    expect(freed?.assignedUserId).toBeNull();
    expect(freed?.deviceSecret).not.toBe(secretBefore);
    expect(freed?.deviceSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const after = await storedUser(database.db, 'aalvarez');
    expect(after).toMatchObject({ status: 'deactivated', deactivatedBy: approver.id, agentId: before!.agentId, version: before!.version + 1 });
    expect(await collectionIdsOfUserForTest(database.db, before!.id)).toEqual(collectionsBefore);
    const trail = await auditTrailOf(database.db, 'user', before!.id);
    expect(trail.map((e) => e.action)).toEqual(['user.created', 'user.deactivated']);
    const details = trail[1]!.details as { freedExtension: number; collections: { id: number; name: string }[]; deviceSecretRotated: boolean };
    expect(details.freedExtension).toBe(agentExtension);
    expect(details.deviceSecretRotated).toBe(true);
    expect(details.collections.map((c) => c.id)).toEqual(collectionsBefore);
    expect(JSON.stringify(trail)).not.toContain(freed!.deviceSecret);

    expect(usernames(await searchUsers(deps, { text: 'alvarez' }))).toEqual([]);
    expect(usernames(await searchUsers(deps, { text: 'alvarez', includeDeactivated: true }))).toEqual(['aalvarez']);
    await expectIssue(submitUserRequest(deps, requester, { kind: 'create_user', input: { username: 'aalvarez', firstName: 'A', lastName: 'B', phone: '555-555-1234' } }), 'username', 'username_taken');

    // Refused, and nothing stored: already deactivated, nobody by that name.
    const stored = async () => ({ ...(await rowCounts(database.db)), requests: (await database.db.select().from(requests)).length });
    const requestsBefore = await stored();
    await expectIssue(offboardingTarget(deps, 'aalvarez'), 'username', 'already_deactivated');
    await expectIssue(submitDeactivation(deps, requester, { userId: before!.id, version: after!.version, reason: 'again', effectiveAt: null }), 'username', 'already_deactivated');
    await expectIssue(offboardingTarget(deps, 'nobody'), 'username', 'not_found');
    expect(await stored()).toEqual(requestsBefore);
  });

  it('two identical offboarding submissions at once leave one request; two approvers at once free the extension once', async () => {
    const target = await offboardingTarget(deps, 'cchen');
    const ask = () => submitDeactivation(deps, requester, { userId: target.id, version: target.version, reason: 'Left', effectiveAt: null });
    const submitted = await Promise.allSettled([ask(), ask(), ask()]);
    expect(submitted.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of submitted) if (s.status === 'rejected') expect((s.reason as InvalidInput).issues[0]).toMatchObject({ field: 'username', code: 'change_pending' });
    const id = (submitted.find((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value.id;
    // A second change of the same user while this one is open is refused too.
    await expectIssue(ask(), 'username', 'change_pending');

    const approvers = [approver, { id: 'U0APPROVER2', portalAdmin: false }, { id: 'U0APPROVER3', portalAdmin: false }];
    const outcomes = await Promise.all(approvers.map((a) => approveRequest(deps, a, id, { allowSelfApproval: false, accountUrl: 'https://x.example/account' })));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already_decided', 'already_decided', 'completed']);
    const released = (await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'extension.released'))).filter((e) => (e.details as { fromUserId: number }).fromUserId === target.id);
    expect(released).toHaveLength(1);
    expect((await auditTrailOf(database.db, 'user', target.id)).filter((e) => e.action === 'user.deactivated')).toHaveLength(1);
  });

  it('frees the extension for the next agent', async () => {
    const next = await userRequestThroughApproval(deps, requester, { username: 'newagent', firstName: 'New', lastName: 'Agent', phone: '555-555-1234', userType: 'agent', extensionNumber: agentExtension });
    expect(next.extension?.number).toBe(agentExtension);
  });
});
