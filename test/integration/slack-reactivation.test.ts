import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs, requests, users } from '../../src/db/schema/index.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { fillView, inputLabels } from '../support/fill-view.js';
import { REQUESTER, sendBlockAction, sendViewSubmission } from '../support/slack-interactions.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, clickApprove, commandModal, commandRefusal, drain, latestRequestFor, requestState, signIn } from '../support/user-change.js';

const DEFAULT_PASSWORD = 'Jd5555551234!!';

describe(`reactivation through Slack, with sign-in by the new one-time password (${testDriver})`, () => {
  let t: TestBot;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    t = await startTestBot({ PASSWORD_POLICY: 'random', PUBLIC_URL: 'https://provision.example.com' });
    // The users were made (and left) under the default policy; the bot reactivates under random.
    // The bot's own clock: a request made with the fixtures' fixed clock would look days old to its sweeper.
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/provision reactivate: approved, active again without an extension, the welcome sent again, and the new one-time password signs in', { timeout: 90_000 }, async () => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username: 'jback', email: 'j.back@example.com', userType: 'agent', extensionNumber: extension.number }));
    await deactivationThroughApproval(deps, requester, 'jback');
    t.slack.setSlackUser('U0JBACK', { email: 'j.back@example.com', realName: 'Jane Back' });

    const view = await commandModal(t, 'reactivate jback');
    expect(view.callback_id).toBe(VIEWS.reactivate);
    expect(inputLabels(view)).toEqual(['Note for the approvers']);
    expect(JSON.stringify(view.blocks)).toContain('random one-time password');
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'Note for the approvers': 'Rehired in January' }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const request = (await latestRequestFor(t, user.id))!;
    expect(request).toMatchObject({ kind: 'reactivate_user', state: 'pending' });
    const message = await approvalMessageOf(t, request.id);
    expect(JSON.stringify(message.blocks)).toContain('Reactivate jback');

    await clickApprove(t, request.id);
    await expect.poll(async () => (await requestState(t, request.id))?.state, { timeout: 10_000 }).toBe('completed');
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ status: 'active', version: 3, deactivatedAt: null, passwordOneTime: true });
    expect((await auditTrailOf(t.db, 'user', user.id)).map((e) => e.action)).toEqual(['user.created', 'user.deactivated', 'user.reactivated']);

    await drain(t);
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0JBACK' && /reactivated/.test(String(c.args.text)), 10_000);
    expect(String(dm.args.text)).toContain('reactivated');
    const otp = /Your one-time password:\* `([^`]+)`/.exec(String(dm.args.text))?.[1];
    expect(otp).toBeDefined();
    const welcome = await notificationRows(t.db, and(eq(jobs.requestId, request.id), eq(jobs.topic, 'welcome_email')));
    expect(welcome).toHaveLength(1);
    expect(JSON.stringify(welcome[0]!.payload)).not.toContain(otp!);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /jback is active again/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain('User jback reactivated');
    // Never in the channel: the password.
    expect(JSON.stringify(t.slack.callsTo('chat.update'))).not.toContain(otp!);

    const signedIn = await signIn(t, 'jback@abc', otp!);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ ok: true, passwordChangeRequired: true });
    expect((await signIn(t, 'jback@abc', DEFAULT_PASSWORD)).status).toBe(401);
    // The extension was freed at deactivation and stays free.
    const { findExtensionOfUser } = await import('../../src/db/repositories/extensions.js');
    expect(await findExtensionOfUser(t.db, user.id)).toBeUndefined();
  });

  it('refuses an active user, a user who does not exist, and a second open reactivation: nothing stored', { timeout: 60_000 }, async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'jactive' }));
    const gone = await userThroughApproval(deps, requester, janeDoe({ username: 'jgone' }));
    await deactivationThroughApproval(deps, requester, 'jgone');
    const count = async () => (await t.db.select().from(requests)).length;
    const before = await count();
    expect(await commandRefusal(t, 'reactivate jactive', 'active')).toContain('jactive is active: only a deactivated user can be reactivated');
    expect(await commandRefusal(t, 'reactivate nobody', 'nobody')).toContain('There is no user nobody');
    expect(await count()).toBe(before);

    const view = await commandModal(t, 'reactivate jgone');
    expect((await sendViewSubmission(t.baseUrl, { view })).body).toEqual({ response_action: 'clear' });
    const twice = await sendViewSubmission(t.baseUrl, { view });
    expect(twice.body?.errors?.[BLOCKS.reactivateNote]).toMatch(/already waiting for approval/);
    expect(await commandRefusal(t, 'reactivate jgone', 'twice')).toContain('already waiting for approval');
    expect((await t.db.select().from(requests).where(eq(requests.targetUserId, gone.id))).filter((r) => r.kind === 'reactivate_user')).toHaveLength(1);
  });

  it("the card's Reactivate button opens the reactivation modal", { timeout: 30_000 }, async () => {
    await userThroughApproval(deps, requester, janeDoe({ username: 'jcardback' }));
    await deactivationThroughApproval(deps, requester, 'jcardback');
    const since = t.slack.calls.length;
    const blocks = [{ type: 'actions', block_id: 'card_actions', elements: [{ type: 'button', action_id: ACTIONS.reactivateUser, value: 'jcardback', text: { type: 'plain_text' as const, text: 'Reactivate' } }] }];
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.reactivateUser, message: { blocks, ts: '1.000003' }, ephemeral: true, responseUrl: t.slack.responseUrl('card') });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.callback_id).toBe(VIEWS.reactivate);
    expect(JSON.stringify(view.blocks)).toContain('jcardback (Jane Doe)');
  });
});
