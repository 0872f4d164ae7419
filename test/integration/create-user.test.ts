import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import type { Actor } from '../../src/services/context.js';
import type { CreateUserInput } from '../../src/services/create-user.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { InvalidInput } from '../../src/domain/errors.js';
import { depsFor, janeDoe, portalAdmin, requester, seedDemoReferenceData, settings, softphone } from '../support/fixtures.js';
import { expectIssue } from '../support/expect-issue.js';
import { rowCounts, rowCountsWithRequests, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { approver, extensionThroughApproval, userRequestThroughApproval, userThroughApproval } from '../support/through-approval.js';

/**
 * Creating a user the one way there is: a request submitted, then approved. Most refusals come at
 * submission (nothing is stored, not even the request); the approval checks again (decide-request.test.ts).
 */
describe(`create user (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let allCollections: number;

  beforeAll(async () => {
    database = await openTestDatabase();
    const counts = await seedDemoReferenceData(database.db);
    allCollections = counts.collections;
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  const submit = (input: unknown, actor: Actor = requester) => submitUserRequest(deps, actor, { kind: 'create_user', input });
  const firstAudit = async (userId: number) => (await auditTrailOf(database.db, 'user', userId))[0]?.details as Record<string, unknown>;

  it('creates Jane Doe with the default password Jd5555551234!!, one-time and expiring in 72 hours', async () => {
    const { user, request } = await userRequestThroughApproval(deps, requester, janeDoe({ username: 'jane.doe', email: 'Jane.Doe@example.com' }));

    expect(await firstAudit(user.id)).toMatchObject({ passwordKind: 'default' });
    const completed = (await notificationsOfRequest(database.db, request.id)).find((n) => n.topic === 'request_completed');
    expect(JSON.stringify(completed?.payload)).toContain('jane.doe@abc');
    const row = await storedUser(database.db, 'jane.doe');
    expect(row).toMatchObject({ firstName: 'Jane', lastName: 'Doe', phone: '+15555551234', email: 'Jane.Doe@example.com', userType: 'non_agent', agentId: null, profileKey: 'standard-agent', status: 'active', passwordOneTime: true, createdBy: approver.id });
    expect(row!.passwordHash).not.toContain('Jd5555551234');
    expect(await verifyPassword('Jd5555551234!!', row!.passwordHash!)).toBe(true);
    expect(row!.passwordExpiresAt!.getTime() - deps.now().getTime()).toBe(72 * 3_600_000);
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('selects every collection when none are chosen (creating from scratch), and exactly the chosen ones otherwise', async () => {
    const all = await userThroughApproval(deps, requester, janeDoe());
    const allIds = await collectionIdsOfUserForTest(database.db, all.id);
    expect(allIds).toHaveLength(allCollections);

    const some = await userThroughApproval(deps, requester, janeDoe({ collectionIds: [allIds[0]!, allIds[3]!] }));
    expect(await collectionIdsOfUserForTest(database.db, some.id)).toEqual([allIds[0], allIds[3]]);

    const none = await userThroughApproval(deps, requester, janeDoe({ collectionIds: [] }));
    expect(await collectionIdsOfUserForTest(database.db, none.id)).toEqual([]);
  });

  it('writes an audit row naming who created whom, with no password in it', async () => {
    const { user, request } = await userRequestThroughApproval(deps, requester, janeDoe({ username: 'audited' }));
    const trail = await auditTrailOf(database.db, 'user', user.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actor: approver.id, action: 'user.created', details: { username: 'audited', passwordKind: 'default', requestId: request.id, requestedBy: requester.id } });
    expect(JSON.stringify(trail)).not.toContain('Jd5555551234');
  });

  it('creates an agent with an agent ID from the sequence and assigns its extension', async () => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const agent = await userRequestThroughApproval(deps, requester, janeDoe({ userType: 'agent', extensionNumber: String(extension.number) }));
    const supervisor = await userThroughApproval(deps, requester, janeDoe({ userType: 'supervisor', extensionNumber: (await extensionThroughApproval(deps, requester, softphone())).number }));

    expect(agent.user.agentId).toBeGreaterThanOrEqual(1001);
    expect(supervisor.agentId).toBeGreaterThan(agent.user.agentId!);
    expect(agent.extension?.number).toBe(extension.number);
    expect((await findExtensionByNumber(database.db, extension.number))?.assignedUserId).toBe(agent.user.id);
  });

  it('refuses an agent without an extension, and an extension already assigned, storing nothing', async () => {
    const before = await rowCountsWithRequests(database.db);
    await expectIssue(submit(janeDoe({ userType: 'agent' })), 'extensionNumber', 'extension_required');
    expect(await rowCountsWithRequests(database.db)).toEqual(before);

    const extension = await extensionThroughApproval(deps, requester, softphone());
    await userThroughApproval(deps, requester, janeDoe({ username: 'ext.holder', userType: 'agent', extensionNumber: extension.number }));
    const afterFirst = await rowCountsWithRequests(database.db);
    const refused = await expectIssue(submit(janeDoe({ userType: 'agent', extensionNumber: extension.number })), 'extensionNumber', 'extension_assigned');
    expect(refused.message).toBe(`Extension ${extension.number} is already assigned to ext.holder`);
    await expectIssue(submit(janeDoe({ userType: 'agent', extensionNumber: 1999 })), 'extensionNumber', 'not_found');
    expect(await rowCountsWithRequests(database.db)).toEqual(afterFirst);
  });

  it('refuses a taken username in another case with a free suggestion', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'jdoe' }));
    await userThroughApproval(deps, requester, janeDoe({ username: 'jdoe2' }));
    const before = await rowCountsWithRequests(database.db);
    const refused = await expectIssue(submit(janeDoe({ username: 'JDOE' })), 'username', 'username_taken');
    expect(refused.message).toBe('Username JDOE is already taken — try jdoe3');
    expect(refused.suggestion).toBe('jdoe3');
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
  });

  it('suggests within the 20-character limit when a 20-character username is taken', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'abcdefghijklmnopqrst' }));
    const refused = await expectIssue(submit(janeDoe({ username: 'ABCDEFGHIJKLMNOPQRST' })), 'username', 'username_taken');
    expect(refused.suggestion).toBe('abcdefghijklmnopqrs2');
  });

  it('refuses an email already used by another user, whatever its case', async () => {
    await userThroughApproval(deps, requester, janeDoe({ email: 'dup@example.com' }));
    const refused = await expectIssue(submit(janeDoe({ email: 'DUP@Example.COM' })), 'email', 'email_in_use');
    expect(refused.message).toContain('DUP@Example.COM');
  });

  it('answers every bad field at once and stores nothing', async () => {
    const before = await rowCountsWithRequests(database.db);
    const error = await submit({
      username: 'has space',
      firstName: '',
      lastName: 'Doe',
      phone: '1234567890123456',
      email: 'not-an-email',
      siteKey: 'atlantis',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    const byField = Object.fromEntries((error as InvalidInput).issues.map((i) => [i.field, i.code]));
    expect(byField).toEqual({ username: 'invalid_format', firstName: 'required', phone: 'phone_too_long', email: 'invalid_format', siteKey: 'unknown_reference' });
    expect(await rowCountsWithRequests(database.db)).toEqual(before);
  });

  it('refuses input of the wrong shape as field errors, not crashes', async () => {
    await expectIssue(submit({ username: 42, firstName: 'A', lastName: 'B', phone: '555-555-1234' }), 'username', 'invalid_format');
    await expectIssue(submit({ firstName: 'A', lastName: 'B', phone: '555-555-1234' }), 'username', 'required');
    await expectIssue(submit(janeDoe({ userType: 'wizard' as never })), 'userType', 'invalid_format');
  });

  it('accepts unicode names and international phones, stored as E.164', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'elodie', firstName: 'Élodie', lastName: 'Ñúñez', phone: '+44 20 7946 0958' }));
    expect(user.phone).toBe('+442079460958');
    expect(await verifyPassword('Éñ442079460958!!', (await storedUser(database.db, 'elodie'))!.passwordHash!)).toBe(true);
  });

  it('lets only portal admins choose a CUCM cluster', async () => {
    await expectIssue(submit(janeDoe({ clusterKey: 'cucm-apac' })), 'clusterKey', 'not_allowed');
    const admin = await userThroughApproval(deps, portalAdmin, janeDoe({ clusterKey: 'cucm-apac' }));
    expect(admin.clusterKey).toBe('cucm-apac');
    await expectIssue(submit(janeDoe({ clusterKey: 'cucm-mars' }), portalAdmin), 'clusterKey', 'unknown_reference');
  });

  it('uses a typed password as a one-time password, refusing one that contains the username', async () => {
    await expectIssue(submit(janeDoe({ username: 'typist', password: 'typist-Secret-2026' })), 'password', 'password_contains_username');
    const typed = await userThroughApproval(deps, requester, janeDoe({ username: 'typist', password: 'Correct-Horse-9' }));
    expect(await firstAudit(typed.id)).toMatchObject({ passwordKind: 'typed' });
    const row = await storedUser(database.db, 'typist');
    expect(row?.passwordOneTime).toBe(true);
    expect(await verifyPassword('Correct-Horse-9', row!.passwordHash!)).toBe(true);
  });

  it('gives a random one-time password under PASSWORD_POLICY=random', async () => {
    const random = { ...deps, settings: { ...settings, passwordPolicy: 'random' as const } };
    const input: CreateUserInput = janeDoe({ username: 'randomized', email: 'randomized@example.com' });
    // Under this policy the email must belong to a Slack member: the Slack layer answers this port.
    const submitted = await submitUserRequest(random, requester, { kind: 'create_user', input }, { findSlackMember: (email) => Promise.resolve(email === 'randomized@example.com' ? 'member' : 'no_member') });
    const result = await approveRequest(random, approver, submitted.id, { allowSelfApproval: false, accountUrl: 'https://provisioning.example.com/account' });
    expect(result.outcome).toBe('completed');
    const row = await storedUser(database.db, 'randomized');
    expect(await firstAudit(row!.id)).toMatchObject({ passwordKind: 'random' });
    const dm = (await notificationsOfRequest(database.db, submitted.id)).find((n) => n.topic === 'welcome_dm');
    const oneTime = (dm?.payload as { oneTimePassword?: string } | undefined)?.oneTimePassword;
    expect(oneTime).toBeDefined();
    expect(oneTime).not.toBe('Jd5555551234!!');
    expect(await verifyPassword(oneTime!, row!.passwordHash!)).toBe(true);
  });

  it('lets exactly one of two concurrent requests for the same username in; the other gets the field error, and the suggestion once it exists', async () => {
    const before = await rowCountsWithRequests(database.db);
    const results = await Promise.allSettled([submit(janeDoe({ username: 'racer' })), submit(janeDoe({ username: 'RACER' }))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(InvalidInput);
    expect((loser?.reason as InvalidInput).issues[0]).toMatchObject({ field: 'username', code: 'username_taken' });
    expect((await rowCountsWithRequests(database.db)).requests).toBe(before.requests + 1);

    const winner = results.find((r) => r.status === 'fulfilled')!;
    expect((await approveRequest(deps, approver, winner.value.id, { allowSelfApproval: false, accountUrl: 'https://provisioning.example.com/account' })).outcome).toBe('completed');
    expect((await rowCounts(database.db)).users).toBe(before.users + 1);
    // The loser's retry meets the user now, with a free name to take.
    await expect(submit(janeDoe({ username: 'RACER' }))).rejects.toMatchObject({ issues: [{ field: 'username', code: 'username_taken', suggestion: 'racer2' }] });
  });
});
