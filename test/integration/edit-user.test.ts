import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber, findExtensionOfUser } from '../../src/db/repositories/extensions.js';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { findRequestById } from '../../src/db/repositories/requests.js';
import { findUserByUsername, markUserDeactivated } from '../../src/db/repositories/users.js';
import { collections, requests, users } from '../../src/db/schema/index.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest, type ApproveResult } from '../../src/services/decide-request.js';
import { editFormData, submitEditRequest } from '../../src/services/edit-user.js';
import { submitDeactivation } from '../../src/services/offboarding.js';
import { executePlan, planRequest } from '../../src/services/request-execution.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { expectIssue } from '../support/expect-issue.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { rowCounts, storedUser } from '../support/queries.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, extensionThroughApproval, setupRequester, userThroughApproval } from '../support/through-approval.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const secondApprover: Actor = { id: 'U0APPROVER2', portalAdmin: false };
const options = { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' };

describe(`editing users: checks, approval, races (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  let collectionIdsByName: Map<string, number>;

  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 12 });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
    collectionIdsByName = new Map((await database.db.select().from(collections)).map((c) => [c.name, c.id]));
  });
  afterAll(() => database.close());

  const idOf = (name: string) => collectionIdsByName.get(name)!;
  const requestCount = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;
  const expectOutcome = <O extends ApproveResult['outcome']>(result: ApproveResult, outcome: O): Extract<ApproveResult, { outcome: O }> => {
    expect(result.outcome, JSON.stringify(result)).toBe(outcome);
    return result as Extract<ApproveResult, { outcome: O }>;
  };

  /** An edit as the form submits it: the user as they are now, with `changes` over it. */
  async function edit(username: string, changes: Record<string, unknown> = {}, extra: { newExtension?: ReturnType<typeof softphone>; version?: number } = {}) {
    const { user, look } = await editFormData(deps, requester, username);
    const { collectionIds, extensionNumber, ...fields } = look;
    return {
      username,
      version: extra.version ?? user.version,
      input: { ...fields, collectionIds: [...collectionIds], extensionNumber: typeof extensionNumber === 'number' ? String(extensionNumber) : undefined, ...changes },
      ...(extra.newExtension ? { newExtension: extra.newExtension } : {}),
    };
  }

  it('applies an approved move: site, collections and notes change, version 2, one audit row with before/after, the requester told, no welcome', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'mover', siteKey: 'austin-tx', collectionIds: [idOf('Austin Site'), idOf('All Staff')] }));
    const submitted = await submitEditRequest(deps, requester, await edit('mover', { siteKey: 'tampa-fl', collectionIds: [idOf('All Staff'), idOf('Tampa Site')], notes: 'Moved to Tampa' }));
    const stored = await findRequestById(database.db, submitted.id);
    expect(stored).toMatchObject({ kind: 'edit_user', state: 'pending', targetUserId: user.id });
    expect(submitted.payload).toMatchObject({ userId: user.id, version: 1, before: { siteKey: 'austin-tx' }, after: { siteKey: 'tampa-fl', notes: 'Moved to Tampa' } });

    const result = expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'completed');
    expect(result.user).toMatchObject({ username: 'mover', siteKey: 'tampa-fl', notes: 'Moved to Tampa', version: 2 });
    expect(await collectionIdsOfUserForTest(database.db, user.id)).toEqual([idOf('All Staff'), idOf('Tampa Site')].sort((a, b) => a - b));
    const edited = (await auditTrailOf(database.db, 'user', user.id)).filter((e) => e.action === 'user.edited');
    expect(edited).toHaveLength(1);
    const details = edited[0]!.details as { requestId: string; changes: unknown[] };
    expect(details.requestId).toBe(submitted.id);
    expect(details.changes).toEqual([
      { field: 'siteKey', before: 'austin-tx', after: 'tampa-fl' },
      { field: 'notes', before: null, after: 'Moved to Tampa' },
      { field: 'collectionIds', added: [idOf('Tampa Site')], removed: [idOf('Austin Site')] },
    ]);
    expect(JSON.stringify(edited[0]!.details)).not.toMatch(/password|scrypt/i);
    const notes = await notificationsOfRequest(database.db, submitted.id);
    expect(notes.map((n) => n.topic)).toEqual(['request_completed']);
    const text = JSON.stringify(notes[0]!.payload);
    expect(text).toContain('Site: Austin, TX → Tampa, FL');
    expect(text).toContain('Collections: +Tampa Site, −Austin Site');
  });

  it('refuses a submission that changes nothing, an unknown or deactivated user, a taken email, and a second open change, storing nothing', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'same', email: 'same@example.com' }));
    await userThroughApproval(deps, requester, janeDoe({ username: 'other', email: 'other@example.com' }));
    const gone = await userThroughApproval(deps, requester, janeDoe({ username: 'gone' }));
    await deactivationThroughApproval(deps, setupRequester, 'gone');
    const before = { ...(await rowCounts(database.db)), requests: await requestCount() };

    expect((await expectIssue(submitEditRequest(deps, requester, await edit('same')), 'changes', 'invalid_format')).message).toMatch(/Nothing changed/);
    // Its own email is no conflict; someone else's is, worded as creation words it.
    expect((await expectIssue(submitEditRequest(deps, requester, await edit('same', { email: 'OTHER@example.com' })), 'email', 'email_in_use')).message).toMatch(/already used by another user/);
    // Creation's rules apply as they are: the phone's digits, a name's length.
    await expectIssue(submitEditRequest(deps, requester, await edit('same', { phone: '+1 555 555 1234 5678 999' })), 'phone', 'phone_too_long');
    await expectIssue(submitEditRequest(deps, requester, { ...(await edit('same')), username: 'nobody' }), 'username', 'not_found');
    await expectIssue(editFormData(deps, requester, 'nobody'), 'username', 'not_found');
    await expectIssue(editFormData(deps, requester, 'gone'), 'username', 'already_deactivated');
    expect(gone.status).toBe('active');
    expect({ ...(await rowCounts(database.db)), requests: await requestCount() }).toMatchObject({ users: before.users, audit: before.audit, requests: before.requests });

    // Two identical submissions at once: the unique index keeps one; the other is told why.
    const twin = await edit('same', { siteKey: 'manila-ph' });
    const results = await Promise.allSettled([submitEditRequest(deps, requester, twin), submitEditRequest(deps, requester, twin)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/same already has an edit waiting for approval/);
    const open = await database.db.select().from(requests).where(eq(requests.kind, 'edit_user'));
    expect(open.filter((r) => r.state === 'pending' && (r.payload as { username: string }).username === 'same')).toHaveLength(1);
    // A later one is refused before anything is stored, and the form would not even open.
    await expectIssue(submitEditRequest(deps, requester, twin), 'username', 'not_allowed');
    await expectIssue(editFormData(deps, requester, 'same'), 'username', 'not_allowed');
  });

  it('two approvers at once apply an edit once', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'raced', siteKey: 'austin-tx' }));
    const submitted = await submitEditRequest(deps, requester, await edit('raced', { siteKey: 'remote' }));
    const outcomes = await Promise.all([approveRequest(deps, approver, submitted.id, options), approveRequest(deps, secondApprover, submitted.id, options)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already_decided', 'completed']);
    expect(await storedUser(database.db, 'raced')).toMatchObject({ siteKey: 'remote', version: 2 });
    expect((await auditTrailOf(database.db, 'user', user.id)).filter((e) => e.action === 'user.edited')).toHaveLength(1);
    expect(await notificationsOfRequest(database.db, submitted.id)).toHaveLength(1);
  });

  it('fails an approval when the user changed meanwhile, naming what changed, and changes nothing', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'stale', siteKey: 'austin-tx', departmentKey: 'sales' }));
    const submitted = await submitEditRequest(deps, requester, await edit('stale', { departmentKey: 'billing-support' }));
    // Another change (as a reactivation or an operator's fix would) moves the user on.
    await database.db.update(users).set({ siteKey: 'manila-ph', version: sql`${users.version} + 1` }).where(eq(users.id, user.id));
    const failed = expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'failed');
    expect(failed.reason).toMatch(/^The user changed since this request was made: Site is now Manila, PH\./);
    expect(await storedUser(database.db, 'stale')).toMatchObject({ departmentKey: 'sales', siteKey: 'manila-ph', version: 2 });
    expect((await notificationsOfRequest(database.db, submitted.id)).map((n) => n.topic)).toEqual(['request_failed']);
    expect(JSON.stringify((await notificationsOfRequest(database.db, submitted.id))[0]!.payload)).toContain('Nothing was changed');
  });

  it('the UPDATE itself refuses a stale version: a change between planning and writing writes nothing', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'between', siteKey: 'austin-tx' }));
    const submitted = await submitEditRequest(deps, requester, await edit('between', { siteKey: 'tampa-fl' }));
    const request = (await findRequestById(database.db, submitted.id))!;
    const plan = await planRequest(deps, request);
    await database.db.update(users).set({ description: 'Changed by someone else', version: sql`${users.version} + 1` }).where(eq(users.id, user.id));
    const write = database.db.transaction((tx) => executePlan(tx, approver, request, plan, { now: deps.now(), tenantSuffix: 'abc', accountUrl: options.accountUrl }));
    expect((await expectIssue(write, 'username', 'invalid_transition')).message).toMatch(/Description is now Changed by someone else/);
    expect(await storedUser(database.db, 'between')).toMatchObject({ siteKey: 'austin-tx', version: 2 });
  });

  it('fails an edit approved after the user was deactivated, with that reason', async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'leaver' }));
    const submitted = await submitEditRequest(deps, requester, await edit('leaver', { lastName: 'Doe-Smith' }));
    // Through the bot, an offboarding waits for the open edit (one change per user at a time)...
    const target = await findUserByUsername(database.db, 'leaver');
    await expectIssue(submitDeactivation(deps, setupRequester, { userId: target!.id, version: target!.version, reason: 'Left', effectiveAt: null }), 'username', 'change_pending');
    // ...so the user is deactivated outside it (by the portal, say), as the repository writes it.
    expect(await markUserDeactivated(database.db, { userId: target!.id, version: target!.version, by: 'U0PORTAL', at: new Date() })).toBeDefined();
    const failed = expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'failed');
    expect(failed.reason).toBe('leaver was deactivated since this request was made');
    expect(await storedUser(database.db, 'leaver')).toMatchObject({ lastName: 'Doe', status: 'deactivated' });
  });

  it('makes a non-agent an agent with a new extension set up in the same form, then an agent a non-agent again', async () => {
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'promoted' }));
    expect(user.agentId).toBeNull();
    // An agent needs an extension: none chosen is refused on the primary phone.
    await expectIssue(submitEditRequest(deps, requester, await edit('promoted', { userType: 'agent' })), 'extensionNumber', 'extension_required');
    const submitted = await submitEditRequest(deps, requester, await edit('promoted', { userType: 'agent', voicemailAccess: true }, { newExtension: softphone({ deviceName: 'Promoted softphone' }) }));
    expect(submitted.payload.after).toMatchObject({ userType: 'agent', extensionNumber: 'new' });
    const done = expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'completed');
    expect(done.user?.agentId).toBeGreaterThanOrEqual(1001);
    expect(done.extension).toMatchObject({ deviceName: 'Promoted softphone', assignedUserId: user.id });
    expect(done.request.resultExtensionId).toBe(done.extension!.id);
    const agentId = done.user!.agentId!;
    const number = done.extension!.number;

    const demoted = await submitEditRequest(deps, requester, await edit('promoted', { userType: 'non_agent' }));
    expect(demoted.payload.after.extensionNumber).toBeNull();
    expectOutcome(await approveRequest(deps, approver, demoted.id, options), 'completed');
    expect(await storedUser(database.db, 'promoted')).toMatchObject({ userType: 'non_agent', agentId: null, version: 3 });
    expect((await findExtensionByNumber(database.db, number))?.assignedUserId).toBeNull();
    const last = (await auditTrailOf(database.db, 'user', user.id)).filter((e) => e.action === 'user.edited').at(-1);
    const details = last?.details as { previousAgentId: number; changes: unknown[] };
    expect(details.previousAgentId).toBe(agentId);
    expect(details.changes).toEqual([
      { field: 'userType', before: 'agent', after: 'non_agent' },
      { field: 'extensionNumber', before: number, after: null },
    ]);
  });

  it('moves an agent to another free extension, freeing the old one; an extension held by someone else is refused', async () => {
    const first = await extensionThroughApproval(deps, requester, softphone());
    const second = await extensionThroughApproval(deps, requester, softphone());
    const held = await extensionThroughApproval(deps, requester, softphone());
    const agent = await userThroughApproval(deps, requester, janeDoe({ username: 'switcher', userType: 'agent', extensionNumber: first.number }));
    await userThroughApproval(deps, requester, janeDoe({ username: 'holder', userType: 'agent', extensionNumber: held.number }));
    await expectIssue(submitEditRequest(deps, requester, await edit('switcher', { extensionNumber: String(held.number) })), 'extensionNumber', 'extension_assigned');
    const submitted = await submitEditRequest(deps, requester, await edit('switcher', { extensionNumber: String(second.number) }));
    expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'completed');
    expect((await findExtensionOfUser(database.db, agent.id))?.number).toBe(second.number);
    expect((await findExtensionByNumber(database.db, first.number))?.assignedUserId).toBeNull();
    expect((await storedUser(database.db, 'switcher'))?.agentId).toBe(agent.agentId);
  });
});
