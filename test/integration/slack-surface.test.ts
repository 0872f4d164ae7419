import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensions, requests, users } from '../../src/db/schema/index.js';
import { BLOCKS, SHORTCUTS, VIEWS } from '../../src/slack/ids.js';
import { depsFor, softphone } from '../support/fixtures.js';
import { fillView, inputLabels, type SlackView, type ViewBlock } from '../support/fill-view.js';
import {
  APPROVER,
  OUTSIDER,
  REQUESTER,
  appHomeOpened,
  sendBlockAction,
  sendEvent,
  sendMessageShortcut,
  sendViewSubmission,
  triggerId,
} from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { extensionThroughApproval, setupRequester } from '../support/through-approval.js';

async function openModal(t: TestBot, text: string, user = REQUESTER): Promise<SlackView> {
  const since = t.slack.calls.length;
  expect((await sendSlashCommand(t.baseUrl, { text, user_id: user, trigger_id: triggerId() })).status).toBe(200);
  return t.slack.waitForView({ method: 'views.open', since });
}

const textOf = (blocks: readonly ViewBlock[] | undefined) => JSON.stringify(blocks ?? []);
const storedRequest = async (t: TestBot, where: ReturnType<typeof sql>) => (await t.db.select().from(requests).where(where))[0];

describe(`extensions, find, App Home and the new-hire shortcut, end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: `${REQUESTER},${APPROVER}` });
  });
  afterAll(async () => t?.close());

  it('/provision extension: the HCC form, a suggested number, no secret anywhere, stored as pending', async () => {
    const view = await openModal(t, 'extension');
    expect(view.callback_id).toBe(VIEWS.extension);
    expect(inputLabels(view)).toEqual(['Extension Number', 'Device Name', 'Device Type', 'CallerID', 'E911 Location', 'Multi-Line Profile', 'Call Recording', 'Monitoring', 'Voicemail Access']);
    const suggested = fillView(view)[BLOCKS.extensionNumber]?.value?.value;
    expect(suggested).toMatch(/^\d{2,9}$/);
    expect(textOf(view.blocks)).toMatch(/secret/i); // the note that the device secret is generated
    expect(view.blocks.filter((b) => b.type === 'input' && /secret/i.test(b.label?.text ?? ''))).toHaveLength(0);

    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'Device Name': 'Jane Doe softphone', 'Device Type': 'New agent interface (WebRTC)', 'Call Recording': true }) });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const stored = await storedRequest(t, sql`${requests.kind} = 'create_extension'`);
    expect(stored?.state).toBe('pending');
    expect(stored?.payload).toMatchObject({ extensionNumber: suggested, deviceName: 'Jane Doe softphone', deviceType: 'webrtc', callRecording: true });
    expect(JSON.stringify(stored?.payload)).not.toMatch(/secret/i);
  });

  it('refuses a taken extension number and a malformed one on the field, storing nothing', async () => {
    const existing = await extensionThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, softphone({ extensionNumber: 1500 }));
    const view = await openModal(t, 'extension');
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n;
    const taken = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'Extension Number': String(existing.number), 'Device Name': 'x', 'Device Type': 'Softphone' }) });
    expect(taken.body?.errors?.[BLOCKS.extensionNumber]).toMatch(/1500/);
    const letters = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { 'Extension Number': '12ab', 'Device Name': 'x', 'Device Type': 'Softphone' }) });
    expect(Object.keys(letters.body?.errors ?? {})).toEqual([BLOCKS.extensionNumber]);
    expect((await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n).toBe(before);
  });

  it('/provision agent: the extension step in the same flow, its draft carried into the request', async () => {
    const root = await openModal(t, 'agent');
    expect(root.title?.text).toBe('New Agent');
    expect(inputLabels(root)).toContain('User Type');
    const typed = fillView(root, { Username: 'agent1', 'First Name': 'Ana', 'Last Name': 'Gent', 'Phone Number': '555-555-2222' });

    // An agent with no extension at all is refused on the primary phone.
    const missing = await sendViewSubmission(t.baseUrl, { view: root, values: typed });
    expect(missing.body?.response_action).toBe('errors');
    // Extension 1500 is free, so the problem shows on the primary phone select that offers it.
    expect(Object.keys(missing.body?.errors ?? {})).toEqual([BLOCKS.extension]);
    expect(missing.body?.errors?.[BLOCKS.extension]).toMatch(/needs an extension/);

    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'set_up_new_extension', view: root, values: typed });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    expect(step.callback_id).toBe(VIEWS.agentExtension);
    const bad = await sendViewSubmission(t.baseUrl, { view: step, values: fillView(step, { 'Device Name': 'Ana softphone', 'Extension Number': '1500' }) });
    expect(bad.body?.errors?.[BLOCKS.extensionNumber]).toMatch(/1500/);

    since = t.slack.calls.length;
    const done = await sendViewSubmission(t.baseUrl, { view: step, values: fillView(step, { 'Device Name': 'Ana softphone', 'Extension Number': '1600' }) });
    expect(done.body).toBeNull();
    await t.slack.waitFor('views.update', 3000, since);
    const rebuilt = t.slack.viewById(root.id!);
    expect(textOf(rebuilt.blocks)).toContain('New extension 1600 (Softphone) will be created on approval');

    const ack = await sendViewSubmission(t.baseUrl, { view: rebuilt, values: typed });
    expect(ack.body).toEqual({ response_action: 'clear' });
    const stored = await storedRequest(t, sql`${requests.payload} ->> 'username' = 'agent1'`);
    expect(stored?.payload).toMatchObject({ userType: 'agent', newExtension: { extensionNumber: '1600', deviceName: 'Ana softphone', deviceType: 'softphone' } });
  });

  it('/provision find: rows with the Agent ID column, paging past Slack’s block limit, a filter, and Clone', async () => {
    const deps = depsFor(t.db, { now: () => new Date() });
    const free = await Promise.all(Array.from({ length: 5 }, (_, i) => extensionThroughApproval(deps, setupRequester, softphone({ extensionNumber: 1700 + i }))));
    // Straight into the table: 45 slow password hashes would only test scrypt.
    const seeded = await t.db
      .insert(users)
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          username: `find${String(i).padStart(2, '0')}`,
          firstName: 'Fin',
          lastName: `Finder${i}`,
          phone: '+15555551234',
          profileKey: 'standard-agent',
          userType: i < 5 ? ('agent' as const) : ('non_agent' as const),
          agentId: i < 5 ? 9000 + i : null,
          createdBy: REQUESTER,
        })),
      )
      .returning({ id: users.id });
    for (let i = 0; i < 5; i++) await t.db.update(extensions).set({ assignedUserId: seeded[i]!.id }).where(eq(extensions.id, free[i]!.id));
    const responseUrl = t.slack.responseUrl('find');
    const response = await sendSlashCommand(t.baseUrl, { text: 'find find', response_url: responseUrl });
    const first = (await response.json()) as { response_type: string; blocks: ViewBlock[] };
    expect(first.response_type).toBe('ephemeral');
    expect(first.blocks.length).toBeLessThanOrEqual(50);
    const text = textOf(first.blocks);
    expect(text).toContain('find00');
    expect(text).toContain('Agent ID: 9000');
    expect(text).toContain('Agent ID: —');
    expect(text).not.toContain('find44');

    // Next page: the ephemeral message is replaced through the response_url.
    let since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: 'find_page', blockId: 'find_page_next', message: { blocks: first.blocks, ts: '1.1' }, responseUrl, ephemeral: true });
    const page2 = await t.slack.waitForResponse(() => true, 3000, since);
    expect(page2.body.replace_original).toBe(true);
    expect(textOf(page2.body.blocks as ViewBlock[])).not.toContain('`find00`');

    since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: 'find_filter', blockId: 'find_header', message: { blocks: first.blocks, ts: '1.1' }, selectedOption: 'Agents', responseUrl, ephemeral: true });
    const agents = await t.slack.waitForResponse(() => true, 3000, since);
    const agentText = textOf(agents.body.blocks as ViewBlock[]);
    expect(agentText).toContain('find04');
    expect(agentText).not.toContain('find05');
    expect(agentText).not.toContain('Agent ID: —');

    since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'clone_user', blockId: 'user_actions_find01', message: { blocks: first.blocks, ts: '1.1' }, responseUrl, ephemeral: true });
    const clone = await t.slack.waitForView({ method: 'views.open', since });
    expect(clone.title?.text).toBe('Clone User');
    expect(textOf(clone.blocks)).toContain('find01');
  });

  it('App Home: requesters see their requests and states; approvers see what waits for them', async () => {
    let since = t.slack.calls.length;
    await sendEvent(t.baseUrl, appHomeOpened(REQUESTER));
    await t.slack.waitFor('views.publish', 3000, since);
    const mine = textOf(t.slack.homeView(REQUESTER).blocks);
    expect(mine).toContain('Your requests');
    expect(mine).toContain('agent1');
    expect(mine).toMatch(/pending/i);
    expect(mine).not.toContain('Waiting for your approval');

    since = t.slack.calls.length;
    await sendEvent(t.baseUrl, appHomeOpened(APPROVER));
    await t.slack.waitFor('views.publish', 3000, since);
    const approver = textOf(t.slack.homeView(APPROVER).blocks);
    expect(approver).toMatch(/Waiting for your approval \(\d+\)/);
    expect(approver).toContain('agent1');
  });

  it('the "Provision this new hire" shortcut opens New User prefilled from the post', async () => {
    const since = t.slack.calls.length;
    await sendMessageShortcut(t.baseUrl, {
      callbackId: SHORTCUTS.provisionNewHire,
      messageText: 'Please welcome Maria Garcia to the Tampa team! maria.garcia@example.com, (555) 555-9876',
      channelId: 'C0HRONBOARD',
    });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.title?.text).toBe('New User');
    const values = fillView(view);
    expect(values[BLOCKS.firstName]?.value?.value).toBe('Maria');
    expect(values[BLOCKS.lastName]?.value?.value).toBe('Garcia');
    expect(values[BLOCKS.email]?.value?.value).toBe('maria.garcia@example.com');
    expect(values[BLOCKS.phone]?.value?.value).toBe('(555) 555-9876');
    expect(values[BLOCKS.username]?.value?.value).toBe('mgarcia');
  });

  it('tells an outsider no on every surface and opens nothing', async () => {
    const since = t.slack.calls.length;
    for (const text of ['extension', 'agent', 'clone find01', 'find jane']) {
      const body = (await (await sendSlashCommand(t.baseUrl, { text, user_id: OUTSIDER })).json()) as { text: string };
      expect(body.text).toMatch(/not on the list/);
    }
    const responseUrl = t.slack.responseUrl('outsider');
    await sendMessageShortcut(t.baseUrl, { callbackId: SHORTCUTS.provisionNewHire, messageText: 'Please welcome Jo Bloggs', user: OUTSIDER, responseUrl });
    const reply = await t.slack.waitForResponse((r) => r.url.endsWith('outsider'), 3000);
    expect(JSON.stringify(reply.body)).toMatch(/not on the list/);
    expect(t.slack.calls.slice(since).filter((c) => c.method.startsWith('views.'))).toHaveLength(0);
  });
});
