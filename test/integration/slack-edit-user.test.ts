import { eq, sql } from 'drizzle-orm';
import type { View } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExtensionOfUser } from '../../src/db/repositories/extensions.js';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { collections, requests } from '../../src/db/schema/index.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { fillView, inputLabels, optionTexts, type SlackView, type ViewBlock } from '../support/fill-view.js';
import { storedUser } from '../support/queries.js';
import { APPROVER, REQUESTER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { userThroughApproval } from '../support/through-approval.js';

const textOf = (value: unknown) => JSON.stringify(value ?? null);
const editRequests = async (t: TestBot, username: string) =>
  t.db.select().from(requests).where(sql`${requests.kind} = 'edit_user' and ${requests.payload} ->> 'username' = ${username}`);

async function openEdit(t: TestBot, text: string): Promise<SlackView> {
  const since = t.slack.calls.length;
  const response = await sendSlashCommand(t.baseUrl, { text, user_id: REQUESTER, trigger_id: triggerId() });
  expect(response.status).toBe(200);
  return t.slack.waitForView({ method: 'views.open', since });
}

/** Submits the Edit view and returns the approval message the bot posted, and the request's ID. */
async function submitEdit(t: TestBot, view: SlackView, values: ReturnType<typeof fillView>, username: string) {
  const since = t.slack.calls.length;
  const ack = await sendViewSubmission(t.baseUrl, { view, values });
  expect(ack.body).toEqual({ response_action: 'clear' });
  const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
  const [row] = (await editRequests(t, username)).filter((r) => r.state === 'pending');
  const ts = (post.answer as { ts: string }).ts;
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBe(ts);
  return { id: row!.id, ts, since };
}

async function approve(t: TestBot, ts: string, name: string) {
  const since = t.slack.calls.length;
  const message = t.slack.message(ts);
  await sendBlockAction(t.baseUrl, { actionId: ACTIONS.approve, message: { blocks: message.blocks ?? [], ts }, channelId: 'C0APPROVALS', user: APPROVER, responseUrl: t.slack.responseUrl(name) });
  await t.slack.waitFor('chat.update', 3000, since);
  return t.slack.message(ts);
}

describe(`Edit User through Slack, end to end (${testDriver})`, () => {
  let t: TestBot;
  let ids: Map<string, number>;
  beforeAll(async () => {
    t = await startTestBot();
    ids = new Map((await t.db.select().from(collections)).map((c) => [c.name, c.id]));
  });
  afterAll(async () => t?.close());

  it('/provision edit: prefilled, username fixed, "nothing changed" on the form, then a move whose approval message is a diff, approved and read back', async () => {
    const jane = await userThroughApproval(depsFor(t.db, { now: () => new Date() }), requester, janeDoe({ username: 'jdoe', email: 'jdoe@example.com', siteKey: 'austin-tx', departmentKey: 'sales', collectionIds: [ids.get('All Staff')!, ids.get('Sales Inbound')!] }));
    const view = await openEdit(t, 'edit jdoe');
    expect(view.callback_id).toBe(VIEWS.userEdit);
    expect(view.title?.text).toBe('Edit User');
    assertWithinSlackLimits(view as unknown as View);
    expect(inputLabels(view)).not.toContain('Username');
    expect(inputLabels(view)).not.toContain('Password');
    expect(textOf(view.blocks)).toContain('jdoe (cannot be changed)');
    const prefilled = fillView(view);
    expect(prefilled[BLOCKS.firstName]?.value?.value).toBe('Jane');
    expect(prefilled[BLOCKS.phone]?.value?.value).toBe('+15555551234');
    expect(prefilled[BLOCKS.email]?.value?.value).toBe('jdoe@example.com');
    expect(prefilled[BLOCKS.site]?.value?.selected_option?.value).toBe('austin-tx');
    expect(prefilled[BLOCKS.userType]?.value?.selected_option?.value).toBe('non_agent');
    expect(optionTexts(view, 'User Type')).toEqual(['Agent', 'Supervisor', 'Admin', 'Non-agent']);

    // Nothing changed: said on the form, nothing stored.
    const unchanged = await sendViewSubmission(t.baseUrl, { view, values: prefilled });
    expect(unchanged.body?.response_action).toBe('errors');
    expect(unchanged.body?.errors?.[BLOCKS.firstName]).toMatch(/Nothing changed/);
    expect(await editRequests(t, 'jdoe')).toHaveLength(0);

    // The Collections step opens with the user's collections; Done rebuilds the form with the new choice.
    let since = t.slack.calls.length;
    const typed = fillView(view, { Site: 'Tampa, FL', Department: 'Billing Support' });
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.chooseCollections, view, values: typed });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    const chosen = Object.values(fillView(step)).flatMap((a) => a.value?.selected_options ?? []).map((o) => o.text.text);
    expect(chosen.sort()).toEqual(['All Staff', 'Sales Inbound']);
    since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view: step, values: fillView(step, { Users: ['All Staff'], Agents: ['Billing Queue'] }) });
    await t.slack.waitFor('views.update', 3000, since);
    const rebuilt = t.slack.viewById(view.id!);
    expect(rebuilt.callback_id).toBe(VIEWS.userEdit);
    assertWithinSlackLimits(rebuilt as unknown as View);

    const { id, ts, since: posted } = await submitEdit(t, rebuilt, fillView(rebuilt, { Site: 'Tampa, FL', Department: 'Billing Support' }), 'jdoe');
    const message = t.slack.message(ts);
    assertWithinSlackLimits({ type: 'home', blocks: message.blocks as View['blocks'] });
    const shown = textOf(message.blocks);
    expect(shown).toContain('Change to jdoe (Jane Doe)');
    expect(shown).toContain('*Site*\\nAustin, TX → Tampa, FL');
    expect(shown).toContain('*Department*\\nSales → Billing Support');
    expect(shown).toContain('+Billing Queue, −Sales Inbound');
    // A diff, not the whole user.
    expect(shown).not.toContain('Phone Number');
    expect(shown).not.toContain('Last Name');
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && textOf(c.args).includes('waiting for approval'), 3000, posted);
    expect(textOf(dm.args)).toContain('Change to jdoe');
    expect(textOf(dm.args)).toContain('Austin, TX → Tampa, FL');

    // While it waits, a second edit of jdoe is refused before a form opens.
    const responseUrl = t.slack.responseUrl('second-edit');
    await sendSlashCommand(t.baseUrl, { text: 'edit jdoe', response_url: responseUrl, trigger_id: triggerId() });
    expect(textOf((await t.slack.waitForResponse((r) => r.url === responseUrl, 3000)).body)).toContain('jdoe already has an edit waiting for approval');

    const approved = await approve(t, ts, 'approve-jdoe');
    expect(textOf(approved.blocks)).toContain('Approved and completed');
    expect(textOf(approved.blocks)).toContain('Changes applied to jdoe');
    expect(await storedUser(t.db, 'jdoe')).toMatchObject({ siteKey: 'tampa-fl', departmentKey: 'billing-support', version: 2, firstName: 'Jane' });
    expect(await collectionIdsOfUserForTest(t.db, jane.id)).toEqual([ids.get('All Staff')!, ids.get('Billing Queue')!].sort((a, b) => a - b));
    expect((await t.db.select().from(requests).where(eq(requests.id, id)))[0]).toMatchObject({ state: 'completed', targetUserId: jane.id });
    // The requester hears of it; an edit sends no welcome.
    while ((await t.bot.notifications.runOnce()) > 0);
    const told = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && String(c.args.text).includes('changes to Jane Doe (jdoe)'), 5000);
    expect(String(told.args.text)).toContain('was approved by <@U0APPROVER> and is done');
    expect(String(told.args.text)).toContain('Site: Austin, TX → Tampa, FL');
    expect((await notificationsOfRequest(t.db, id)).map((n) => n.topic)).toEqual(['request_completed']);
  });

  it('the card’s Edit button: a non-agent becomes a supervisor with a new extension set up in the same form', async () => {
    const bob = await userThroughApproval(depsFor(t.db, { now: () => new Date() }), requester, janeDoe({ username: 'bsmith', firstName: 'Bob', lastName: 'Smith' }));
    const cardOf = (username: string): { ts: string; blocks: ViewBlock[] } => ({
      ts: '1700000000.000100',
      blocks: [{ type: 'actions', block_id: 'card_actions', elements: [{ type: 'button', action_id: ACTIONS.editUser, text: { type: 'plain_text', text: 'Edit' }, value: username }] }],
    });
    const card = cardOf('bsmith');
    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.editUser, message: card, ephemeral: true, responseUrl: t.slack.responseUrl('card') });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.callback_id).toBe(VIEWS.userEdit);

    // An agent needs an extension: choosing Supervisor without one is answered on the primary phone.
    const supervisor = fillView(view, { 'User Type': 'Supervisor' });
    const refused = await sendViewSubmission(t.baseUrl, { view, values: supervisor });
    expect(refused.body?.errors?.[BLOCKS.extension]).toMatch(/An agent needs an extension/);

    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.setUpNewExtension, view, values: supervisor });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view: step, values: fillView(step, { 'Device Name': 'Bob softphone' }) });
    await t.slack.waitFor('views.update', 3000, since);
    const rebuilt = t.slack.viewById(view.id!);
    assertWithinSlackLimits(rebuilt as unknown as View);
    expect(textOf(rebuilt.blocks)).toContain('will be created on approval');

    const { ts } = await submitEdit(t, rebuilt, fillView(rebuilt, { 'User Type': 'Supervisor', 'Primary Phone (Extension)': 'New extension (set up below)' }), 'bsmith');
    const shown = textOf(t.slack.message(ts).blocks);
    expect(shown).toContain('*User Type*\\nnon-agent → supervisor');
    expect(shown).toContain('new extension');
    const approved = await approve(t, ts, 'approve-bsmith');
    const after = await storedUser(t.db, 'bsmith');
    expect(after).toMatchObject({ userType: 'supervisor', version: 2 });
    expect(after?.agentId).toBeGreaterThanOrEqual(1001);
    const extension = await findExtensionOfUser(t.db, bob.id);
    expect(extension).toMatchObject({ deviceName: 'Bob softphone' });
    expect(textOf(approved.blocks)).toContain(`Changes applied to bsmith (agent ID ${after!.agentId}, extension ${extension!.number})`);
    expect(textOf(approved.blocks)).not.toContain(extension!.deviceSecret);

    // On a card shown as a modal, Edit turns that modal into the form (the steps then return to it).
    const modal = await openEdit(t, 'user');
    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.editUser, view: { ...modal, blocks: cardOf('bsmith').blocks } });
    const replaced = await t.slack.waitForView({ method: 'views.update', since });
    expect(replaced.id).toBe(modal.id);
    expect(replaced.callback_id).toBe(VIEWS.userEdit);
    expect(fillView(replaced)[BLOCKS.userType]?.value?.selected_option?.value).toBe('supervisor');

    // The card's Edit on a user nobody can edit says why, privately, and opens nothing.
    since = t.slack.calls.length;
    const gone = cardOf('nobody');
    const url = t.slack.responseUrl('card-nobody');
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.editUser, message: gone, ephemeral: true, responseUrl: url });
    expect(textOf((await t.slack.waitForResponse((r) => r.url === url, 3000)).body)).toContain('There is no user nobody to edit');
    expect(t.slack.calls.slice(since).filter((c) => c.method === 'views.open')).toHaveLength(0);
  });
});
