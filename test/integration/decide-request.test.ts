import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { findRequestById } from '../../src/db/repositories/requests.js';
import { collections, extensions } from '../../src/db/schema/index.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest, rejectRequest, remindAndExpire, type ApproveResult } from '../../src/services/decide-request.js';
import { submitExtensionRequest, submitUserRequest } from '../../src/services/submit-request.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { expectIssue } from '../support/expect-issue.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, settings, softphone, testClock } from '../support/fixtures.js';
import { rowCounts, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const options = { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' };

describe(`deciding requests (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let collectionIds: number[];

  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 12 });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    collectionIds = (await database.db.select({ id: collections.id }).from(collections)).map((c) => c.id).sort((a, b) => a - b);
  });
  afterAll(() => database.close());

  const submitUser = async (input: Parameters<typeof janeDoe>[0], extra: { kind?: 'create_user' | 'clone_user'; newExtension?: ReturnType<typeof softphone> } = {}) =>
    (await submitUserRequest(deps, requester, { kind: extra.kind ?? 'create_user', input: janeDoe(input), ...(extra.newExtension ? { newExtension: extra.newExtension } : {}) })).id;
  const topics = async (requestId: string) => (await notificationsOfRequest(database.db, requestId)).map((n) => n.topic).sort();
  const expectOutcome = <O extends ApproveResult['outcome']>(result: ApproveResult, outcome: O): Extract<ApproveResult, { outcome: O }> => {
    expect(result.outcome, JSON.stringify(result)).toBe(outcome);
    return result as Extract<ApproveResult, { outcome: O }>;
  };

  it('approves Jane Doe: one user with the default password hash and expiry, her collections, audit rows and the notifications queued', async () => {
    const chosen = [collectionIds[1]!, collectionIds[4]!];
    const id = await submitUser({ username: 'jane.doe', email: 'jane.doe@example.com', collectionIds: chosen });
    const before = await rowCounts(database.db);

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'completed');

    expect(result.request).toMatchObject({ id, state: 'completed', approverId: approver.id, decidedAt: deps.now(), resultUserId: result.user!.id, resultExtensionId: null });
    expect(result.user).toMatchObject({ username: 'jane.doe', agentId: null, userType: 'non_agent', createdBy: approver.id });
    expect(result.user).not.toHaveProperty('passwordHash');
    expect(result.extension).toBeUndefined();
    expect((await rowCounts(database.db)).users).toBe(before.users + 1);
    const row = await storedUser(database.db, 'jane.doe');
    expect(await verifyPassword('Jd5555551234!!', row!.passwordHash!)).toBe(true);
    expect(row).toMatchObject({ passwordOneTime: true, passwordExpiresAt: new Date(deps.now().getTime() + 72 * 3_600_000) });
    expect(await collectionIdsOfUserForTest(database.db, row!.id)).toEqual(chosen);

    const requestTrail = await auditTrailOf(database.db, 'request', id);
    expect(requestTrail.map((a) => [a.action, a.actor])).toEqual([
      ['request.submitted', requester.id],
      ['request.approved', approver.id],
      ['request.completed', approver.id],
    ]);
    const userTrail = await auditTrailOf(database.db, 'user', row!.id);
    expect(userTrail).toMatchObject([{ action: 'user.created', actor: approver.id, details: { requestId: id, requestedBy: requester.id, passwordKind: 'default' } }]);

    const queued = await notificationsOfRequest(database.db, id);
    expect(queued.map((n) => [n.topic, n.channel]).sort()).toEqual([
      ['request_completed', 'slack_post'],
      ['welcome_dm', 'slack_dm'],
      ['welcome_email', 'email'],
    ]);
    expect(queued.every((n) => n.state === 'queued')).toBe(true);
    const notice = queued.find((n) => n.topic === 'request_completed')!;
    expect(notice.payload).toMatchObject({ channel: requester.id });
    expect(String((notice.payload as { text: string }).text)).toContain('jane.doe@abc');
    expect(queued.find((n) => n.topic === 'welcome_email')?.payload).toMatchObject({ to: { address: 'jane.doe@example.com' } });
    expect(JSON.stringify([queued, requestTrail, userTrail])).not.toContain('Jd5555551234');
  });

  it('approves an agent request with a new extension: agent ID from 1001, the extension created and assigned', async () => {
    const id = await submitUser({ username: 'agent.new', userType: 'agent' }, { newExtension: softphone({ deviceName: 'Agent New softphone' }) });

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'completed');

    expect(result.user!.agentId).toBeGreaterThanOrEqual(1001);
    expect(result.extension).toMatchObject({ deviceName: 'Agent New softphone', assignedUserId: result.user!.id });
    expect(result.extension).not.toHaveProperty('deviceSecret');
    expect(result.extension!.number).toBeGreaterThanOrEqual(1000);
    expect(result.request).toMatchObject({ resultUserId: result.user!.id, resultExtensionId: result.extension!.id });
    const stored = await findExtensionByNumber(database.db, result.extension!.number);
    expect(stored?.assignedUserId).toBe(result.user!.id);
    expect(stored?.deviceSecret.length).toBeGreaterThanOrEqual(32);
    const queued = await notificationsOfRequest(database.db, id);
    expect(JSON.stringify(queued)).not.toContain(stored!.deviceSecret);
  });

  it('approves an agent request for an existing free extension', async () => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const id = await submitUser({ userType: 'supervisor', extensionNumber: String(extension.number) });
    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'completed');
    expect(result.user!.agentId).toBeGreaterThanOrEqual(1001);
    expect(result.extension).toMatchObject({ id: extension.id, number: extension.number, assignedUserId: result.user!.id });
    expect(result.request.resultExtensionId).toBe(extension.id);
    expect((await findExtensionByNumber(database.db, extension.number))?.assignedUserId).toBe(result.user!.id);
  });

  it('approves a clone request: the source user’s site, department and collections are copied', async () => {
    const sourceCollections = [collectionIds[0]!, collectionIds[2]!, collectionIds[3]!];
    await userThroughApproval(deps, requester, janeDoe({ username: 'cl.source', siteKey: 'tampa-fl', departmentKey: 'billing-support', collectionIds: sourceCollections }));
    const id = await submitUser({ username: 'cl.new', firstName: 'Nia', lastName: 'Newbie', sourceUsername: 'cl.source' } as never, { kind: 'clone_user' });

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'completed');

    expect(result.user).toMatchObject({ username: 'cl.new', siteKey: 'tampa-fl', departmentKey: 'billing-support' });
    expect(await collectionIdsOfUserForTest(database.db, result.user!.id)).toEqual(sourceCollections);
    expect(await verifyPassword('Nn5555551234!!', (await storedUser(database.db, 'cl.new'))!.passwordHash!)).toBe(true);
    expect((await auditTrailOf(database.db, 'user', result.user!.id))[0]).toMatchObject({ action: 'user.cloned', details: { sourceUsername: 'cl.source', requestId: id } });
  });

  it('approves an extension request: the extension is created (next free number) and only the requester is told', async () => {
    const { id } = await submitExtensionRequest(deps, requester, softphone({ deviceName: 'Front desk' }));
    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'completed');
    expect(result.user).toBeUndefined();
    expect(result.extension).toMatchObject({ deviceName: 'Front desk', assignedUserId: null });
    expect(result.request.resultExtensionId).toBe(result.extension!.id);
    expect(await topics(id)).toEqual(['request_completed']);
  });

  it('draws another free number when parallel approvals of extension requests drew the same one', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (n) => (await submitExtensionRequest(deps, requester, softphone({ deviceName: `Pool ${n}` }))).id));
    const results = await Promise.all(ids.map((id) => approveRequest(deps, approver, id, options)));
    expect(results.map((r) => r.outcome)).toEqual(['completed', 'completed', 'completed']);
    const numbers = results.map((r) => (r.outcome === 'completed' ? r.extension!.number : 0));
    expect(new Set(numbers).size).toBe(3);
  });

  it('keeps a typed password: the hash from the request is the user’s', async () => {
    const id = await submitUser({ username: 'typed.pw', password: 'Correct-Horse-Battery-9' });
    expectOutcome(await approveRequest(deps, approver, id, options), 'completed');
    expect(await verifyPassword('Correct-Horse-Battery-9', (await storedUser(database.db, 'typed.pw'))!.passwordHash!)).toBe(true);
  });

  it('under PASSWORD_POLICY=random makes the one-time password at approval and puts it in the DM only', async () => {
    const random = { ...deps, settings: { ...settings, passwordPolicy: 'random' as const } };
    const id = await submitUser({ username: 'random.pw' });
    expectOutcome(await approveRequest(random, approver, id, options), 'completed');
    const queued = await notificationsOfRequest(database.db, id);
    const secret = (queued.find((n) => n.topic === 'welcome_dm')?.payload as { oneTimePassword?: string }).oneTimePassword;
    expect(secret).toMatch(/^.{20}$/);
    expect(await verifyPassword(secret!, (await storedUser(database.db, 'random.pw'))!.passwordHash!)).toBe(true);
    expect(JSON.stringify(queued.filter((n) => n.topic !== 'welcome_dm'))).not.toContain(secret);
    expect(JSON.stringify(await auditTrailOf(database.db, 'request', id))).not.toContain(secret);
  });

  it('lets exactly one of 10 parallel approvals of one request carry it out; the 9 others find it decided', async () => {
    const id = await submitUser({ username: 'tenclicks', userType: 'agent' }, { newExtension: softphone() });
    const before = await rowCounts(database.db);

    // Two app instances (their own deps: nothing shared in memory), five clicks each.
    const instances = [deps, { ...deps }];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => approveRequest(instances[i % 2]!, { id: `U0APPROVER${i}`, portalAdmin: false }, id, options)));

    expect(results.filter((r) => r.outcome === 'completed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'already_decided')).toHaveLength(9);
    for (const r of results) if (r.outcome === 'already_decided') expect(r.request.state).toBe('completed');
    const after = await rowCounts(database.db);
    expect(after.users).toBe(before.users + 1);
    expect(after.extensions).toBe(before.extensions + 1);
    expect(await topics(id)).toEqual(['request_completed', 'welcome_dm', 'welcome_email']);
    expect((await auditTrailOf(database.db, 'request', id)).map((a) => a.action)).toEqual(['request.submitted', 'request.approved', 'request.completed']);
  });

  it('rejects with a reason and tells the requester; approving or rejecting after that changes nothing', async () => {
    const id = await submitUser({ username: 'to.reject' });
    const rejected = await rejectRequest(deps, approver, id, '  Duplicate of an existing account <!channel>  ');
    expect(rejected).toMatchObject({ outcome: 'rejected', request: { state: 'rejected', approverId: approver.id, reason: 'Duplicate of an existing account <!channel>' } });
    const [notice] = await notificationsOfRequest(database.db, id);
    expect(notice).toMatchObject({ topic: 'request_rejected', channel: 'slack_post', payload: { channel: requester.id } });
    expect((notice!.payload as { text: string }).text).toContain('Duplicate of an existing account &lt;!channel&gt;');

    const before = await rowCounts(database.db);
    const late = await approveRequest(deps, { id: 'U0OTHER', portalAdmin: false }, id, options);
    expect(late).toMatchObject({ outcome: 'already_decided', request: { state: 'rejected' } });
    expect(await rejectRequest(deps, approver, id, 'again')).toMatchObject({ outcome: 'already_decided' });
    expect(await rowCounts(database.db)).toEqual(before);
    expect(await storedUser(database.db, 'to.reject')).toBeUndefined();
    expect(await topics(id)).toEqual(['request_rejected']);
  });

  it('refuses to reject without a reason (1–500 characters) and leaves the request pending', async () => {
    const id = await submitUser({});
    await expectIssue(rejectRequest(deps, approver, id, ''), 'reason', 'required');
    await expectIssue(rejectRequest(deps, approver, id, '   '), 'reason', 'required');
    await expectIssue(rejectRequest(deps, approver, id, 'x'.repeat(501)), 'reason', 'too_long');
    expect((await findRequestById(database.db, id))?.state).toBe('pending');
    expect((await rejectRequest(deps, approver, id, 'x'.repeat(500))).outcome).toBe('rejected');
  });

  it('fails a request whose email was taken meanwhile, leaving nothing but the requester’s notice', async () => {
    // One open request per username is the database's rule, so the directory changes under a waiting
    // request by another request approved first: here, for the same email.
    const id = await submitUser({ username: 'taken.later', email: 'taken.later@example.com', userType: 'agent' }, { newExtension: softphone() });
    await userThroughApproval(deps, requester, janeDoe({ username: 'took.it', email: 'Taken.Later@example.com' }));
    const before = await rowCounts(database.db);

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'failed');

    expect(result.reason).toBe('Email taken.later@example.com is already used by another user');
    expect(result.request).toMatchObject({ state: 'failed', reason: result.reason, approverId: approver.id, resultUserId: null });
    const after = await rowCounts(database.db);
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect(await topics(id)).toEqual(['request_failed']);
    expect((await auditTrailOf(database.db, 'request', id)).map((a) => a.action)).toEqual(['request.submitted', 'request.approved', 'request.failed']);
    expect(await approveRequest(deps, approver, id, options)).toMatchObject({ outcome: 'already_decided' });
  });

  it('fails a request whose extension number was taken meanwhile', async () => {
    const id = await submitUser({ username: 'ext.taken', userType: 'agent' }, { newExtension: softphone({ extensionNumber: '1500' }) });
    await extensionThroughApproval(deps, requester, softphone({ extensionNumber: '1500' }));
    const before = await rowCounts(database.db);

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'failed');

    expect(result.reason).toMatch(/^Extension 1500 is already taken/);
    expect(await storedUser(database.db, 'ext.taken')).toBeUndefined();
    expect((await rowCounts(database.db)).extensions).toBe(before.extensions);
    expect(await topics(id)).toEqual(['request_failed']);
  });

  it('fails a request whose existing extension was assigned to someone else meanwhile', async () => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const id = await submitUser({ username: 'ext.assigned', userType: 'agent', extensionNumber: extension.number });
    await userThroughApproval(deps, requester, janeDoe({ username: 'ext.first', userType: 'agent', extensionNumber: extension.number }));

    const result = expectOutcome(await approveRequest(deps, approver, id, options), 'failed');
    expect(result.reason).toBe(`Extension ${extension.number} is already assigned to ext.first`);
    expect(await storedUser(database.db, 'ext.assigned')).toBeUndefined();
  });

  it('rolls back everything when the database refuses the work midway (two requests for one email approved together)', async () => {
    const email = 'shared.inbox@example.com';
    const first = await submitUser({ username: 'race.one', email, userType: 'agent' }, { newExtension: softphone({ extensionNumber: '5010' }) });
    const second = await submitUser({ username: 'race.two', email, userType: 'agent' }, { newExtension: softphone({ extensionNumber: '5011' }) });
    const before = await rowCounts(database.db);

    const results = await Promise.all([approveRequest(deps, approver, first, options), approveRequest(deps, approver, second, options)]);

    expect(results.map((r) => r.outcome).sort()).toEqual(['completed', 'failed']);
    const failed = results.find((r) => r.outcome === 'failed') as Extract<ApproveResult, { outcome: 'failed' }>;
    expect(failed.reason).toContain('shared.inbox@example.com');
    const after = await rowCounts(database.db);
    expect(after.users).toBe(before.users + 1);
    expect(after.extensions).toBe(before.extensions + 1);
    expect(await topics(failed.request.id)).toEqual(['request_failed']);
    const leftover = await database.db.select().from(extensions).where(eq(extensions.number, failed.request.id === first ? 5010 : 5011));
    expect(leftover).toEqual([]);
  });

  it('refuses self-approval unless the operator allows it', async () => {
    const id = await submitUser({ username: 'self.made' });
    const refused = await approveRequest(deps, requester, id, options);
    expect(refused).toMatchObject({ outcome: 'not_allowed' });
    expect((await findRequestById(database.db, id))?.state).toBe('pending');
    expect(await topics(id)).toEqual([]);

    const allowed = expectOutcome(await approveRequest(deps, requester, id, { ...options, allowSelfApproval: true }), 'completed');
    expect(allowed.request.approverId).toBe(requester.id);
  });

  it('answers not_found for a request that does not exist', async () => {
    await expectIssue(approveRequest(deps, approver, '00000000-0000-4000-8000-000000000000', options), 'requestId', 'not_found');
    await expectIssue(rejectRequest(deps, approver, '00000000-0000-4000-8000-000000000000', 'no'), 'requestId', 'not_found');
  });

  it('reminds approvers of a waiting request once per period, then expires it and tells the requester', async () => {
    // Long before the other tests' requests, so this sweep touches only its own.
    const clock = testClock(new Date('2020-01-01T09:00:00Z'));
    const timed = { ...deps, now: clock.now };
    const hours = { remindAfterHours: 24, expireAfterHours: 168 };
    const id = (await submitUserRequest(timed, requester, { kind: 'create_user', input: janeDoe({ username: 'slowpoke' }) })).id;
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

    clock.advanceHours(23);
    expect(await remindAndExpire(timed, hours)).toEqual({ reminded: [], expired: [] });

    clock.advanceHours(2);
    const first = await remindAndExpire(timed, hours);
    expect(ids(first.reminded)).toEqual([id]);
    expect(first.reminded[0]).toMatchObject({ state: 'pending', remindedAt: clock.now() });
    expect(ids((await remindAndExpire(timed, hours)).reminded)).toEqual([]);
    clock.advanceHours(12);
    expect(ids((await remindAndExpire(timed, hours)).reminded)).toEqual([]);
    clock.advanceHours(12);
    expect(ids((await remindAndExpire(timed, hours)).reminded)).toEqual([id]);

    clock.advanceHours(120);
    const swept = await remindAndExpire(timed, hours);
    expect(swept.reminded).toEqual([]);
    expect(ids(swept.expired)).toEqual([id]);
    expect(swept.expired[0]).toMatchObject({ state: 'expired', decidedAt: clock.now(), reason: 'No approver decided within 168 hours' });
    expect(await topics(id)).toEqual(['request_expired']);
    expect((await auditTrailOf(database.db, 'request', id)).map((a) => [a.action, a.actor])).toEqual([
      ['request.submitted', requester.id],
      ['request.reminded', 'system'],
      ['request.reminded', 'system'],
      ['request.expired', 'system'],
    ]);
    expect(await remindAndExpire(timed, hours)).toEqual({ reminded: [], expired: [] });
    expect(await approveRequest(timed, approver, id, options)).toMatchObject({ outcome: 'already_decided', request: { state: 'expired' } });
  });

  it('expires each request once when two sweeps run together', async () => {
    const clock = testClock(new Date('2019-01-01T09:00:00Z'));
    const timed = { ...deps, now: clock.now };
    const id = (await submitUserRequest(timed, requester, { kind: 'create_user', input: janeDoe({}) })).id;
    clock.advanceHours(200);
    const [a, b] = await Promise.all([remindAndExpire(timed, { remindAfterHours: 24, expireAfterHours: 168 }), remindAndExpire(timed, { remindAfterHours: 24, expireAfterHours: 168 })]);
    expect([...a.expired, ...b.expired].map((r) => r.id)).toEqual([id]);
    expect(await topics(id)).toEqual(['request_expired']);
  });
});
