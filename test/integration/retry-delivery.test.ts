import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { auditEvents, requests } from '../../src/db/schema/index.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import type { SlackMessage } from '../support/slack-double.js';
import { APPROVER, OUTSIDER, sendBlockAction } from '../support/slack-interactions.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const SECOND_APPROVER = 'U0APPROVER2';
const textOf = (m: SlackMessage) => JSON.stringify(m.blocks ?? []);

async function approvedRequest(t: TestBot, username: string, email: string): Promise<{ id: string; message: () => SlackMessage }> {
  const submitted = await submitUserRequest(depsFor(t.db, { now: () => new Date() }), requester, { kind: 'create_user', input: janeDoe({ username, email }) });
  await t.bot.sweeper.runOnce();
  const [row] = await t.db.select().from(requests).where(eq(requests.id, submitted.id));
  const message = () => t.slack.message(row!.approvalTs!);
  await click(t, 'approve_request', message(), APPROVER, `approve-${username}`);
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, submitted.id)))[0]?.state, { timeout: 15_000 }).toBe('completed');
  return { id: submitted.id, message };
}

function click(t: TestBot, actionId: string, message: SlackMessage, user: string, name: string) {
  return sendBlockAction(t.baseUrl, { actionId, message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user, responseUrl: t.slack.responseUrl(name) });
}
const told = async (t: TestBot, name: string) => JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 5000)).body);

async function drain(t: TestBot): Promise<void> {
  while ((await t.bot.notifications.runOnce()) > 0);
}

describe(`Retry delivery of a notification that used up its retries (${testDriver})`, () => {
  let t: TestBot;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestBot({ APPROVER_IDS: `${APPROVER},${SECOND_APPROVER}`, SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('the SMTP server refuses: "email not delivered" and Retry delivery; two clicks at once send exactly one email', async () => {
    // 550: a permanent refusal, so the email is dead at its first attempt (as after its last retry).
    smtp.rejectNextRecipient(550);
    const r = await approvedRequest(t, 'undelivered', 'undelivered@example.com');
    await drain(t);
    await expect.poll(async () => (await notificationsOfRequest(t.db, r.id)).find((n) => n.topic === 'welcome_email')?.state, { timeout: 10_000 }).toBe('dead');
    await expect.poll(() => textOf(r.message()), { timeout: 10_000 }).toContain('email not delivered');
    const dead = r.message();
    expect(textOf(dead)).toContain('SMTP refused (550)');
    expect(textOf(dead)).toContain('retry_delivery');
    // Fixed words only: not the SMTP server's own reply text.
    expect(textOf(dead)).not.toContain('No such user here');
    assertWithinSlackLimits({ type: 'home', blocks: dead.blocks as never });
    expect(smtp.received.filter((m) => m.envelope.to.includes('undelivered@example.com'))).toHaveLength(0);

    // Not an approver: told so, nothing put back.
    await click(t, 'retry_delivery', dead, OUTSIDER, 'retry-outsider');
    expect(await told(t, 'retry-outsider')).toMatch(/Only contact-center admins/);
    expect((await notificationsOfRequest(t.db, r.id)).find((n) => n.topic === 'welcome_email')?.state).toBe('dead');

    // The server accepts again; two approvers click Retry delivery at once.
    await Promise.all([click(t, 'retry_delivery', dead, APPROVER, 'retry-a'), click(t, 'retry_delivery', dead, SECOND_APPROVER, 'retry-b')]);
    const answers = [await told(t, 'retry-a'), await told(t, 'retry-b')];
    expect(answers.filter((a) => a.includes('Trying again now: the welcome email'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('nothing left to retry'))).toHaveLength(1);
    await drain(t);
    await smtp.waitForCount(1, 10_000).catch(() => undefined);
    await expect.poll(async () => (await notificationsOfRequest(t.db, r.id)).find((n) => n.topic === 'welcome_email')?.state, { timeout: 10_000 }).toBe('sent');
    await drain(t);
    expect(smtp.received.filter((m) => m.envelope.to.includes('undelivered@example.com'))).toHaveLength(1);
    await expect.poll(() => textOf(r.message()), { timeout: 10_000 }).toContain('Welcome email: sent');
    expect(textOf(r.message())).not.toContain('retry_delivery');
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, r.id), eq(auditEvents.action, 'notification.retried')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ topic: 'welcome_email' });

    // A late click on the old message: nothing to retry, nothing sent again.
    await click(t, 'retry_delivery', dead, APPROVER, 'retry-late');
    expect(await told(t, 'retry-late')).toContain('nothing left to retry');
    await drain(t);
    expect(smtp.received.filter((m) => m.envelope.to.includes('undelivered@example.com'))).toHaveLength(1);
  });
});

describe(`Retry delivery leaves a one-time password DM alone (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ PASSWORD_POLICY: 'random' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a dead DM whose one-time password was erased is shown as not delivered, with no Retry delivery', async () => {
    t.slack.setSlackUser('U0OTP', { email: 'otp@example.com', realName: 'O T P' });
    // The DM's recipient lookup fails permanently: the DM goes dead and its password is erased.
    t.slack.failNext('users.lookupByEmail', 200, { ok: false, error: 'invalid_email' });
    const r = await approvedRequest(t, 'otpuser', 'otp@example.com');
    await drain(t);
    await expect.poll(async () => (await notificationsOfRequest(t.db, r.id)).find((n) => n.topic === 'welcome_dm')?.state, { timeout: 10_000 }).toBe('dead');
    const dm = (await notificationsOfRequest(t.db, r.id)).find((n) => n.topic === 'welcome_dm')!;
    expect(dm.payload).not.toHaveProperty('oneTimePassword');
    await expect.poll(() => textOf(r.message()), { timeout: 10_000 }).toContain('DM not delivered');
    expect(textOf(r.message())).toContain('one-time password was erased');
    // The email went (outbox folder), so nothing on the message can be retried.
    expect(textOf(r.message())).not.toContain('retry_delivery');
  });
});
