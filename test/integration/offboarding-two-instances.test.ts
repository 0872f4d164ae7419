import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { auditEvents, jobs, requests, users } from '../../src/db/schema/index.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { offboardingTarget, submitDeactivation } from '../../src/services/offboarding.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { approver, extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';

const USERS = 6;

/**
 * Scheduled offboardings with several instances on one Postgres: each is carried out exactly once
 * however many sweepers run at once, and one whose time passed while every instance was down runs at
 * the next start. Postgres only: PGlite is one process.
 */
describe.runIf(testDriver === 'postgres')('scheduled offboarding, two instances, one Postgres', () => {
  let a: TestBot;
  let b: TestBot;
  let c: TestBot | undefined;
  beforeAll(async () => {
    a = await startTestBot();
    b = await startTestBot({}, { sameAs: a });
  });
  afterAll(async () => {
    await c?.close();
    await b?.close().catch(() => undefined);
    await a?.close().catch(() => undefined);
  });

  /** An agent offboarding approved ahead of its time, then made due (its time "passed"). */
  async function scheduledAndDue(t: TestBot, username: string) {
    const deps = depsFor(t.db, { now: () => new Date() });
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username, userType: 'agent', extensionNumber: extension.number }));
    const target = await offboardingTarget(deps, username);
    const submitted = await submitDeactivation(deps, requester, { userId: target.id, version: target.version, reason: 'Contract ends', effectiveAt: new Date(Date.now() + 3_600_000) });
    const approved = await approveRequest(deps, approver, submitted.id, { allowSelfApproval: false, accountUrl: 'https://x.example/account' });
    expect(approved.outcome).toBe('scheduled');
    await t.db.update(requests).set({ effectiveAt: new Date(Date.now() - 1000) }).where(eq(requests.id, submitted.id));
    return { user, requestId: submitted.id };
  }

  const deactivations = async (t: TestBot, userIds: number[]) =>
    (await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'user.deactivated'), inArray(auditEvents.entityId, userIds.map(String))))).length;

  it('several sweepers on two instances at once carry out each due offboarding exactly once', { timeout: 120_000 }, async () => {
    const due = [];
    for (let i = 0; i < USERS; i++) due.push(await scheduledAndDue(a, `sched${i}`));
    await Promise.all([a.bot.sweeper.runOnce(), b.bot.sweeper.runOnce(), a.bot.sweeper.runOnce(), b.bot.sweeper.runOnce()]);
    const ids = due.map((d) => d.requestId);
    expect((await a.db.select().from(requests).where(inArray(requests.id, ids))).map((r) => r.state)).toEqual(Array(USERS).fill('completed'));
    const userIds = due.map((d) => d.user.id);
    expect((await a.db.select().from(users).where(inArray(users.id, userIds))).map((u) => [u.status, u.version])).toEqual(Array(USERS).fill(['deactivated', 2]));
    expect(await deactivations(a, userIds)).toBe(USERS);
    const released = await a.db.select().from(auditEvents).where(eq(auditEvents.action, 'extension.released'));
    expect(released.filter((e) => userIds.includes((e.details as { fromUserId: number }).fromUserId))).toHaveLength(USERS);
    const done = await notificationRows(a.db, and(inArray(jobs.requestId, ids), eq(jobs.topic, 'request_completed')));
    expect(done).toHaveLength(USERS);
  });

  it('an offboarding whose time passed while every instance was down runs once at the next start', { timeout: 120_000 }, async () => {
    await b.bot.stop();
    const { user, requestId } = await scheduledAndDue(a, 'whiledown');
    // Its time has passed; the last instance stops before any sweep of it (the next is a minute away).
    await a.bot.stop();
    c = await startTestBot({}, { sameAs: a });
    await expect.poll(async () => (await c!.db.select().from(requests).where(eq(requests.id, requestId)))[0]?.state, { timeout: 20_000 }).toBe('completed');
    expect((await c.db.select().from(users).where(eq(users.id, user.id)))[0]?.status).toBe('deactivated');
    await c.bot.sweeper.runOnce();
    expect(await deactivations(c, [user.id])).toBe(1);
  });
});
