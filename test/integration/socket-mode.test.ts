import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { fillView } from '../support/fill-view.js';
import { REQUESTER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const requestCount = async (t: TestBot) => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;

/**
 * The bot in Socket Mode, as a laptop behind NAT runs it: an app token and no signing secret. The Web
 * API double answers apps.connections.open with a local Socket Mode server's ws:// URL; commands,
 * submissions and clicks arrive as envelopes over that socket, and each must be acked over it.
 */
describe(`Socket Mode end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({}, { transport: 'socket' });
  });
  afterAll(async () => t?.close());

  it('connects with the app token through apps.connections.open, without a signing secret', async () => {
    const open = t.slack.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toMatch(/^xapp-/);
    await t.socket!.waitForConnection();
    expect(t.logs.find((l) => l.msg === 'bot connected to Slack in Socket Mode')).toMatchObject({ mode: 'socket', port: t.bot.port });
  });

  it('still serves /healthz and /account on PORT, and no /slack/events', async () => {
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const account = await fetch(`${t.baseUrl}/account`);
    expect(account.status).toBe(200);
    expect(await account.text()).toMatch(/<form/i);
    // Requests to /slack/events would be unsigned in Socket Mode: there is no such door.
    expect((await fetch(`${t.baseUrl}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('acks a slash command over the socket, then opens the modal', async () => {
    const since = t.slack.calls.length;
    const acked = t.socket!.acks.length;
    const response = await sendSlashCommand(t.slackTarget, { text: 'user', trigger_id: triggerId() });
    expect(response.status).toBe(200);
    expect(t.socket!.acks.length).toBe(acked + 1);
    const view = await t.slack.waitForView({ method: 'views.open', since });
    expect(view.callback_id).toBe(VIEWS.userInfo);
  });

  it('acks a view submission with every field error in the ack payload, and stores nothing', async () => {
    const since = t.slack.calls.length;
    await sendSlashCommand(t.slackTarget, { text: 'user', trigger_id: triggerId() });
    const view = await t.slack.waitForView({ method: 'views.open', since });
    const before = await requestCount(t);
    const ack = await sendViewSubmission(t.slackTarget, {
      view,
      values: fillView(view, { Username: 'j doe!', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '555-555-1234', Email: 'jane.doe@example.com' }),
    });
    expect(ack.body?.response_action).toBe('errors');
    expect(Object.keys(ack.body?.errors ?? {})).toEqual([BLOCKS.username]);
    expect(await requestCount(t)).toBe(before);

    const good = await sendViewSubmission(t.slackTarget, { view, values: fillView(view, { Username: 'jdoe', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '555-555-1234', Email: 'jane.doe@example.com' }) });
    expect(good.body).toEqual({ response_action: 'clear' });
    await expect.poll(() => requestCount(t)).toBe(before + 1);
  });

  it('acks a block action over the socket, then pushes the step it asked for', async () => {
    let since = t.slack.calls.length;
    await sendSlashCommand(t.slackTarget, { text: 'agent', trigger_id: triggerId() });
    const root = await t.slack.waitForView({ method: 'views.open', since });
    since = t.slack.calls.length;
    const acked = t.socket!.acks.length;
    const ack = await sendBlockAction(t.slackTarget, { actionId: 'set_up_new_extension', view: root, values: fillView(root), user: REQUESTER });
    expect(ack.status).toBe(200);
    expect(t.socket!.acks.length).toBe(acked + 1);
    expect(t.socket!.acks.at(-1)?.envelope_id).toEqual(expect.any(String));
    await t.slack.waitForView({ method: 'views.push', since });
  });
});
