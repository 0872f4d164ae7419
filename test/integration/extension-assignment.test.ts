import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { assignExtensionIfFree, findExtensionById, findExtensionOfUser, releaseExtensionOfUser } from '../../src/db/repositories/extensions.js';
import { findRequestById } from '../../src/db/repositories/requests.js';
import { extensions, requests, users } from '../../src/db/schema/index.js';
import { generateDeviceSecret } from '../../src/domain/device-secret.js';
import { isInvalidInput } from '../../src/domain/errors.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest, type ApproveResult } from '../../src/services/decide-request.js';
import { editFormData, submitEditRequest } from '../../src/services/edit-user.js';
import { reassignmentTarget, submitReassignment, submitUnassignment, unassignmentTarget } from '../../src/services/extension-assignment.js';
import { executePlan, explainExecutionError, planRequest } from '../../src/services/request-execution.js';
import { expectIssue } from '../support/expect-issue.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData, softphone } from '../support/fixtures.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const options = { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' };

describe(`extension reassignment and unassignment: checks, races, versions (${testDriver})`, () => {
  let database: Database;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 12 });
    await seedDemoReferenceData(database.db);
    deps = depsFor(database.db);
  });
  afterAll(() => database.close());

  const expectOutcome = <O extends ApproveResult['outcome']>(result: ApproveResult, outcome: O): Extract<ApproveResult, { outcome: O }> => {
    expect(result.outcome, JSON.stringify(result)).toBe(outcome);
    return result as Extract<ApproveResult, { outcome: O }>;
  };
  const agent = async (username: string) => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username, userType: 'agent', extensionNumber: extension.number }));
    return { user, extension };
  };
  const agentWithout = async (username: string) => {
    const { user } = await agent(username);
    const target = await unassignmentTarget(deps, { username });
    const submitted = await submitUnassignment(deps, requester, { extensionId: target.extension.id, holderId: user.id, reason: null });
    expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'completed');
    return user;
  };
  const reassign = async (number: number, to: string) => {
    const target = await reassignmentTarget(deps, { number, recipientUsername: to });
    return submitReassignment(deps, requester, { extensionId: target.extension.id, holderId: target.holder?.userId ?? null, recipientId: target.recipient!.userId, reason: 'Team change' });
  };

  it('an edit of the old holder made before the reassignment fails once it is carried out: their version moved on', async () => {
    const { user: a, extension } = await agent('xeditold');
    await agentWithout('xeditnew');
    const { look } = await editFormData(deps, requester, 'xeditold');
    const { collectionIds, extensionNumber: _n, ...fields } = look;
    const edit = await submitEditRequest(deps, requester, { username: 'xeditold', version: a.version, input: { ...fields, collectionIds: [...collectionIds], extensionNumber: String(extension.number), notes: 'Stale note' } });
    const reassigned = await reassign(extension.number, 'xeditnew');
    expectOutcome(await approveRequest(deps, approver, reassigned.id, options), 'completed');
    const failed = expectOutcome(await approveRequest(deps, approver, edit.id, options), 'failed');
    expect(failed.reason).toMatch(/changed/);
    expect((await database.db.select().from(users).where(eq(users.id, a.id)))[0]?.notes ?? null).toBeNull();
  });

  it('a reassignment of a free extension assigns it; two approvals at once carry it out once', async () => {
    const free = await extensionThroughApproval(deps, requester, softphone());
    const b = await agentWithout('xfreeto');
    const submitted = await reassign(free.number, 'xfreeto');
    expect(submitted.payload).toMatchObject({ holder: null, recipient: { username: 'xfreeto' } });
    const results = await Promise.all([approveRequest(deps, approver, submitted.id, options), approveRequest(deps, approver, submitted.id, options)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already_decided', 'completed']);
    expect((await findExtensionById(database.db, free.id))?.assignedUserId).toBe(b.id);
    expect((await database.db.select().from(users).where(eq(users.id, b.id)))[0]?.version).toBe(b.version + 2);
  });

  it('a recipient deactivated, or given another extension, before approval: the request fails with why, nothing moves', async () => {
    const { user: a, extension } = await agent('xkeep1');
    await agentWithout('xleaves');
    const leaving = await reassign(extension.number, 'xleaves');
    await deactivationThroughApproval(deps, requester, 'xleaves');
    expect(expectOutcome(await approveRequest(deps, approver, leaving.id, options), 'failed').reason).toMatch('xleaves is deactivated');
    expect((await findExtensionById(database.db, extension.id))?.assignedUserId).toBe(a.id);

    const got = await agentWithout('xgotone');
    const other = await extensionThroughApproval(deps, requester, softphone());
    const submitted = await reassign(extension.number, 'xgotone');
    await assignExtensionIfFree(database.db, other.id, got.id);
    expect(expectOutcome(await approveRequest(deps, approver, submitted.id, options), 'failed').reason).toMatch(`xgotone already has extension ${other.number}; unassign it first`);
    expect((await findExtensionById(database.db, extension.id))?.assignedUserId).toBe(a.id);
  });

  it('between the checks and the writes: a holder who changed frees nothing, a recipient who got one is refused by the database; all rolled back', async () => {
    const { user: a, extension } = await agent('xracefrom');
    const b = await agentWithout('xraceto');
    const submitted = await reassign(extension.number, 'xraceto');
    const run = async () => {
      const request = (await findRequestById(database.db, submitted.id))!;
      const plan = await planRequest(deps, request);
      return { request, plan };
    };
    const context = { now: new Date(), tenantSuffix: 'abc', accountUrl: options.accountUrl };

    // The holder gives the extension up after the plan was made.
    const first = await run();
    const bVersion = (await database.db.select().from(users).where(eq(users.id, b.id)))[0]!.version;
    await releaseExtensionOfUser(database.db, a.id, generateDeviceSecret());
    const err = await database.db.transaction((tx) => executePlan(tx, approver, first.request, first.plan, context)).catch((e: unknown) => e);
    expect(isInvalidInput(err) && err.issues[0]?.message).toMatch(`Extension ${extension.number} changed hands since this request was made: it was held by xracefrom, it is free now`);
    expect((await database.db.select().from(users).where(eq(users.id, b.id)))[0]?.version).toBe(bVersion);
    await assignExtensionIfFree(database.db, extension.id, a.id);

    // The recipient gets another extension after the plan was made: extensions_assigned_user refuses.
    const second = await run();
    const other = await extensionThroughApproval(deps, requester, softphone());
    await assignExtensionIfFree(database.db, other.id, b.id);
    const raw = await database.db.transaction((tx) => executePlan(tx, approver, second.request, second.plan, context)).catch((e: unknown) => e);
    const explained = await explainExecutionError(database.db, raw, second.plan);
    expect(isInvalidInput(explained) && explained.issues[0]?.message).toBe('xraceto got another extension meanwhile; unassign it first');
    expect((await findExtensionOfUser(database.db, a.id))?.id).toBe(extension.id);
    expect((await findExtensionOfUser(database.db, b.id))?.id).toBe(other.id);
  });

  it('the submission is checked against the form: an extension that changed hands since, a recipient who is not eligible, a reason too long', async () => {
    const { user: a, extension } = await agent('xformfrom');
    const b = await agentWithout('xformto');
    const before = (await database.db.select().from(requests)).length;
    await expectIssue(submitReassignment(deps, requester, { extensionId: extension.id, holderId: null, recipientId: b.id }), 'extension', 'user_changed');
    await expectIssue(submitReassignment(deps, requester, { extensionId: extension.id, holderId: a.id, recipientId: a.id }), 'recipient', 'invalid_transition');
    await expectIssue(submitReassignment(deps, requester, { extensionId: extension.id, holderId: a.id, recipientId: b.id, reason: 'x'.repeat(501) }), 'reason', 'too_long');
    await expectIssue(submitUnassignment(deps, requester, { extensionId: 2_000_000, holderId: a.id }), 'extension', 'not_found');
    expect((await database.db.select().from(requests)).length).toBe(before);
    // The device secret never enters a request.
    const secret = (await database.db.select().from(extensions).where(eq(extensions.id, extension.id)))[0]!.deviceSecret;
    const stored = await reassign(extension.number, 'xformto');
    expect(JSON.stringify(stored.payload)).not.toContain(secret);
  });
});
