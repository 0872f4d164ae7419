import { and, eq } from 'drizzle-orm';
import type { View } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { findExtensionByNumber } from '../../src/db/repositories/extensions.js';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs, requests, users } from '../../src/db/schema/index.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { fillView, inputLabels, optionTexts } from '../support/fill-view.js';
import { REQUESTER, sendBlockAction, sendMessageShortcut, sendViewSubmission } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, clickApprove, commandModal, commandRefusal, drain, latestRequestFor, requestState, signIn } from '../support/user-change.js';

const DEFAULT_PASSWORD = 'Jd5555551234!!';

describe(`offboarding through Slack, now and scheduled, from the command, the card and the shortcut (${testDriver})`, () => {
  let t: TestBot;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    t = await startTestBot({ PUBLIC_URL: 'https://provision.example.com' });
    // The bot's own clock: a request made with the fixtures' fixed clock would look days old to its sweeper.
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await t?.close();
  });

  const agent = async (username: string, overrides: Parameters<typeof janeDoe>[0] = {}) => {
    const extension = await extensionThroughApproval(deps, requester, softphone());
    const user = await userThroughApproval(deps, requester, janeDoe({ username, userType: 'agent', extensionNumber: extension.number, ...overrides }));
    return { user, extension };
  };
  const requestCount = async () => (await t.db.select().from(requests)).length;

  it('/provision deactivate, effective now: approved, the user cannot sign in, the extension is free with a new secret, everyone is told', { timeout: 60_000 }, async () => {
    const { user, extension } = await agent('jleaver', { email: 'j.leaver@example.com' });
    const secretBefore = (await findExtensionByNumber(t.db, extension.number))!.deviceSecret;

    const view = await commandModal(t, 'deactivate jleaver');
    expect(view.callback_id).toBe(VIEWS.deactivate);
    expect(inputLabels(view)).toEqual(['Reason', 'When', 'Date and time']);
    expect(JSON.stringify(view.blocks)).toContain(`extension ${extension.number} is freed`);
    const since = t.slack.calls.length;
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Reason: 'Left the company <!channel>' }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const request = (await latestRequestFor(t, user.id))!;
    expect(request).toMatchObject({ kind: 'deactivate_user', state: 'pending', effectiveAt: null, requesterId: REQUESTER });
    const confirmation = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && /waiting for approval/.test(String(c.args.text)), 3000, since);
    expect(JSON.stringify(confirmation.args)).toContain('Offboard jleaver');
    const message = await approvalMessageOf(t, request.id);
    expect(JSON.stringify(message.blocks)).toContain('Left the company &lt;!channel&gt;');

    await clickApprove(t, request.id);
    await expect.poll(async () => (await requestState(t, request.id))?.state, { timeout: 10_000 }).toBe('completed');
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ status: 'deactivated', version: 2, username: 'jleaver' });
    const freed = await findExtensionByNumber(t.db, extension.number);
    expect(freed?.assignedUserId).toBeNull();
    expect(freed?.deviceSecret).not.toBe(secretBefore);
    expect((await signIn(t, 'jleaver@abc', DEFAULT_PASSWORD)).status).toBe(401);
    const trail = await auditTrailOf(t.db, 'user', user.id);
    const deactivated = trail.find((e) => e.action === 'user.deactivated');
    expect(deactivated?.details).toMatchObject({ freedExtension: extension.number, requestId: request.id, deviceSecretRotated: true });

    // The requester by DM, the approvers in the approval message's thread; the message says it is done.
    await drain(t);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /jleaver is deactivated/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === message.ts && /jleaver is deactivated/.test(String(c.args.text))).length).toBe(1);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain(`extension ${extension.number} freed`);
    expect(JSON.stringify(t.slack.calls)).not.toContain(freed!.deviceSecret);
  });

  it('refuses a user who does not exist, is already deactivated or has an open offboarding: a clear message, nothing stored', { timeout: 60_000 }, async () => {
    const { user } = await agent('jpending');
    const before = await requestCount();
    expect(await commandRefusal(t, 'deactivate nobody', 'nobody')).toContain('There is no user nobody');
    expect(await commandRefusal(t, 'deactivate jleaver', 'again')).toContain('jleaver is already deactivated');
    // A missing argument is answered in the acknowledgement itself, with the help.
    expect(await (await sendSlashCommand(t.baseUrl, { text: 'deactivate' })).text()).toContain('Say whom to offboard');
    expect(await requestCount()).toBe(before);

    const view = await commandModal(t, 'deactivate jpending');
    const values = fillView(view, { Reason: 'Moving on' });
    expect((await sendViewSubmission(t.baseUrl, { view, values })).body).toEqual({ response_action: 'clear' });
    // The same form again (a double submission), and the command again: refused.
    const twice = await sendViewSubmission(t.baseUrl, { view, values });
    expect(twice.body?.response_action).toBe('errors');
    expect(twice.body?.errors?.[BLOCKS.offboardReason]).toMatch(/already waiting for approval/);
    expect(await commandRefusal(t, 'deactivate jpending', 'pending')).toContain('already waiting for approval');
    expect((await t.db.select().from(requests).where(eq(requests.targetUserId, user.id))).length).toBe(1);
  });

  it('a time in the past, or none with "At a date and time", is a field error; nothing stored', { timeout: 30_000 }, async () => {
    await agent('jpast');
    const before = await requestCount();
    const view = await commandModal(t, 'deactivate jpast');
    const past = String(Math.floor(Date.now() / 1000) - 3600);
    const late = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Reason: 'Left', When: 'At a date and time', 'Date and time': past }) });
    expect(late.body?.response_action).toBe('errors');
    expect(Object.keys(late.body?.errors ?? {})).toEqual([BLOCKS.offboardAt]);
    expect(late.body?.errors?.[BLOCKS.offboardAt]).toMatch(/already passed/);
    const none = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Reason: 'Left', When: 'At a date and time' }) });
    expect(none.body).toEqual({ response_action: 'errors', errors: { [BLOCKS.offboardAt]: 'Pick a date and time, or choose Now' } });
    expect(await requestCount()).toBe(before);
  });

  it('scheduled: approved ahead ("runs at"), left alone until its time, then carried out by the sweeper exactly once', { timeout: 60_000 }, async () => {
    const { user, extension } = await agent('jlater');
    const view = await commandModal(t, 'deactivate jlater');
    const at = Math.floor(Date.now() / 1000) + 3600;
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Reason: 'Contract ends', When: 'At a date and time', 'Date and time': String(at) }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const request = (await latestRequestFor(t, user.id))!;
    expect(request.effectiveAt?.getTime()).toBe(at * 1000);

    await clickApprove(t, request.id);
    await expect.poll(async () => (await requestState(t, request.id))?.state, { timeout: 10_000 }).toBe('approved');
    const message = await approvalMessageOf(t, request.id);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain(`runs at <!date^${at}^`);
    await drain(t);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /It runs <!date\^/.test(String(c.args.text)))).toBe(true);

    // Not due yet: a sweep leaves it alone.
    await t.bot.sweeper.runOnce();
    expect((await requestState(t, request.id))?.state).toBe('approved');
    expect((await t.db.select().from(users).where(eq(users.id, user.id)))[0]?.status).toBe('active');
    // Its time comes: two sweeps at once carry it out once.
    await t.db.update(requests).set({ effectiveAt: new Date(Date.now() - 1000) }).where(eq(requests.id, request.id));
    await Promise.all([t.bot.sweeper.runOnce(), t.bot.sweeper.runOnce()]);
    await t.bot.sweeper.runOnce();
    expect((await requestState(t, request.id))?.state).toBe('completed');
    expect((await t.db.select().from(users).where(eq(users.id, user.id)))[0]?.status).toBe('deactivated');
    expect((await findExtensionByNumber(t.db, extension.number))?.assignedUserId).toBeNull();
    expect((await auditTrailOf(t.db, 'user', user.id)).filter((e) => e.action === 'user.deactivated')).toHaveLength(1);
    await drain(t);
    await expect.poll(() => t.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === message.ts && /jlater is deactivated/.test(String(c.args.text))).length).toBe(1);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain('Approved and completed');
    expect(await notificationRows(t.db, and(eq(jobs.requestId, request.id), eq(jobs.topic, 'request_completed')))).toHaveLength(1);
  });

  it('"Offboard this person" on a leaver post: by email, then by name; several to pick from, or none, said in the modal', { timeout: 60_000 }, async () => {
    const { user: sam } = await agent('sshortcut', { firstName: 'Sam', lastName: 'Shortcut', email: 'sam.shortcut@example.com' });
    const shortcut = async (text: string) => {
      const since = t.slack.calls.length;
      await sendMessageShortcut(t.baseUrl, { callbackId: 'offboard_person', messageText: text });
      const view = await t.slack.waitForView({ method: 'views.open', since });
      assertWithinSlackLimits(view as unknown as View);
      return view;
    };
    const byEmail = await shortcut('*Leaver:* Someone Else\n*Email:* <mailto:sam.shortcut@example.com|sam.shortcut@example.com>\nLast day: Friday');
    expect(byEmail.private_metadata).toBe(`${sam.id}:1`);
    expect((await sendViewSubmission(t.baseUrl, { view: byEmail, values: fillView(byEmail, { Reason: 'Resigned' }) })).body).toEqual({ response_action: 'clear' });
    expect((await latestRequestFor(t, sam.id))?.kind).toBe('deactivate_user');

    const { user: pat1 } = await agent('ptwin1', { firstName: 'Pat', lastName: 'Twin' });
    await agent('ptwin2', { firstName: 'Pat', lastName: 'Twin' });
    const several = await shortcut('Please note: Pat Twin is leaving us at the end of the week.');
    expect(JSON.stringify(several.blocks)).toContain('Several active users are named Pat Twin');
    expect(optionTexts(several, 'Person')).toEqual([expect.stringContaining('ptwin1 (Pat Twin)'), expect.stringContaining('ptwin2 (Pat Twin)')]);
    const picked = fillView(several, { Person: optionTexts(several, 'Person')[0]!, Reason: 'Leaving' });
    expect((await sendViewSubmission(t.baseUrl, { view: several, values: picked })).body).toEqual({ response_action: 'clear' });
    expect((await latestRequestFor(t, pat1.id))?.kind).toBe('deactivate_user');

    const before = await requestCount();
    const none = await shortcut('Farewell to Nobody Atall (nobody.atall@example.com), who leaves today.');
    expect(none.submit).toBeUndefined();
    expect(JSON.stringify(none.blocks)).toContain('No active user matches nobody.atall@example.com or Nobody Atall');
    expect(await requestCount()).toBe(before);
  });

  it("the card's Deactivate button opens the same modal; for a deactivated user it says so", { timeout: 30_000 }, async () => {
    await agent('jcard');
    const card = (username: string) => [{ type: 'actions', block_id: 'card_actions', elements: [{ type: 'button', action_id: ACTIONS.deactivateUser, value: username, text: { type: 'plain_text' as const, text: 'Deactivate' } }] }];
    const since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.deactivateUser, message: { blocks: card('jcard'), ts: '1.000001' }, ephemeral: true, responseUrl: t.slack.responseUrl('card') });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.callback_id).toBe(VIEWS.deactivate);
    expect(JSON.stringify(view.blocks)).toContain('jcard (Jane Doe)');

    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.deactivateUser, message: { blocks: card('jleaver'), ts: '1.000002' }, ephemeral: true, responseUrl: t.slack.responseUrl('card-gone') });
    const told = await t.slack.waitForResponse((r) => r.url.endsWith('/card-gone'));
    expect(JSON.stringify(told.body)).toContain('jleaver is already deactivated');
  });
});
