import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { BLOCKS } from '../../src/slack/ids.js';
import { fillView, type SlackView } from '../support/fill-view.js';
import { REQUESTER, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/**
 * How the bot answers a submitted form: every problem at once, each on its own field, and a second
 * identical request refused. Driven as Slack drives it: a slash command, then signed view submissions.
 */
async function openModal(t: TestBot, text: string, user = REQUESTER): Promise<SlackView> {
  const since = t.slack.calls.length;
  expect((await sendSlashCommand(t.baseUrl, { text, user_id: user, trigger_id: triggerId() })).status).toBe(200);
  return t.slack.waitForView({ method: 'views.open', since });
}

const extensionRequestsFor = async (t: TestBot, number: string) =>
  t.db.select().from(requests).where(sql`${requests.kind} = 'create_extension' and ${requests.payload} ->> 'extensionNumber' = ${number}`);

describe(`form answers, end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.close());

  describe('one open request per extension number', () => {
    it('refuses a second identical extension request on Extension Number, and keeps the first', async () => {
      const view = await openModal(t, 'extension');
      const values = fillView(view, { 'Extension Number': '1810', 'Device Name': 'Front desk', 'Device Type': 'Softphone' });
      expect((await sendViewSubmission(t.baseUrl, { view, values })).body).toEqual({ response_action: 'clear' });
      const again = await sendViewSubmission(t.baseUrl, { view: await openModal(t, 'extension'), values });
      expect(again.body?.response_action).toBe('errors');
      expect(again.body?.errors).toEqual({ [BLOCKS.extensionNumber]: 'A request for extension 1810 is already waiting for approval' });
      const open = await extensionRequestsFor(t, '1810');
      expect(open.map((r) => r.state)).toEqual(['pending']);
    });

    it('two identical submissions at once store exactly one request', async () => {
      const view = await openModal(t, 'extension');
      const values = fillView(view, { 'Extension Number': '1820', 'Device Name': 'Back office', 'Device Type': 'Softphone' });
      const acks = await Promise.all([sendViewSubmission(t.baseUrl, { view, values }), sendViewSubmission(t.baseUrl, { view, values })]);
      expect(acks.map((a) => a.body?.response_action).sort()).toEqual(['clear', 'errors']);
      const refused = acks.find((a) => a.body?.response_action === 'errors');
      expect(refused?.body?.errors?.[BLOCKS.extensionNumber]).toMatch(/extension 1820 is already waiting/);
      expect(await extensionRequestsFor(t, '1820')).toHaveLength(1);
    });

    it('lets several next-free-number requests wait: each draws its own number at approval', async () => {
      const view = await openModal(t, 'extension');
      const values = fillView(view, { 'Extension Number': null, 'Device Name': 'Spare', 'Device Type': 'Softphone' });
      const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests).where(sql`${requests.kind} = 'create_extension'`))[0]?.n ?? 0;
      for (let i = 0; i < 2; i++) expect((await sendViewSubmission(t.baseUrl, { view, values })).body).toEqual({ response_action: 'clear' });
      const after = (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests).where(sql`${requests.kind} = 'create_extension'`))[0]?.n ?? 0;
      expect(after - before).toBe(2);
    });
  });
});

describe(`PASSWORD_POLICY=random: the one-time password must be deliverable, checked at submission (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ PASSWORD_POLICY: 'random' });
    t.slack.setSlackUser('U0RANDOM1', { email: 'reachable@example.com' });
  });
  afterAll(async () => t?.close());

  const person = { 'First Name': 'Ran', 'Last Name': 'Dom', 'Phone Number': '555-555-3030' };
  const requestsFor = async (username: string) => t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`);

  it('refuses a request without an email on the Email field, with every other problem beside it', async () => {
    const view = await openModal(t, 'user');
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...person, Username: 'noemail', Email: null }) });
    expect(ack.body?.response_action).toBe('errors');
    expect(Object.keys(ack.body?.errors ?? {})).toEqual([BLOCKS.email]);
    expect(ack.body?.errors?.[BLOCKS.email]).toMatch(/email is required.*one-time password.*Slack DM/i);
    const both = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...person, Username: 'noemail', Email: null, 'Phone Number': '1234567890123456' }) });
    expect(Object.keys(both.body?.errors ?? {}).sort()).toEqual([BLOCKS.email, BLOCKS.phone].sort());
    expect(await requestsFor('noemail')).toHaveLength(0);
  });

  it('refuses an email no Slack member has, on the Email field', async () => {
    const view = await openModal(t, 'user');
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...person, Username: 'nomember', Email: 'nobody-here@example.com' }) });
    expect(Object.keys(ack.body?.errors ?? {})).toEqual([BLOCKS.email]);
    expect(ack.body?.errors?.[BLOCKS.email]).toMatch(/No active Slack member has the email nobody-here@example\.com/);
    expect(await requestsFor('nomember')).toHaveLength(0);
  });

  it('refuses, saying it could not check, when Slack does not answer the lookup', async () => {
    const view = await openModal(t, 'user');
    t.slack.failNext('users.lookupByEmail', 503, 'upstream unavailable');
    const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...person, Username: 'slackdown', Email: 'reachable@example.com' }) });
    expect(Object.keys(ack.body?.errors ?? {})).toEqual([BLOCKS.email]);
    expect(ack.body?.errors?.[BLOCKS.email]).toMatch(/Could not check with Slack/);
    expect(await requestsFor('slackdown')).toHaveLength(0);
    expect(t.logText()).not.toContain('reachable@example.com');
  });

  it('accepts an email a Slack member has, and a typed password without any email', async () => {
    const view = await openModal(t, 'user');
    const ok = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { ...person, Username: 'reachable', Email: 'reachable@example.com' }) });
    expect(ok.body).toEqual({ response_action: 'clear' });
    const typed = await sendViewSubmission(t.baseUrl, { view: await openModal(t, 'user'), values: fillView(view, { ...person, Username: 'typedpw', Email: null, Password: 'Amber-Kettle-Window-73' }) });
    expect(typed.body).toEqual({ response_action: 'clear' });
    expect(await requestsFor('reachable')).toHaveLength(1);
    expect(await requestsFor('typedpw')).toHaveLength(1);
  });
});
