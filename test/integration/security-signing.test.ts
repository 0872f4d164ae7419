import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { VIEWS } from '../../src/slack/ids.js';
import { fillView, type SlackView } from '../support/fill-view.js';
import { rowCounts } from '../support/queries.js';
import { APP_ID, REQUESTER, TEAM_ID, appHomeOpened, triggerId } from '../support/slack-interactions.js';
import { SIGNING_SECRET, sendSlashCommand, slackSignature } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/**
 * Slack request signing (v0 HMAC-SHA256 over `v0:<timestamp>:<raw body>`), checked by Bolt's
 * HTTPReceiver before any listener runs: every forgery below must be answered 401 with no body, must
 * reach no listener (no Slack Web API call, no row written), and must be logged exactly once.
 */

const now = () => Math.floor(Date.now() / 1000);

interface Sent {
  status: number;
  text: string;
}

/** POSTs a raw body to /slack/events with exactly these headers (none added, none signed for us). */
async function postRaw(t: TestBot, body: string, contentType: string, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(`${t.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  return { status: response.status, text: await response.text() };
}

const signed = (body: string, timestamp = now(), secret = SIGNING_SECRET) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': slackSignature(body, timestamp, secret),
});

/** One kind of request Slack sends, as a raw body that would have an effect if it were accepted. */
interface Sample {
  name: string;
  contentType: string;
  body: () => string;
  /** The same kind of request with other content (for "a signature for a different body"). */
  otherBody: () => string;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const slashCommandBody = (text: string) =>
  new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'example',
    channel_id: 'C0REQUESTS',
    channel_name: 'requests',
    user_id: REQUESTER,
    user_name: 'requester',
    command: '/provision',
    text,
    api_app_id: APP_ID,
    response_url: 'https://hooks.slack.invalid/commands/1',
    trigger_id: triggerId(),
  }).toString();

const eventBody = (user: string) =>
  JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    event: { ...appHomeOpened(user), event_ts: `${now()}.000100` },
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: now(),
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  });

/** A view_submission of the New User modal, as Slack sends it (`payload=<json>`), that would store a request. */
function submissionBody(view: SlackView, username: string): string {
  const id = view.id ?? 'V0SIGNING';
  const values = fillView(view, { Username: username, 'First Name': 'Sig', 'Last Name': 'Ning', 'Phone Number': '555-555-0101' });
  const payload = {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'example' },
    user: { id: REQUESTER, username: 'requester', name: 'requester', team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: 'legacy-verification-token',
    trigger_id: triggerId(id),
    view: { ...view, id, state: { values }, root_view_id: view.root_view_id ?? id, previous_view_id: null, app_id: APP_ID, bot_id: 'BBOT' },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe(`Slack request signing on /slack/events (${testDriver})`, () => {
  let t: TestBot;
  let userView: SlackView;
  let forged = 0;
  const requestCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(requests))[0]?.n ?? 0;
  const snapshot = async () => ({ ...(await rowCounts(t.db)), requests: await requestCount() });
  const boltLines = (from: number) => t.logs.slice(from).filter((l) => l.component === 'bolt');
  /** Waits until the bot has stopped calling Slack and logging (work it does after an ack). */
  const settle = async () => {
    let seen = -1;
    while (seen !== t.slack.calls.length + t.logText().length) {
      seen = t.slack.calls.length + t.logText().length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    const since = t.slack.calls.length;
    expect((await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() })).status).toBe(200);
    userView = await t.slack.waitForView({ method: 'views.open', callbackId: VIEWS.userInfo, since });
  });
  afterAll(async () => t?.close());

  const samples: Sample[] = [
    { name: 'a slash command (/provision user)', contentType: FORM, body: () => slashCommandBody('user'), otherBody: () => slashCommandBody('extension') },
    { name: 'an Events API callback (app_home_opened)', contentType: JSON_TYPE, body: () => eventBody(REQUESTER), otherBody: () => eventBody('U0SOMEONE') },
    {
      name: 'a view_submission that would store a request',
      contentType: FORM,
      body: () => submissionBody(userView, `forged${++forged}`),
      otherBody: () => submissionBody(userView, `other${forged}`),
    },
  ];

  /** Each forgery: the headers sent with `body` (the body itself is never altered in transit). */
  const forgeries: { name: string; headers: (body: string, other: string) => Record<string, string>; reason: RegExp }[] = [
    { name: 'unsigned (no signature, no timestamp)', headers: () => ({}), reason: /x-slack-signature did not have the expected type/ },
    { name: 'unsigned (timestamp only)', headers: () => ({ 'x-slack-request-timestamp': String(now()) }), reason: /x-slack-signature did not have the expected type/ },
    { name: 'signed with garbage', headers: () => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': `v0=${'0'.repeat(64)}` }), reason: /signature mismatch/ },
    { name: 'signed with an unknown scheme', headers: (body) => ({ ...signed(body), 'x-slack-signature': signed(body)['x-slack-signature'].replace(/^v0=/, 'v1=') }), reason: /unknown signature version/ },
    { name: 'signed with another secret', headers: (body) => signed(body, now(), 'not-the-signing-secret'), reason: /signature mismatch/ },
    { name: 'signed 6 minutes ago (stale)', headers: (body) => signed(body, now() - 6 * 60), reason: /stale/ },
    { name: 'a non-numeric timestamp', headers: (body) => ({ ...signed(body), 'x-slack-request-timestamp': 'yesterday' }), reason: /x-slack-request-timestamp/ },
    {
      name: 'replayed with a new timestamp but the old signature',
      headers: (body) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': signed(body, now() - 120)['x-slack-signature'] }),
      reason: /signature mismatch/,
    },
    { name: 'a valid signature for a different body', headers: (_body, other) => signed(other), reason: /signature mismatch/ },
  ];

  for (const sample of samples) {
    describe(sample.name, () => {
      it('is accepted when correctly signed (the control: each forgery below would have had an effect)', async () => {
        const before = await snapshot();
        const since = t.slack.calls.length;
        const body = sample.body();
        const sent = await postRaw(t, body, sample.contentType, signed(body, now() - 60));
        expect(sent.status).toBe(200);
        if (sample.contentType === JSON_TYPE) await t.slack.waitFor('views.publish', 3000, since);
        else if (body.startsWith('payload=')) expect(await requestCount()).toBe(before.requests + 1);
        else await t.slack.waitFor('views.open', 3000, since);
        await settle();
      });

      for (const forgery of forgeries) {
        it(`${forgery.name} → 401, no listener runs, nothing stored, one log line`, async () => {
          const before = await snapshot();
          const calls = t.slack.calls.length;
          const logsFrom = t.logs.length;
          const body = sample.body();
          const sent = await postRaw(t, body, sample.contentType, forgery.headers(body, sample.otherBody()));
          expect(sent.status).toBe(401);
          expect(sent.text).toBe('');
          // Give a listener that wrongly ran the time to reach Slack or the database.
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(t.slack.calls.slice(calls).map((c) => c.method)).toEqual([]);
          expect(await snapshot()).toEqual(before);
          const lines = boltLines(logsFrom);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatchObject({ level: 40 }); // warn
          expect(String(lines[0]?.msg)).toMatch(/^Failed to parse and verify the request data: Failed to verify authenticity/);
          expect(String(lines[0]?.msg)).toMatch(forgery.reason);
        });
      }
    });
  }

  it('a request replayed verbatim within the five minutes is accepted by Slack’s scheme, but stores nothing twice', async () => {
    // Slack's signing has no nonce: an eavesdropper on the TLS-terminated path could replay a
    // signed body inside the window. The one-open-request-per-username rule makes that harmless.
    const body = submissionBody(userView, 'replayme');
    const headers = signed(body);
    const first = await postRaw(t, body, FORM, headers);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ response_action: 'clear' });
    const before = await snapshot();
    const again = await postRaw(t, body, FORM, headers);
    expect(again.status).toBe(200);
    const refused = JSON.parse(again.text) as { response_action?: string; errors?: Record<string, string> };
    expect(refused.response_action).toBe('errors');
    expect(refused.errors?.username).toMatch(/already waiting/);
    expect(await snapshot()).toEqual(before);
    await settle();
  });

  it('an unsigned ssl_check is answered, but a payload smuggled into it never reaches a listener', async () => {
    const before = await snapshot();
    const calls = t.slack.calls.length;
    const smuggled = `ssl_check=1&${submissionBody(userView, 'smuggled')}`;
    const sent = await postRaw(t, smuggled, FORM, {});
    expect(sent.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.slack.calls.slice(calls)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('an unsigned url_verification gets no challenge back', async () => {
    const sent = await postRaw(t, JSON.stringify({ token: 'legacy-verification-token', challenge: 'c-123', type: 'url_verification' }), JSON_TYPE, {});
    expect(sent.status).toBe(401);
    expect(sent.text).not.toContain('c-123');
  });

  it('never writes the signing secret, or the signatures it was sent, to the log', () => {
    expect(t.logText()).not.toContain(SIGNING_SECRET);
    expect(t.logText()).not.toMatch(/v0=[0-9a-f]{64}/);
  });
});
