import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../../src/slack/ids.js';
import { seedDemoReferenceData } from '../support/fixtures.js';
import { APPROVER, REQUESTER, appHomeOpened, sendEvent, sendMessageShortcut, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/** What an operator's fresh Postgres looks like before a reference data file is loaded. */
describe(`a database with no reference data (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: `${REQUESTER},${APPROVER}` }, { referenceData: 'none' });
  });
  afterAll(async () => t?.close());

  const saysHowToLoad = (text: string) => {
    expect(text).toMatch(/no reference data yet/);
    expect(text).toContain('npm run reference:load -- &lt;file&gt;');
    expect(text).toContain('REFERENCE_DATA_FILE');
  };

  it('answers every form command with how to load the reference data, and opens no modal', async () => {
    for (const text of ['user', 'agent', 'extension', 'clone jdoe']) {
      const since = t.slack.calls.length;
      const responseUrl = t.slack.responseUrl(`empty-${text}`);
      const response = await sendSlashCommand(t.baseUrl, { text, trigger_id: triggerId(), response_url: responseUrl });
      expect(response.status).toBe(200);
      const reply = await t.slack.waitForResponse((r) => r.url === responseUrl, 3000);
      expect(reply.body.response_type).toBe('ephemeral');
      saysHowToLoad(String(reply.body.text));
      expect(t.slack.calls.slice(since).map((c) => c.method)).not.toContain('views.open');
    }
  });

  it('answers the new-hire shortcut the same way', async () => {
    const since = t.slack.calls.length;
    const responseUrl = t.slack.responseUrl('empty-shortcut');
    await sendMessageShortcut(t.baseUrl, { callbackId: SHORTCUTS.provisionNewHire, messageText: 'Please welcome Jo Bloggs, jo.bloggs@example.com', responseUrl });
    const reply = await t.slack.waitForResponse((r) => r.url === responseUrl, 3000);
    saysHowToLoad(String(reply.body.text));
    expect(t.slack.calls.slice(since).map((c) => c.method)).not.toContain('views.open');
  });

  it('tells approvers in the App Home, and stops once the data is loaded', async () => {
    const homeText = async (user: string) => {
      const since = t.slack.calls.length;
      await sendEvent(t.baseUrl, appHomeOpened(user));
      await t.slack.waitFor('views.publish', 3000, since);
      return JSON.stringify(t.slack.homeView(user).blocks);
    };
    saysHowToLoad(await homeText(APPROVER));
    expect(await homeText(REQUESTER)).not.toMatch(/no reference data/);

    await seedDemoReferenceData(t.db);
    expect(await homeText(APPROVER)).not.toMatch(/no reference data/);
    const since = t.slack.calls.length;
    await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() });
    expect((await t.slack.waitForView({ method: 'views.open', since })).title?.text).toBe('New User');
  });
});
