import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs, requests, users } from '../../src/db/schema/index.js';
import { fillView, type SlackView } from '../support/fill-view.js';
import type { SlackMessage } from '../support/slack-double.js';
import { APPROVER, REQUESTER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const SECOND_APPROVER = 'U0APPROVER2';
const REQUESTS = 8;
const PENDING = 4;

async function submit(t: TestBot, username: string): Promise<string> {
  let since = t.slack.calls.length;
  await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() });
  const view: SlackView = await t.slack.waitForView({ method: 'views.open', since });
  since = t.slack.calls.length;
  const ack = await sendViewSubmission(t.baseUrl, {
    view,
    values: fillView(view, { Username: username, 'First Name': 'Twin', 'Last Name': username, 'Phone Number': '555-555-1234', Email: `${username}@example.com` }),
  });
  expect(ack.body).toEqual({ response_action: 'clear' });
  const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`);
  return row!.id;
}

/**
 * Two bots (each its own process state, HTTP port, pool and job worker) on one Postgres
 * database and one Slack workspace, as the README allows. Everything that must happen once is
 * coordinated in the database; this checks that it does happen once.
 */
describe.runIf(testDriver === 'postgres')('two instances, one Postgres', () => {
  let a: TestBot;
  let b: TestBot;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    const env = { APPROVER_IDS: `${APPROVER},${SECOND_APPROVER}`, SMTP_URL: smtp.url, MAIL_FROM: 'Provisioning <provisioning@example.com>' };
    a = await startTestBot(env);
    b = await startTestBot(env, { sameAs: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.stop();
  });

  it('Approve clicks on both land on one request once; every notification is sent once; one reminder per period', { timeout: 120_000 }, async () => {
    const slack = a.slack;
    const names: string[] = Array.from({ length: REQUESTS + PENDING }, (_, i) => `twin${i}`);
    for (const name of names) slack.setSlackUser(`U0${name.toUpperCase()}`, { email: `${name}@example.com`, realName: name });
    // Requests come in through either instance; each approval message is posted once.
    const ids = await Promise.all(names.map((name, i) => submit(i % 2 ? b : a, name)));
    const approvalPosts = (id: string) => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS' && c.status === 200 && JSON.stringify(c.args.blocks ?? []).includes(id));
    await expect.poll(async () => (await a.db.select().from(requests).where(inArray(requests.id, ids))).every((r) => r.approvalTs !== null), { timeout: 20_000 }).toBe(true);
    for (const id of ids) expect(approvalPosts(id)).toHaveLength(1);

    // Both approvers click Approve at once, one on each instance, on every request to approve.
    const approve = ids.slice(0, REQUESTS);
    const messageOf = (id: string): SlackMessage => slack.message((approvalPosts(id)[0]!.answer as { ts: string }).ts);
    const click = (t: TestBot, id: string, user: string, name: string) => {
      const message = messageOf(id);
      return sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user, responseUrl: slack.responseUrl(name) });
    };
    const acks = await Promise.all(approve.flatMap((id, i) => [click(a, id, APPROVER, `a-${i}`), click(b, id, SECOND_APPROVER, `b-${i}`)]));
    expect(acks.every((r) => r.status === 200)).toBe(true);
    await expect.poll(async () => (await a.db.select().from(requests).where(inArray(requests.id, approve))).map((r) => r.state).join(), { timeout: 30_000 }).toBe(Array(REQUESTS).fill('completed').join());
    const made = await a.db.select().from(users).where(inArray(users.username, names));
    expect(made.map((u) => u.username).sort()).toEqual(names.slice(0, REQUESTS).sort());
    // The approver who came second, on the other instance, was told it was already approved.
    await expect.poll(() => slack.responses.filter((r) => /already approved/.test(JSON.stringify(r.body))).length, { timeout: 20_000 }).toBe(REQUESTS);

    // Both job workers deliver (they poll in the background too): every notification once.
    const drain = async (t: TestBot) => {
      while ((await t.bot.notifications.runOnce()) > 0);
    };
    await expect
      .poll(
        async () => {
          await Promise.all([drain(a), drain(b)]);
          return (await notificationRows(a.db, inArray(jobs.requestId, approve))).every((n) => n.state === 'sent');
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const rows = await notificationRows(a.db, inArray(jobs.requestId, approve));
    expect(rows).toHaveLength(REQUESTS * 3);
    for (const name of names.slice(0, REQUESTS)) {
      expect(smtp.received.filter((m) => m.envelope.to.includes(`${name}@example.com`))).toHaveLength(1);
      expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `U0${name.toUpperCase()}` && c.status === 200)).toHaveLength(1);
    }
    const toRequester = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === REQUESTER && /approved/.test(String(c.args.text)));
    expect(toRequester).toHaveLength(REQUESTS);

    // Both sweepers run at once on requests left pending past the reminder time: one reminder per request.
    const pending = ids.slice(REQUESTS);
    await a.db.update(requests).set({ createdAt: new Date(Date.now() - 30 * 3_600_000) }).where(inArray(requests.id, pending));
    const reminders = (id: string) => slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.args.thread_ts === messageOf(id).ts);
    const sweepBoth = async () => {
      await Promise.all([a.bot.sweeper.runOnce(), b.bot.sweeper.runOnce(), a.bot.sweeper.runOnce(), b.bot.sweeper.runOnce()]);
      await Promise.all([drain(a), drain(b)]);
    };
    await sweepBoth();
    await sweepBoth();
    for (const id of pending) expect(reminders(id)).toHaveLength(1);
    // The next period (the last reminder 25 hours ago): one more each, however many sweeps.
    await a.db.update(requests).set({ remindedAt: new Date(Date.now() - 25 * 3_600_000) }).where(inArray(requests.id, pending));
    await sweepBoth();
    await sweepBoth();
    for (const id of pending) expect(reminders(id)).toHaveLength(2);

    // The click's refresh on instance A is slow in Slack while instance B delivers the notifications
    // and refreshes the same message: the newest render is still the last one Slack applies.
    const last = await submit(a, 'twinlast');
    slack.setSlackUser('U0TWINLAST', { email: 'twinlast@example.com', realName: 'twinlast' });
    await expect.poll(async () => (await a.db.select().from(requests).where(inArray(requests.id, [last])))[0]?.approvalTs ?? null, { timeout: 20_000 }).not.toBeNull();
    const slow = slack.holdNext('chat.update');
    await click(a, last, APPROVER, 'a-last');
    await slow.arrived;
    await expect
      .poll(
        async () => {
          await drain(b);
          return (await notificationRows(a.db, inArray(jobs.requestId, [last]))).every((n) => n.state === 'sent');
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    slow.release();
    const shown = () => JSON.stringify(messageOf(last).blocks);
    await expect.poll(shown, { timeout: 20_000 }).toContain('Welcome email: sent');
    await expect.poll(async () => (await a.db.select().from(requests).where(inArray(requests.id, [last])))[0]?.approvalRefreshUntil ?? null, { timeout: 20_000 }).toBeNull();
    expect(shown()).toContain('Welcome email: sent');
    expect(shown()).toContain('Slack DM to the new user: sent');

    // No refresher is left holding a message.
    expect((await a.db.select().from(requests).where(inArray(requests.id, [...ids, last]))).filter((r) => r.approvalRefreshUntil !== null)).toHaveLength(0);
    const handledBy = (t: TestBot) => t.logs.filter((l) => l.msg === 'notification sent').length;
    console.info(
      `[two-instances] ${names.length + 1} requests through 2 bots: ${names.length + 1} approval messages; ${REQUESTS * 2} simultaneous Approve clicks (1 per instance per request) → ${made.length} users; ` +
        `${rows.length} approval notifications + ${PENDING * 2} reminders + 3 for the last request, each sent once (instance A sent ${handledBy(a)}, B ${handledBy(b)}); ` +
        `2 sweepers × 4 passes × 2 periods → ${PENDING * 2} reminders (1 per request per period); a held chat.update from A did not overwrite B's newer render`,
    );
  });
});
