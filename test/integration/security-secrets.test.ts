import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { auditEvents, extensions, jobs, requests, users } from '../../src/db/schema/index.js';
import { fillView, type SlackView } from '../support/fill-view.js';
import type { SlackCall } from '../support/slack-double.js';
import { APPROVER, REQUESTER, sendBlockAction, sendMessageShortcut, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { SIGNING_SECRET, sendSlashCommand } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { SHORTCUTS } from '../../src/slack/ids.js';
import { APP_TOKEN, startTestBot, type SlackTransport, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { depsFor, janeDoe, requester, softphone } from '../support/fixtures.js';
import { extensionThroughApproval, userThroughApproval } from '../support/through-approval.js';

const BOT_TOKEN = 'xoxb-test-token';
const TYPED_PASSWORD = 'Harbor-Lantern-Typed-77';
const DEFAULT_PASSWORD = 'Jd5555551234!!';
/** An HR new-hire post: people's details, for the requester's eyes, not for the log. */
const HR_POST = 'Please welcome Maria Garcia to Tampa on Monday, salary band 7, maria.garcia@example.com, (555) 555-9876';

async function openModal(t: TestBot, text: string): Promise<SlackView> {
  const since = t.slack.calls.length;
  await sendSlashCommand(t.slackTarget, { text, trigger_id: triggerId() });
  return t.slack.waitForView({ method: 'views.open', since });
}

/** Submits a request through the modal, approves it with the button, and drains the outbox. */
async function requestAndApprove(t: TestBot, answers: Record<string, string>, agent = false): Promise<string> {
  const root = await openModal(t, agent ? 'agent' : 'user');
  let view = root;
  const typed = fillView(root, answers);
  if (agent) {
    const since = t.slack.calls.length;
    await sendBlockAction(t.slackTarget, { actionId: 'set_up_new_extension', view: root, values: typed });
    const step = await t.slack.waitForView({ method: 'views.push', since });
    const done = t.slack.calls.length;
    await sendViewSubmission(t.slackTarget, { view: step, values: fillView(step, { 'Device Name': 'Agent softphone' }) });
    await t.slack.waitFor('views.update', 10_000, done);
    view = t.slack.viewById(root.id!);
  }
  const since = t.slack.calls.length;
  const ack = await sendViewSubmission(t.slackTarget, { view, values: typed });
  expect(ack.body).toEqual({ response_action: 'clear' });
  const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 10_000, since);
  const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${answers.Username}`);
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBeTruthy();
  const ts = (post.answer as { ts: string }).ts;
  const message = t.slack.message(ts);
  await sendBlockAction(t.slackTarget, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts }, channelId: 'C0APPROVALS', user: APPROVER, responseUrl: t.slack.responseUrl(`approve-${answers.Username}`) });
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.state, { timeout: 10_000 }).toBe('completed');
  while ((await t.bot.notifications.runOnce()) > 0);
  await expect.poll(async () => (await notificationRows(t.db, eq(jobs.requestId, row!.id))).every((n) => n.state !== 'queued'), { timeout: 10_000 }).toBe(true);
  return row!.id;
}

/** An extension change (`extension unassign …`, `extension reassign …`) through its modal and the Approve button. */
async function extensionChangeApproved(t: TestBot, text: string, reason: string): Promise<void> {
  const view = await openModal(t, text);
  const since = t.slack.calls.length;
  const ack = await sendViewSubmission(t.slackTarget, { view, values: fillView(view, { 'Reason for the approvers': reason }) });
  expect(ack.body).toEqual({ response_action: 'clear' });
  await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
  const [row] = await t.db.select().from(requests).where(eq(requests.state, 'pending'));
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBeTruthy();
  const ts = (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]!.approvalTs!;
  const message = t.slack.message(ts);
  await sendBlockAction(t.slackTarget, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts }, channelId: 'C0APPROVALS', user: APPROVER, responseUrl: t.slack.responseUrl(`approve-${row!.id}`) });
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.state, { timeout: 10_000 }).toBe('completed');
  while ((await t.bot.notifications.runOnce()) > 0);
}

/** `/provision reset <username>`, approved with the button, the outbox drained: the reset request's ID. */
async function resetAndApprove(t: TestBot, username: string): Promise<string> {
  const since = t.slack.calls.length;
  await sendSlashCommand(t.slackTarget, { text: `reset ${username}`, trigger_id: triggerId(), response_url: t.slack.responseUrl(`reset-${username}`) });
  const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 10_000, since);
  const [row] = await t.db.select().from(requests).where(sql`${requests.kind} = 'reset_sign_in' and ${requests.payload} ->> 'account' = ${username}`);
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBeTruthy();
  const ts = (post.answer as { ts: string }).ts;
  const message = t.slack.message(ts);
  await sendBlockAction(t.slackTarget, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts }, channelId: 'C0APPROVALS', user: APPROVER, responseUrl: t.slack.responseUrl(`approve-reset-${username}`) });
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.state, { timeout: 10_000 }).toBe('completed');
  while ((await t.bot.notifications.runOnce()) > 0);
  await expect.poll(async () => (await notificationRows(t.db, eq(jobs.requestId, row!.id))).every((n) => n.state !== 'queued'), { timeout: 10_000 }).toBe(true);
  return row!.id;
}

/** Everything a person other than the new user could read: logs, Slack calls except DMs to the new user, and error texts. */
function leaks(haystacks: Record<string, string>, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(haystacks)) {
    for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) found.push(`${name} in ${where}`);
  }
  return found;
}

const callText = (calls: SlackCall[]) => JSON.stringify(calls.map((c) => ({ method: c.method, args: c.args, answer: c.answer })));

/** Over HTTP and in Socket Mode, where every envelope (a typed password, an HR post) crosses the socket. */
describe.each<SlackTransport>(['http', 'socket'])(`secrets stay secret across the whole flow, logging at debug, over %s (${testDriver})`, (transport) => {
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => smtp?.stop());

  it('never shows a password, hash, device secret, token or signing secret in logs, channels or emails', async () => {
    const t = await startTestBot({ SMTP_URL: smtp.url, LOG_LEVEL: 'debug', PUBLIC_URL: 'https://provision.example.com' }, { transport });
    try {
      t.slack.setSlackUser('U0JANE', { email: 'jane.doe@example.com' });
      await requestAndApprove(t, { Username: 'jdoe', 'First Name': 'Jane', 'Last Name': 'Doe', 'Phone Number': '555-555-1234', Email: 'jane.doe@example.com' });
      await requestAndApprove(t, { Username: 'typist', 'First Name': 'Ty', 'Last Name': 'Pist', 'Phone Number': '555-555-2345', Email: 'typist@example.com', Password: TYPED_PASSWORD });
      await requestAndApprove(t, { Username: 'agent7', 'First Name': 'Age', 'Last Name': 'Nt', 'Phone Number': '555-555-3456' }, true);
      // A reset of jdoe's sign-in: its email and DM describe the default rule, never the password itself.
      await resetAndApprove(t, 'jdoe');
      expect(smtp.received.some((m) => /Your sign-in was reset/.test(m.parsed.subject ?? ''))).toBe(true);
      // An HR post run through the new-hire shortcut: its text arrives in the payload.
      const shortcutAt = t.slack.calls.length;
      await sendMessageShortcut(t.slackTarget, { callbackId: SHORTCUTS.provisionNewHire, messageText: HR_POST, channelId: 'C0HRONBOARD' });
      await t.slack.waitForView({ method: 'views.open', since: shortcutAt });
      // A failed sign-in and a refused password change write error texts and log lines too.
      await fetch(`${t.baseUrl}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName: 'jdoe@abc', password: `${DEFAULT_PASSWORD}x` }) });
      const refused = await fetch(`${t.baseUrl}/api/v1/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signInName: 'jdoe@abc', currentPassword: DEFAULT_PASSWORD, newPassword: DEFAULT_PASSWORD }),
      });
      expect(refused.status).toBe(400);
      const refusal = await refused.text();

      // The agent's extension is unassigned, then given back by a reassignment: each replaces the device secret.
      const [first] = await t.db.select({ n: extensions.number, s: extensions.deviceSecret }).from(extensions);
      await extensionChangeApproved(t, `extension unassign ${first!.n}`, 'Desk move');
      const [between] = await t.db.select({ s: extensions.deviceSecret }).from(extensions);
      await extensionChangeApproved(t, `extension reassign ${first!.n} agent7`, 'Back at the desk');
      const [secret] = await t.db.select({ s: extensions.deviceSecret }).from(extensions);
      expect(new Set([first!.s, between!.s, secret!.s]).size).toBe(3);
      // The whole directory exported to the requester's DM: every user, with their extension, and none of their secrets.
      await sendSlashCommand(t.slackTarget, { text: 'export status:all', response_url: t.slack.responseUrl('export') });
      const exported = (await t.slack.waitForUpload((f) => f.name.startsWith('directory-'), 10_000)).content.toString('utf8');
      expect(exported).toContain('agent7,agent7@abc');
      expect(exported).toContain(`,${first!.n},`);
      const hashes = (await t.db.select({ h: users.passwordHash }).from(users)).map((r) => r.h).filter((h): h is string => h !== null);
      expect(secret?.s.length).toBeGreaterThanOrEqual(32);
      expect(hashes.length).toBeGreaterThanOrEqual(3);
      const secrets: Record<string, string> = {
        'default password': DEFAULT_PASSWORD,
        'typed password': TYPED_PASSWORD,
        'device secret': secret!.s,
        'device secret before the unassignment': first!.s,
        'device secret before the reassignment': between!.s,
        'bot token': BOT_TOKEN,
        'signing secret': SIGNING_SECRET,
        'app token': APP_TOKEN,
        ...Object.fromEntries(hashes.map((h, i) => [`password hash ${i}`, h.split('$').at(-1)!])),
      };
      const audit = JSON.stringify(await t.db.select().from(auditEvents));
      const stored = JSON.stringify(await t.db.select().from(jobs));
      const requestRows = JSON.stringify(await t.db.select({ p: requests.payload }).from(requests));
      const mail = smtp.received.map((m) => m.raw).join('\n');
      expect(
        leaks(
          { logs: t.logText(), 'Slack calls': callText(t.slack.calls), 'directory export': exported, 'sign-in error text': refusal, 'audit trail': audit, 'notification outbox': stored, emails: mail, 'request payloads': requestRows.replace(/"passwordHash":"[^"]*"/g, '') },
          secrets,
        ),
      ).toEqual([]);
      expect(t.logText()).not.toContain('salary band 7');
      // The logs are really at debug and really saw the flow: the check above is not vacuous.
      expect(t.logs.some((l) => l.level === 20)).toBe(true);
      expect(t.logs.filter((l) => l.msg === 'notification sent').length).toBeGreaterThanOrEqual(6);
      expect(t.logs.filter((l) => String(l.msg).startsWith('http request body')).length).toBeGreaterThan(10);
      if (transport === 'socket') expect(t.logs.filter((l) => String(l.msg).startsWith('Received a message on the WebSocket')).length).toBeGreaterThan(5);
    } finally {
      await t.close();
    }
  });

  it('with PASSWORD_POLICY=random, the one-time password reaches only the new user’s DM, then leaves the outbox', async () => {
    const t = await startTestBot({ SMTP_URL: smtp.url, LOG_LEVEL: 'debug', PASSWORD_POLICY: 'random' }, { transport });
    try {
      t.slack.setSlackUser('U0RANDO', { email: 'rando@example.com' });
      const mailBefore = smtp.received.length;
      const id = await requestAndApprove(t, { Username: 'rando', 'First Name': 'Ran', 'Last Name': 'Do', 'Phone Number': '555-555-9999', Email: 'rando@example.com' });
      const dm = t.slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0RANDO');
      const text = JSON.stringify(dm?.args);
      const oneTime = /one-time password:\* `([^`]+)`/.exec(String(dm?.args.text))?.[1];
      expect(oneTime, `no one-time password in the DM: ${text}`).toBeDefined();
      const others = t.slack.calls.filter((c) => c !== dm);
      expect(callText(others)).not.toContain(oneTime!);
      expect(t.logText()).not.toContain(oneTime!);
      expect(smtp.received.slice(mailBefore).map((m) => m.raw).join('\n')).not.toContain(oneTime!);
      // Once delivered, the outbox keeps no copy.
      expect(JSON.stringify(await notificationRows(t.db, eq(jobs.requestId, id)))).not.toContain(oneTime!);
      // And it signs in, once, to set a new password.
      const first = await fetch(`${t.baseUrl}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName: 'rando@abc', password: oneTime }) });
      expect(await first.json()).toMatchObject({ ok: true, passwordChangeRequired: true });
      expect(REQUESTER).not.toBe('U0RANDO');
    } finally {
      await t.close();
    }
  });

  it('with PASSWORD_POLICY=random, the one-time password of a sign-in reset reaches only the user’s own DM, then leaves the outbox', async () => {
    const t = await startTestBot({ SMTP_URL: smtp.url, LOG_LEVEL: 'debug', PASSWORD_POLICY: 'random' }, { transport });
    try {
      t.slack.setSlackUser('U0RESET', { email: 'reset.me@example.com' });
      await requestAndApprove(t, { Username: 'resetme', 'First Name': 'Re', 'Last Name': 'Set', 'Phone Number': '555-555-8888', Email: 'reset.me@example.com' });
      const mailBefore = smtp.received.length;
      const since = t.slack.calls.length;
      const id = await resetAndApprove(t, 'resetme');
      const dm = t.slack.calls.slice(since).find((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0RESET' && /Your sign-in was reset/.test(String(c.args.text)));
      const oneTime = /one-time password:\* `([^`]+)`/.exec(String(dm?.args.text))?.[1];
      expect(oneTime, `no one-time password in the reset DM: ${JSON.stringify(dm?.args)}`).toBeDefined();
      expect(callText(t.slack.calls.filter((c) => c !== dm))).not.toContain(oneTime!);
      expect(JSON.stringify(t.slack.responses)).not.toContain(oneTime!);
      expect(t.logText()).not.toContain(oneTime!);
      // DM only: no email at all for the reset, and so none with the password.
      expect(smtp.received.length).toBe(mailBefore);
      expect(JSON.stringify(await t.db.select().from(auditEvents))).not.toContain(oneTime!);
      expect(JSON.stringify(await notificationRows(t.db, eq(jobs.requestId, id)))).not.toContain(oneTime!);
      expect(JSON.stringify(await t.db.select({ p: requests.payload, r: requests.reason }).from(requests))).not.toContain(oneTime!);
      const first = await fetch(`${t.baseUrl}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName: 'resetme@abc', password: oneTime }) });
      expect(await first.json()).toMatchObject({ ok: true, passwordChangeRequired: true });
    } finally {
      await t.close();
    }
  });
});

/**
 * The device secret's own paths (issue 10): the reveal on /account, the PBX check, a rotation through
 * Slack. Both the first and the rotated secret appear on exactly one page each (the one reveal) and
 * nowhere else: not in the logs at debug, a Slack call, an email, the audit trail, the outbox, a request
 * payload, nor any other page or answer the bot gave.
 */
describe(`the device secret reaches only its one reveal page (${testDriver})`, () => {
  it('reveal, check, rotate, reveal again: each secret on one page, nowhere else', { timeout: 120_000 }, async () => {
    const smtp = await startSmtpTestServer();
    const t = await startTestBot({ SMTP_URL: smtp.url, LOG_LEVEL: 'debug', APPROVER_IDS: `${APPROVER},U0APPROVER2`, SIP_REGISTRAR: 'sip.example.com' });
    try {
      const deps = depsFor(t.db, { now: () => new Date() });
      const extension = await extensionThroughApproval(deps, requester, softphone());
      await userThroughApproval(deps, requester, { ...janeDoe({ username: 'jsecret', email: 'j.secret@example.com', userType: 'agent', extensionNumber: extension.number }) });
      while ((await t.bot.notifications.runOnce()) > 0);
      const pages: string[] = [];
      const revealPages: string[] = [];
      const form = async (fields: Record<string, string>) => {
        const text = await (await fetch(`${t.baseUrl}/account`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })).text();
        (fields.action === 'reveal-phone-settings' && text.includes('sip-secret') ? revealPages : pages).push(text);
        return text;
      };
      const check = async (secret: string) => {
        const response = await fetch(`${t.baseUrl}/api/v1/device-credentials/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extension: extension.number, secret }) });
        pages.push(await response.text());
        return response.status;
      };
      const token = (html: string) => /name="revealToken" value="([^"]+)"/.exec(html)![1]!;
      const NEW = 'Correct horse battery 9';
      await form({ action: 'sign-in', signInName: 'jsecret@abc', password: DEFAULT_PASSWORD });
      const first = token(await form({ action: 'change-password', signInName: 'jsecret@abc', currentPassword: DEFAULT_PASSWORD, newPassword: NEW, confirmPassword: NEW }));
      await form({ action: 'reveal-phone-settings', revealToken: first });
      await form({ action: 'reveal-phone-settings', revealToken: first });
      const [before] = await t.db.select().from(extensions).where(eq(extensions.number, extension.number));
      expect(await check(before!.deviceSecret)).toBe(200);
      expect(await check('not the secret')).toBe(401);

      await sendSlashCommand(t.slackTarget, { text: `extension rotate ${extension.number}`, user_id: APPROVER, response_url: t.slack.responseUrl('rotate') });
      await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.kind, 'rotate_device_secret')))[0]?.approvalTs ?? null, { timeout: 10_000 }).not.toBeNull();
      const [request] = await t.db.select().from(requests).where(eq(requests.kind, 'rotate_device_secret'));
      const message = t.slack.message(request!.approvalTs!);
      await sendBlockAction(t.slackTarget, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: 'C0APPROVALS', user: 'U0APPROVER2', responseUrl: t.slack.responseUrl('approve-rotation') });
      await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, request!.id)))[0]?.state, { timeout: 10_000 }).toBe('completed');
      while ((await t.bot.notifications.runOnce()) > 0);
      const [after] = await t.db.select().from(extensions).where(eq(extensions.number, extension.number));
      expect(await check(before!.deviceSecret)).toBe(401);
      expect(await check(after!.deviceSecret)).toBe(200);
      const again = token(await form({ action: 'sign-in', signInName: 'jsecret@abc', password: NEW }));
      await form({ action: 'reveal-phone-settings', revealToken: again });
      await form({ action: 'reveal-phone-settings', revealToken: again });

      // Each secret was shown, once, on its reveal page: the scan below looks where it really was.
      expect(revealPages).toHaveLength(2);
      expect(revealPages[0]).toContain(before!.deviceSecret);
      expect(revealPages[1]).toContain(after!.deviceSecret);
      const secrets = { 'first device secret': before!.deviceSecret, 'rotated device secret': after!.deviceSecret, 'first reveal token': first, 'second reveal token': again };
      const haystacks = {
        logs: t.logText(),
        'Slack calls': callText(t.slack.calls),
        'Slack responses': JSON.stringify(t.slack.responses),
        'audit trail': JSON.stringify(await t.db.select().from(auditEvents)),
        'notification outbox': JSON.stringify(await t.db.select().from(jobs)),
        'request payloads': JSON.stringify(await t.db.select({ p: requests.payload }).from(requests)),
        emails: smtp.received.map((m) => m.raw).join('\n'),
        'other pages and answers': pages.join('\n').replaceAll(`value="${first}"`, '').replaceAll(`value="${again}"`, ''),
      };
      expect(leaks(haystacks, secrets)).toEqual([]);
      expect(smtp.received.length).toBeGreaterThan(0);
      expect(t.logs.some((l) => l.level === 20)).toBe(true);
      expect(t.logs.some((l) => l.msg === 'device credentials checked')).toBe(true);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });
});
