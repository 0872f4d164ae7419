import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, requestApprovals, requests, users } from '../../src/db/schema/index.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import type { Actor } from '../../src/services/context.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import type { SlackMessage } from '../support/slack-double.js';
import { fillView } from '../support/fill-view.js';
import { APPROVER, REQUESTER, sendBlockAction, sendViewSubmission } from '../support/slack-interactions.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval } from '../support/through-approval.js';

const ADA = 'U0ADA';
const BOB = 'U0BOB';
const textOf = (m: SlackMessage) => JSON.stringify(m.blocks ?? []);

/**
 * Four eyes end to end (TWO_APPROVALS_FOR=admin): the real bot, signed button clicks, the Slack double.
 * Requests are submitted through the use case and posted by the bot's sweeper, as after a Slack outage.
 */
describe(`four eyes for admins (${testDriver})`, () => {
  let t: TestBot;
  let n = 0;
  beforeAll(async () => {
    // The requester is an approver too, and self-approval is allowed: four eyes still refuses it.
    t = await startTestBot({ APPROVER_IDS: `${APPROVER},${ADA},${BOB},${REQUESTER}`, TWO_APPROVALS_FOR: 'admin,supervisor', ALLOW_SELF_APPROVAL: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A pending request for a user of this type, and its approval message as the bot posted it. */
  async function requestOf(userType: 'admin' | 'non_agent', by: Actor = requester): Promise<{ id: string; username: string; message: () => SlackMessage }> {
    n += 1;
    const username = `four${n}`;
    const deps = depsFor(t.db, { now: () => new Date() });
    const extension = userType === 'admin' ? await extensionThroughApproval(deps, by, softphone()) : undefined;
    const submitted = await submitUserRequest(deps, by, { kind: 'create_user', input: janeDoe({ username, userType, ...(extension ? { extensionNumber: String(extension.number) } : {}) }) });
    await t.bot.sweeper.runOnce();
    const [row] = await t.db.select().from(requests).where(eq(requests.id, submitted.id));
    expect(row?.approvalTs).toBeTruthy();
    return { id: submitted.id, username, message: () => t.slack.message(row!.approvalTs!) };
  }

  function approve(message: SlackMessage, user: string, name: string) {
    return sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user, responseUrl: t.slack.responseUrl(name) });
  }
  const told = async (name: string) => JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 5000)).body);
  const usersNamed = (username: string) => t.db.select().from(users).where(eq(users.username, username));
  const approvalsOf = (id: string) => t.db.select().from(requestApprovals).where(eq(requestApprovals.requestId, id));

  it('an admin needs two different approvers: the first is recorded and shown, the second carries it out', async () => {
    const r = await requestOf('admin');
    expect(textOf(r.message())).toContain('0 of 2 approvals');

    let since = t.slack.calls.length;
    await approve(r.message(), ADA, 'ada-1');
    expect(await told('ada-1')).toContain('Your approval is recorded: 1 of 2');
    await t.slack.waitFor('chat.update', 3000, since);
    const waiting = r.message();
    expect(textOf(waiting)).toContain(`1 of 2 approvals (<@${ADA}>)`);
    expect(textOf(waiting)).toContain('approve_request');
    assertWithinSlackLimits({ type: 'home', blocks: waiting.blocks as never });
    expect(await usersNamed(r.username)).toHaveLength(0);

    // The same approver again, twice at once: counted once, nothing carried out.
    await Promise.all([approve(waiting, ADA, 'ada-2'), approve(waiting, ADA, 'ada-3')]);
    for (const name of ['ada-2', 'ada-3']) expect(await told(name)).toContain('You have already approved this request');
    expect(await approvalsOf(r.id)).toHaveLength(1);
    expect(await usersNamed(r.username)).toHaveLength(0);

    since = t.slack.calls.length;
    await approve(waiting, BOB, 'bob-1');
    await expect.poll(async () => (await usersNamed(r.username)).length, { timeout: 15_000 }).toBe(1);
    await t.slack.waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.args).includes('Approved and completed'), 10_000, since);
    const done = textOf(r.message());
    expect(done).toContain(`Approved and completed* by <@${BOB}>`);
    expect(done).toContain(`First approval by <@${ADA}>`);
    const [row] = await t.db.select().from(requests).where(eq(requests.id, r.id));
    expect(row).toMatchObject({ state: 'completed', approverId: BOB });
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.entityId, r.id));
    expect(audit.map((a) => `${a.actor}:${a.action}`)).toEqual(expect.arrayContaining([`${ADA}:request.approval_recorded`, `${BOB}:request.approved`, `${BOB}:request.completed`]));
  });

  it('the requester may not be either approver, whatever ALLOW_SELF_APPROVAL says', async () => {
    const r = await requestOf('admin', { id: REQUESTER, portalAdmin: false });
    await approve(r.message(), REQUESTER, 'self');
    expect(await told('self')).toContain('needs two other approvers');
    expect(await approvalsOf(r.id)).toHaveLength(0);
    // Two others still can.
    await approve(r.message(), ADA, 'self-ada');
    await told('self-ada');
    await approve(r.message(), BOB, 'self-bob');
    await expect.poll(async () => (await usersNamed(r.username)).length, { timeout: 15_000 }).toBe(1);
  });

  it('a rejection after the first approval ends the request', async () => {
    const r = await requestOf('admin');
    await approve(r.message(), ADA, 'rej-ada');
    await told('rej-ada');
    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'reject_request', message: { blocks: r.message().blocks ?? [], ts: r.message().ts }, channelId: r.message().channel, user: ADA, responseUrl: t.slack.responseUrl('rej-click') });
    const modal = await t.slack.waitForView({ method: 'views.open', since });
    expect((await sendViewSubmission(t.baseUrl, { view: modal, values: fillView(modal, { Reason: 'Not an admin after all' }), user: ADA })).body).toEqual({ response_action: 'clear' });
    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, r.id)))[0]?.state, { timeout: 10_000 }).toBe('rejected');
    await approve(r.message(), BOB, 'rej-bob');
    expect(await told('rej-bob')).toContain('already rejected');
    expect(await usersNamed(r.username)).toHaveLength(0);
  });

  it('two different approvers at once, on a fresh request: exactly one carries it out', async () => {
    const r = await requestOf('admin');
    const message = r.message();
    const clickers = [ADA, BOB, ADA, BOB, APPROVER, ADA];
    await Promise.all(clickers.map((u, i) => approve(message, u, `race-${i}`)));
    const answers = await Promise.all(clickers.map((_, i) => told(`race-${i}`).catch(() => 'no answer')));
    await expect.poll(async () => (await usersNamed(r.username)).length, { timeout: 15_000 }).toBe(1);
    const [row] = await t.db.select().from(requests).where(eq(requests.id, r.id));
    expect(row?.state).toBe('completed');
    // Exactly one approval was recorded as the first, by someone other than the one who carried it out.
    const first = await approvalsOf(r.id);
    expect(first).toHaveLength(1);
    expect(first[0]!.approverId).not.toBe(row!.approverId);
    expect(answers.filter((a) => a.includes('Your approval is recorded')).length).toBe(1);
    expect(await usersNamed(r.username)).toHaveLength(1);
  });

  it('a type not listed needs one approver as before', async () => {
    const r = await requestOf('non_agent');
    expect(textOf(r.message())).not.toContain('of 2 approvals');
    await approve(r.message(), ADA, 'plain');
    await expect.poll(async () => (await usersNamed(r.username)).length, { timeout: 15_000 }).toBe(1);
    expect(await approvalsOf(r.id)).toHaveLength(0);
  });
});
