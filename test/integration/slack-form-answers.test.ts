import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections, requests, users } from '../../src/db/schema/index.js';
import { BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { fillView, optionTexts, type SlackView } from '../support/fill-view.js';
import { REQUESTER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
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

const requestCount = async (t: TestBot) => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;

const extensionRequestsFor = async (t: TestBot, number: string) =>
  t.db.select().from(requests).where(sql`${requests.kind} = 'create_extension' and ${requests.payload} ->> 'extensionNumber' = ${number}`);

describe(`form answers, end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.close());

  describe('every field error of a submission in the one errors answer', () => {
    it('User Info: a 21-character Username and a 16-digit Phone Number are both reported, and nothing is stored', async () => {
      const view = await openModal(t, 'user');
      const before = await requestCount(t);
      // Slack's client holds Username to its max_length, but the bot checks what arrives regardless.
      const ack = await sendViewSubmission(t.baseUrl, {
        view,
        values: fillView(view, { Username: 'u'.repeat(21), 'First Name': 'Ann', 'Last Name': 'Long', 'Phone Number': '1234567890123456' }),
        skipClientChecks: true,
      });
      expect(ack.body?.response_action).toBe('errors');
      expect(Object.keys(ack.body?.errors ?? {}).sort()).toEqual([BLOCKS.phone, BLOCKS.username].sort());
      expect(ack.body?.errors?.[BLOCKS.username]).toMatch(/at most 20 characters/);
      expect(ack.body?.errors?.[BLOCKS.phone]).toMatch(/15 digits/);
      expect(await requestCount(t)).toBe(before);
    });

    it('New Agent: no extension and a 16-digit Phone Number are both reported', async () => {
      const view = await openModal(t, 'agent');
      const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: 'twoerrors', 'First Name': 'Two', 'Last Name': 'Errors', 'Phone Number': '1234567890123456' }) });
      expect(Object.keys(ack.body?.errors ?? {}).sort()).toEqual([BLOCKS.extension, BLOCKS.phone].sort());
      expect(ack.body?.errors?.[BLOCKS.extension]).toMatch(/An agent needs an extension/);
    });

    it('extension form: a 65-character Device Name and an Extension Number out of range are both reported', async () => {
      const view = await openModal(t, 'extension');
      const before = await requestCount(t);
      const ack = await sendViewSubmission(t.baseUrl, {
        view,
        values: fillView(view, { 'Extension Number': '99999', 'Device Name': 'd'.repeat(65), 'Device Type': 'Softphone' }),
        skipClientChecks: true,
      });
      expect(Object.keys(ack.body?.errors ?? {}).sort()).toEqual([BLOCKS.deviceName, BLOCKS.extensionNumber].sort());
      expect(ack.body?.errors?.[BLOCKS.deviceName]).toMatch(/at most 64 characters/);
      expect(ack.body?.errors?.[BLOCKS.extensionNumber]).toMatch(/within/);
      expect(await requestCount(t)).toBe(before);
    });

    it('the agent’s Extension step: the same two errors at once', async () => {
      const root = await openModal(t, 'agent');
      const since = t.slack.calls.length;
      await sendBlockAction(t.baseUrl, { actionId: 'set_up_new_extension', view: root });
      const step = await t.slack.waitForView({ method: 'views.push', since });
      const ack = await sendViewSubmission(t.baseUrl, {
        view: step,
        values: fillView(step, { 'Extension Number': '99999', 'Device Name': 'd'.repeat(65) }),
        skipClientChecks: true,
      });
      expect(Object.keys(ack.body?.errors ?? {}).sort()).toEqual([BLOCKS.deviceName, BLOCKS.extensionNumber].sort());
    });
  });

  describe('each error under its own field, never another', () => {
    it('/provision agent with no free extension: "An agent needs an extension" is on the primary phone, which offers a new one', async () => {
      const view = await openModal(t, 'agent');
      // The demo data has no free extension: the select offers only the new one.
      expect(optionTexts(view, 'Primary Phone (Extension)')).toEqual(['New extension (set up below)']);
      const typed = fillView(view, { Username: 'noext', 'First Name': 'No', 'Last Name': 'Ext', 'Phone Number': '555-555-4040', Notes: 'Team C' });
      const missing = await sendViewSubmission(t.baseUrl, { view, values: typed });
      expect(Object.keys(missing.body?.errors ?? {})).toEqual([BLOCKS.extension]);
      expect(missing.body?.errors?.[BLOCKS.extension]).toMatch(/An agent needs an extension/);

      const chosen = fillView(view, { Username: 'noext', 'First Name': 'No', 'Last Name': 'Ext', 'Phone Number': '555-555-4040', 'Primary Phone (Extension)': 'New extension (set up below)' });
      const notSetUp = await sendViewSubmission(t.baseUrl, { view, values: chosen });
      expect(Object.keys(notSetUp.body?.errors ?? {})).toEqual([BLOCKS.extension]);
      expect(notSetUp.body?.errors?.[BLOCKS.extension]).toMatch(/Set up the new extension first/);

      let since = t.slack.calls.length;
      await sendBlockAction(t.baseUrl, { actionId: 'set_up_new_extension', view, values: chosen });
      const step = await t.slack.waitForView({ method: 'views.push', since });
      since = t.slack.calls.length;
      expect((await sendViewSubmission(t.baseUrl, { view: step, values: fillView(step, { 'Extension Number': '1830', 'Device Name': 'No Ext softphone' }) })).body).toBeNull();
      await t.slack.waitFor('views.update', 3000, since);
      const rebuilt = t.slack.viewById(view.id!);
      expect((await sendViewSubmission(t.baseUrl, { view: rebuilt, values: chosen })).body).toEqual({ response_action: 'clear' });
      const [stored] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'noext'`);
      expect(stored?.payload).toMatchObject({ userType: 'agent', newExtension: { extensionNumber: '1830' } });
      expect((stored?.payload as { extensionNumber?: unknown }).extensionNumber ?? null).toBeNull();
    });

    it('a clone source gone since the form opened is told as such, not under Username', async () => {
      await t.db.insert(users).values({ username: 'leaving', firstName: 'Lea', lastName: 'Ving', phone: '+15555551111', profileKey: 'standard-agent', userType: 'non_agent', createdBy: REQUESTER });
      const view = await openModal(t, 'clone leaving');
      await t.db.delete(users).where(eq(users.username, 'leaving'));
      const ack = await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: 'stayer', 'First Name': 'Stay', 'Last Name': 'Er', 'Phone Number': '555-555-6060' }) });
      expect(ack.body?.response_action).toBe('push');
      expect(JSON.stringify(ack.body?.view?.blocks)).toContain('*Clone source*: There is no user leaving to clone');
    });

    it('a collection retired after it was chosen is told apart from the fields, in a view pushed on top of the form', async () => {
      const root = await openModal(t, 'user');
      const person = { Username: 'retired', 'First Name': 'Re', 'Last Name': 'Tired', 'Phone Number': '555-555-5050' };
      const typed = fillView(root, person);
      let since = t.slack.calls.length;
      await sendBlockAction(t.baseUrl, { actionId: 'choose_collections', view: root, values: typed });
      const step = await t.slack.waitForView({ method: 'views.push', since });
      since = t.slack.calls.length;
      await sendBlockAction(t.baseUrl, { actionId: 'deselect_all_agent_collections', view: step });
      const usersOnly = await t.slack.waitForView({ method: 'views.update', since });
      since = t.slack.calls.length;
      await sendViewSubmission(t.baseUrl, { view: usersOnly });
      await t.slack.waitFor('views.update', 3000, since);
      const rebuilt = t.slack.viewById(root.id!);

      const [gone] = await t.db.select().from(collections).where(eq(collections.kind, 'user')).limit(1);
      await t.db.update(collections).set({ active: false }).where(eq(collections.id, gone!.id));
      try {
        const before = await requestCount(t);
        const ack = await sendViewSubmission(t.baseUrl, { view: rebuilt, values: typed });
        expect(ack.body?.response_action).toBe('push');
        expect(ack.body?.view?.callback_id).toBe(VIEWS.formProblems);
        expect(JSON.stringify(ack.body?.view?.blocks)).toContain(`*Collections*: Unknown collection: ${gone!.id}`);
        expect(await requestCount(t)).toBe(before);
        // With a field error as well, the fields' errors come first, each on its own block only.
        const both = await sendViewSubmission(t.baseUrl, { view: rebuilt, values: fillView(rebuilt, { ...person, 'Phone Number': '1234567890123456' }) });
        expect(both.body?.errors).toEqual({ [BLOCKS.phone]: expect.stringMatching(/15 digits/) as unknown });
      } finally {
        await t.db.update(collections).set({ active: true }).where(eq(collections.id, gone!.id));
      }
    });
  });

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
    // A typed password is hashed after the ack: the request is stored just after it.
    await expect.poll(async () => (await requestsFor('typedpw')).length, { timeout: 10_000 }).toBe(1);
  });
});
