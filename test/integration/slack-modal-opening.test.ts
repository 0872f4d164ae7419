import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_TEXT, MODALS_IN_PREPARATION_MAX, TRIGGER_BUDGET_MS } from '../../src/slack/flows/modal-trigger.js';
import { depsFor, janeDoe } from '../support/fixtures.js';
import { REQUESTER, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slack's trigger_id opens a modal for 3 s. The bot opens within that life or says it is busy, never
 * late; and a users.info failure is told as what it is.
 */
describe(`opening modals within the trigger's life (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'source', email: 'source@example.com' }));
    t.slack.setSlackUser('U0SOURCE', { email: 'source@example.com', realName: 'So Urce' });
  });
  afterAll(async () => t?.close());

  const views = (since: number) => t.slack.calls.slice(since).filter((c) => c.method === 'views.open');

  it('says "busy" instead of a late views.open when the work before it outlives the trigger', async () => {
    const since = t.slack.calls.length;
    const release = t.slack.hold('users.info');
    const responseUrl = t.slack.responseUrl('slow-users-info');
    const sentAt = Date.now();
    const response = await sendSlashCommand(t.baseUrl, { text: 'clone <@U0SOURCE>', trigger_id: triggerId(), response_url: responseUrl });
    expect(await response.text()).toBe('');
    await expect.poll(() => t.slack.heldCount('users.info')).toBe(1);
    // Slack answers users.info only once the trigger is past the bot's budget.
    await waitMs(TRIGGER_BUDGET_MS + 200 - (Date.now() - sentAt));
    release();
    const reply = await t.slack.waitForResponse((r) => r.url === responseUrl, 5000);
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: BUSY_TEXT });
    expect(views(since)).toHaveLength(0);
    expect(t.logs.some((l) => l.level === 40 && String(l.msg).includes('busy'))).toBe(true);
  });

  it(`prepares at most ${MODALS_IN_PREPARATION_MAX} modals at once: past that the command is answered "busy" in its ack`, async () => {
    const since = t.slack.calls.length;
    const release = t.slack.hold('users.info');
    try {
      for (let i = 0; i < MODALS_IN_PREPARATION_MAX; i++) {
        const response = await sendSlashCommand(t.baseUrl, { text: 'clone <@U0SOURCE>', trigger_id: triggerId(), response_url: t.slack.responseUrl(`held-${i}`) });
        expect(await response.text()).toBe('');
      }
      const over = await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() });
      expect(await over.json()).toEqual({ response_type: 'ephemeral', text: BUSY_TEXT });
    } finally {
      release();
    }
    // Each held one ends as a modal, or as "busy" if this machine was too slow to send them all in time.
    const settled = () => views(since).length + t.slack.responses.filter((r) => r.url.includes('/held-')).length;
    await expect.poll(settled, { timeout: 10_000 }).toBe(MODALS_IN_PREPARATION_MAX);
    // The count went back down: the next command opens its modal.
    const next = t.slack.calls.length;
    await sendSlashCommand(t.baseUrl, { text: 'user', user_id: REQUESTER, trigger_id: triggerId() });
    expect((await t.slack.waitForView({ method: 'views.open', since: next })).title?.text).toBe('New User');
  });

  it('tells a users.info failure as what it is, and logs its error code', async () => {
    t.slack.failNext('users.info', 200, { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'commands' });
    const responseUrl = t.slack.responseUrl('users-info-fails');
    await sendSlashCommand(t.baseUrl, { text: 'clone <@U0SOURCE>', trigger_id: triggerId(), response_url: responseUrl });
    const reply = await t.slack.waitForResponse((r) => r.url === responseUrl, 3000);
    const text = String(reply.body.text);
    expect(text).toMatch(/users\.info failed \(missing_scope\)/);
    expect(text).not.toMatch(/no user in the directory/);
    expect(t.logs.some((l) => l.level === 40 && l.slackError === 'missing_scope' && l.slackUserId === 'U0SOURCE')).toBe(true);
  });

  it('says when Slack does not know the member, or gives no email, rather than "no user in the directory"', async () => {
    const unknownUrl = t.slack.responseUrl('users-info-unknown');
    await sendSlashCommand(t.baseUrl, { text: 'clone <@U0GHOST>', trigger_id: triggerId(), response_url: unknownUrl });
    const unknown = String((await t.slack.waitForResponse((r) => r.url === unknownUrl, 3000)).body.text);
    expect(unknown).toMatch(/Slack does not know the person you mentioned \(users\.info answered user_not_found\)/);

    t.slack.setSlackUser('U0NOEMAIL', { realName: 'No Email' });
    const noEmailUrl = t.slack.responseUrl('users-info-no-email');
    await sendSlashCommand(t.baseUrl, { text: 'clone <@U0NOEMAIL>', trigger_id: triggerId(), response_url: noEmailUrl });
    const noEmail = String((await t.slack.waitForResponse((r) => r.url === noEmailUrl, 3000)).body.text);
    expect(noEmail).toMatch(/Slack did not give me the email/);
    for (const text of [unknown, noEmail]) expect(text).not.toMatch(/no user in the directory/);
  });
});
