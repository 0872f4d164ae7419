import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections, jobs, requests, users } from '../../src/db/schema/index.js';
import { notificationRows, notificationsOfRequest } from '../../src/db/repositories/notifications.js';
import { claimApprovalPost } from '../../src/services/approval-status.js';
import { verifyPassword } from '../../src/domain/password-hash.js';
import { VIEWS } from '../../src/slack/ids.js';
import { collectionIdsOfUserForTest } from '../support/collections.js';
import { depsFor, janeDoe } from '../support/fixtures.js';
import { fillView, type SlackView, type ViewBlock } from '../support/fill-view.js';
import type { SlackMessage } from '../support/slack-double.js';
import { APPROVER, OUTSIDER, REQUESTER, appHomeOpened, sendBlockAction, sendEvent, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

const SECOND_APPROVER = 'U0APPROVER2';
const textOf = (blocks: readonly ViewBlock[] | undefined) => JSON.stringify(blocks ?? []);

async function openModal(t: TestBot, text: string): Promise<SlackView> {
  const since = t.slack.calls.length;
  await sendSlashCommand(t.baseUrl, { text, trigger_id: triggerId() });
  return t.slack.waitForView({ method: 'views.open', since });
}

/** Submits a New User request through the modal and returns the approval message the bot posted. */
async function requestUser(t: TestBot, person: { username: string; first: string; last: string; email: string; phone?: string }): Promise<{ id: string; message: SlackMessage }> {
  const view = await openModal(t, 'user');
  const since = t.slack.calls.length;
  const ack = await sendViewSubmission(t.baseUrl, {
    view,
    values: fillView(view, { Username: person.username, 'First Name': person.first, 'Last Name': person.last, 'Phone Number': person.phone ?? '555-555-1234', Email: person.email }),
  });
  expect(ack.body).toEqual({ response_action: 'clear' });
  const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
  const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${person.username}`);
  const ts = (post.answer as { ts: string }).ts;
  // The bot records where the message lives right after Slack answers.
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBe(ts);
  return { id: row!.id, message: t.slack.message(ts) };
}

function click(t: TestBot, actionId: 'approve_request' | 'reject_request', message: SlackMessage, user: string, responseName: string) {
  return sendBlockAction(t.baseUrl, { actionId, message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user, responseUrl: t.slack.responseUrl(responseName) });
}

describe(`approvals with buttons, notifications and first sign-in, end to end (${testDriver})`, () => {
  let t: TestBot;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestBot({ APPROVER_IDS: `${APPROVER},${SECOND_APPROVER}`, SMTP_URL: smtp.url, MAIL_FROM: 'Provisioning <provisioning@example.com>', PUBLIC_URL: 'https://provision.example.com' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('posts each request to the approvals channel with Approve and Reject, and never a password', async () => {
    const view = await openModal(t, 'user');
    const since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: 'typed', 'First Name': 'Ty', 'Last Name': 'Ped', 'Phone Number': '555-555-1111', Password: 'Sup3r-Secret-Word!' }) });
    const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
    const shown = JSON.stringify(post.args);
    expect(shown).toContain('typed');
    expect(shown).toContain('"approve_request"');
    expect(shown).toContain('"reject_request"');
    expect(shown).not.toContain('Sup3r-Secret-Word!');
    expect(shown).not.toMatch(/scrypt\$/);
  });

  it('one approval: the user exists, the message says who and when, the new user is emailed and DMed, and signs in', async () => {
    t.slack.setSlackUser('U0JANE', { email: 'jane.doe@example.com', realName: 'Jane Doe' });
    const { id, message } = await requestUser(t, { username: 'jdoe', first: 'Jane', last: 'Doe', email: 'jane.doe@example.com' });

    // Not an approver: told so, nothing changes.
    await click(t, 'approve_request', message, OUTSIDER, 'outsider');
    const refusal = await t.slack.waitForResponse((r) => r.url.endsWith('outsider'));
    expect(JSON.stringify(refusal.body)).toMatch(/Only contact-center admins/);
    expect(refusal.body.replace_original).toBe(false);

    const since = t.slack.calls.length;
    await click(t, 'approve_request', message, APPROVER, 'approve');
    await t.slack.waitFor('chat.update', 3000, since);
    const [user] = await t.db.select().from(users).where(eq(users.username, 'jdoe'));
    expect(user).toBeDefined();
    expect(await verifyPassword('Jd5555551234!!', user!.passwordHash!)).toBe(true);
    const updated = t.slack.message(message.ts);
    expect(textOf(updated.blocks)).toContain(`Approved and completed* by <@${APPROVER}>`);
    expect(textOf(updated.blocks)).toContain('User jdoe created');
    expect(textOf(updated.blocks)).not.toContain('approve_request');

    // The outbox (its worker polls in the background too): welcome email, the new user's DM, the
    // requester's DM — each exactly once.
    while ((await t.bot.notifications.runOnce()) > 0);
    await expect.poll(async () => (await notificationsOfRequest(t.db, id)).every((n) => n.state === 'sent')).toBe(true);
    const mail = smtp.received.filter((m) => m.envelope.to.includes('jane.doe@example.com'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.parsed.text).toContain('jdoe@abc');
    expect(mail[0]!.parsed.text).toContain('https://provision.example.com/account');
    expect(mail[0]!.parsed.text).not.toContain('Jd5555551234!!');
    const dms = t.slack.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && c.status === 200);
    expect(dms.map((c) => c.args.channel).sort()).toEqual(['U0JANE', REQUESTER].sort());
    expect(JSON.stringify(dms)).not.toContain('Jd5555551234!!');
    await t.slack.waitFor((c) => c.method === 'chat.update' && JSON.stringify(c.args).includes('Welcome email: sent'), 3000, since);
    const states = (await notificationsOfRequest(t.db, id)).map((n) => `${n.topic}:${n.state}`).sort();
    expect(states).toEqual(expect.arrayContaining(['welcome_email:sent', 'welcome_dm:sent']));

    // A second approver, late: told who decided; still one user, no new notifications.
    await click(t, 'approve_request', message, SECOND_APPROVER, 'late');
    const late = await t.slack.waitForResponse((r) => r.url.endsWith('late'));
    expect(JSON.stringify(late.body)).toContain(`already approved by <@${APPROVER}>`);
    expect(await t.db.select().from(users).where(eq(users.username, 'jdoe'))).toHaveLength(1);
    expect(await t.bot.notifications.runOnce()).toBe(0);
    expect(smtp.received.filter((m) => m.envelope.to.includes('jane.doe@example.com'))).toHaveLength(1);

    // First sign-in: the default password works only to set a new one; then the new one works.
    const signIn = (password: string) =>
      fetch(`${t.baseUrl}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName: 'jdoe@abc', password }) });
    const first = await signIn('Jd5555551234!!');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ passwordChangeRequired: true });
    const change = await fetch(`${t.baseUrl}/api/v1/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signInName: 'jdoe@abc', currentPassword: 'Jd5555551234!!', newPassword: 'Blue-Harbor-Lantern-42' }),
    });
    expect(change.status).toBe(200);
    expect((await signIn('Jd5555551234!!')).status).toBe(401);
    const after = await signIn('Blue-Harbor-Lantern-42');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ passwordChangeRequired: false });
  });

  it('ten approvers clicking at once, and Slack retrying, end with exactly one user', async () => {
    const { id, message } = await requestUser(t, { username: 'race', first: 'Ray', last: 'Ce', email: 'race@example.com', phone: '555-555-7777' });
    const clickers = Array.from({ length: 10 }, (_, i) => (i % 2 ? SECOND_APPROVER : APPROVER));
    const acks = await Promise.all(clickers.map((u, i) => click(t, 'approve_request', message, u, `race-${i}`)));
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const told = await Promise.all(Array.from({ length: 9 }, () => t.slack.waitForResponse((r) => r.url.includes('/race-') && JSON.stringify(r.body).includes('already approved'), 5000)));
    expect(told.length).toBe(9);
    expect(await t.db.select().from(users).where(eq(users.username, 'race'))).toHaveLength(1);
    const queued = await notificationsOfRequest(t.db, id);
    expect(queued.filter((n) => n.topic === 'welcome_email')).toHaveLength(1);
  });

  it('reject asks for a reason, updates the message and tells the requester', async () => {
    const { id, message } = await requestUser(t, { username: 'nope', first: 'No', last: 'Pe', email: 'nope@example.com', phone: '555-555-8888' });
    await click(t, 'reject_request', message, OUTSIDER, 'reject-outsider');
    expect(JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith('reject-outsider'))).body)).toMatch(/Only contact-center admins/);

    let since = t.slack.calls.length;
    await click(t, 'reject_request', message, APPROVER, 'reject');
    const modal = await t.slack.waitForView({ method: 'views.open', since });
    expect(modal.callback_id).toBe(VIEWS.rejectReason);
    const blank = await sendViewSubmission(t.baseUrl, { view: modal, values: fillView(modal, { Reason: '   ' }), user: APPROVER, skipClientChecks: true });
    expect(blank.body?.response_action).toBe('errors');
    since = t.slack.calls.length;
    const done = await sendViewSubmission(t.baseUrl, { view: modal, values: fillView(modal, { Reason: 'Duplicate of <!channel> jdoe' }), user: APPROVER });
    expect(done.body).toEqual({ response_action: 'clear' });
    // The rejection's render is the last chat.update, but an earlier refresh (the post's own) may land
    // first: wait for the message to read as rejected rather than for the next update.
    await expect.poll(() => textOf(t.slack.message(message.ts).blocks), { timeout: 5000 }).toContain('Rejected* by');
    const updated = textOf(t.slack.message(message.ts).blocks);
    expect(updated).toContain('&lt;!channel&gt;');
    const [row] = await t.db.select().from(requests).where(eq(requests.id, id));
    expect(row).toMatchObject({ state: 'rejected', approverId: APPROVER, reason: 'Duplicate of <!channel> jdoe' });
    expect(await t.db.select().from(users).where(eq(users.username, 'nope'))).toHaveLength(0);
    while ((await t.bot.notifications.runOnce()) > 0);
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && String(c.args.text).includes('(nope)'), 5000);
    expect(String(dm.args.text)).toMatch(/rejected/i);
    expect(String(dm.args.text)).toContain('Duplicate of &lt;!channel&gt; jdoe');
    // Approve after reject: nothing happens.
    await click(t, 'approve_request', message, APPROVER, 'after-reject');
    expect(JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith('after-reject'))).body)).toContain('already rejected');
  });

  it('reminds approvers of a request left pending, then expires it; the message and App Home show it', async () => {
    const { id, message } = await requestUser(t, { username: 'waiting', first: 'Wai', last: 'Ting', email: 'waiting@example.com', phone: '555-555-6666' });
    await t.db.update(requests).set({ createdAt: new Date(Date.now() - 30 * 3_600_000) }).where(eq(requests.id, id));
    let since = t.slack.calls.length;
    await t.bot.sweeper.runOnce();
    while ((await t.bot.notifications.runOnce()) > 0);
    const reminder = t.slack.calls.slice(since).find((c) => c.method === 'chat.postMessage' && c.args.thread_ts === message.ts);
    expect(String(reminder?.args.text)).toMatch(/Reminder/);
    expect(textOf(t.slack.message(message.ts).blocks)).toContain('reminded');
    since = t.slack.calls.length;
    await t.bot.sweeper.runOnce();
    while ((await t.bot.notifications.runOnce()) > 0);
    expect(t.slack.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts === message.ts)).toHaveLength(0);

    await t.db.update(requests).set({ createdAt: new Date(Date.now() - 8 * 24 * 3_600_000) }).where(eq(requests.id, id));
    await t.bot.sweeper.runOnce();
    expect(textOf(t.slack.message(message.ts).blocks)).toContain('Expired');
    since = t.slack.calls.length;
    await sendEvent(t.baseUrl, appHomeOpened(REQUESTER));
    await t.slack.waitFor('views.publish', 3000, since);
    expect(textOf(t.slack.homeView(REQUESTER).blocks)).toMatch(/Expired/);
  });

  it('clone with Select All on both lists gives the new user every collection, not the source’s', async () => {
    const all = (await t.db.select({ id: collections.id }).from(collections)).map((c) => c.id).sort((a, b) => a - b);
    expect(all.length).toBeGreaterThan(2);
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'fewcols', collectionIds: all.slice(0, 2) }));
    const root = await openModal(t, 'clone fewcols');
    const typed = fillView(root, { Username: 'allcols', 'First Name': 'Al', 'Last Name': 'Cols', 'Phone Number': '555-555-2468', Email: 'allcols@example.com' });
    let since = t.slack.calls.length;
    await sendBlockAction(t.baseUrl, { actionId: 'choose_collections', view: root, values: typed });
    let step = await t.slack.waitForView({ method: 'views.push', since });
    for (const actionId of ['select_all_user_collections', 'select_all_agent_collections']) {
      since = t.slack.calls.length;
      await sendBlockAction(t.baseUrl, { actionId, view: step });
      step = await t.slack.waitForView({ method: 'views.update', since });
    }
    since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view: step });
    await t.slack.waitFor('views.update', 3000, since);
    const rebuilt = t.slack.viewById(root.id!);
    expect(JSON.stringify(rebuilt.blocks)).toContain(`Collections: all ${all.length} selected`);

    since = t.slack.calls.length;
    expect((await sendViewSubmission(t.baseUrl, { view: rebuilt, values: typed })).body).toEqual({ response_action: 'clear' });
    const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
    const message = t.slack.message((post.answer as { ts: string }).ts);
    expect(textOf(message.blocks)).toContain(`all ${all.length}`);
    await click(t, 'approve_request', message, APPROVER, 'approve-allcols');
    await expect.poll(async () => (await t.db.select().from(users).where(eq(users.username, 'allcols'))).length, { timeout: 10_000 }).toBe(1);
    const [created] = await t.db.select().from(users).where(eq(users.username, 'allcols'));
    expect(await collectionIdsOfUserForTest(t.db, created!.id)).toEqual(all);
  });

  it('reads a clone request stored before "all" existed (no collectionIds) as the source’s collections', async () => {
    const all = (await t.db.select({ id: collections.id }).from(collections)).map((c) => c.id).sort((a, b) => a - b);
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'oldsource', collectionIds: [all[1]!] }));
    const view = await openModal(t, 'clone oldsource');
    const since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view, values: fillView(view, { Username: 'oldclone', 'First Name': 'Ol', 'Last Name': 'Clone', 'Phone Number': '555-555-1357' }) });
    const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
    // The payload as an older bot wrote it: collections left out to mean "the source's".
    const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'oldclone'`);
    const { collectionIds: _dropped, ...older } = row!.payload as Record<string, unknown>;
    await t.db.update(requests).set({ payload: older }).where(eq(requests.id, row!.id));
    await click(t, 'approve_request', t.slack.message((post.answer as { ts: string }).ts), APPROVER, 'approve-oldclone');
    await expect.poll(async () => (await t.db.select().from(users).where(eq(users.username, 'oldclone'))).length, { timeout: 10_000 }).toBe(1);
    const [created] = await t.db.select().from(users).where(eq(users.username, 'oldclone'));
    expect(await collectionIdsOfUserForTest(t.db, created!.id)).toEqual([all[1]]);
  });

  it('retries a reminder whose post failed: it goes through the outbox', async () => {
    const { id, message } = await requestUser(t, { username: 'remindme', first: 'Re', last: 'Mind', email: 'remindme@example.com', phone: '555-555-6677' });
    while ((await t.bot.notifications.runOnce()) > 0);
    await t.db.update(requests).set({ createdAt: new Date(Date.now() - 30 * 3_600_000) }).where(eq(requests.id, id));
    const inThread = () => t.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === message.ts);
    t.slack.failNext('chat.postMessage', 500, 'Slack is having a bad day');
    await t.bot.sweeper.runOnce();
    while ((await t.bot.notifications.runOnce()) > 0);
    expect(inThread().map((c) => c.status)).toEqual([500]);
    const [queued] = (await notificationsOfRequest(t.db, id)).filter((n) => n.topic === 'approval_reminder');
    expect(queued).toMatchObject({ state: 'queued', attempts: 1, channel: 'slack_post' });
    // The backoff has passed: the worker posts it again.
    await t.db.update(jobs).set({ runAfter: new Date(Date.now() - 1000) }).where(eq(jobs.id, queued!.id));
    while ((await t.bot.notifications.runOnce()) > 0);
    expect(inThread().map((c) => c.status)).toEqual([500, 200]);
    expect(String(inThread()[1]!.args.text)).toMatch(/Reminder: this request has waited more than 24 hours/);
    expect((await notificationsOfRequest(t.db, id)).find((n) => n.topic === 'approval_reminder')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('does not let an approver approve their own request (ALLOW_SELF_APPROVAL is off)', async () => {
    const view = await (async () => {
      const since = t.slack.calls.length;
      await sendSlashCommand(t.baseUrl, { text: 'user', user_id: APPROVER, trigger_id: triggerId() });
      return t.slack.waitForView({ method: 'views.open', since });
    })();
    const since = t.slack.calls.length;
    await sendViewSubmission(t.baseUrl, { view, user: APPROVER, values: fillView(view, { Username: 'selfish', 'First Name': 'Sel', 'Last Name': 'Fish', 'Phone Number': '555-555-4444' }) });
    const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
    const message = t.slack.message((post.answer as { ts: string }).ts);
    await click(t, 'approve_request', message, APPROVER, 'self');
    expect(JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith('self'))).body)).toMatch(/another approver has to approve it/);
    expect(await t.db.select().from(users).where(eq(users.username, 'selfish'))).toHaveLength(0);
    await click(t, 'approve_request', message, SECOND_APPROVER, 'other');
    await expect.poll(async () => (await t.db.select().from(users).where(eq(users.username, 'selfish'))).length, { timeout: 10_000 }).toBe(1);
  });

  it('posts an approval message later when Slack failed at submission', async () => {
    const row = await submitWhileSlackRefusesPosts(t, { Username: 'later', 'First Name': 'La', 'Last Name': 'Ter', 'Phone Number': '555-555-5555' });
    const sweep = t.slack.calls.length;
    await t.bot.sweeper.runOnce();
    const posted = t.slack.calls.slice(sweep).find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS');
    expect(JSON.stringify(posted?.args)).toContain('later');
    expect((await t.db.select().from(requests).where(eq(requests.id, row.id)))[0]?.approvalTs).toBeTruthy();
  });

  it('takes again, after a timeout, a claim on posting the approval message left by a process that died mid-post', async () => {
    const row = await submitWhileSlackRefusesPosts(t, { Username: 'orphan', 'First Name': 'Or', 'Last Name': 'Phan', 'Phone Number': '555-555-5566' });
    const posts = () => t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS' && JSON.stringify(c.args).includes('orphan') && c.status === 200 && (c.answer as { ok?: boolean }).ok);

    // Another instance claims the post a minute ago and is still at it: the sweep leaves it alone.
    const instance = (minutesAgo: number) => ({ db: t.db, now: () => new Date(Date.now() - minutesAgo * 60_000) });
    expect(await claimApprovalPost(instance(1), row.id, 'C0APPROVALS')).toBeTruthy();
    await t.bot.sweeper.runOnce();
    expect(posts()).toHaveLength(0);

    // A claim taken 11 minutes ago by an instance that died mid-post is taken again, and the message posted.
    await t.db.update(requests).set({ approvalChannel: null }).where(eq(requests.id, row.id));
    expect(await claimApprovalPost(instance(11), row.id, 'C0APPROVALS')).toBeTruthy();
    await t.bot.sweeper.runOnce();
    expect(posts()).toHaveLength(1);
    const [after] = await t.db.select().from(requests).where(eq(requests.id, row.id));
    expect(after?.approvalTs).toBe((posts()[0]!.answer as { ts: string }).ts);
    await t.bot.sweeper.runOnce();
    expect(posts()).toHaveLength(1);
  });

  it('says "sending" while a delivery is in flight, and "retrying" only after an attempt failed, with why', async () => {
    while ((await t.bot.notifications.runOnce()) > 0);
    t.slack.setSlackUser('U0FLIGHT', { email: 'inflight@example.com', realName: 'In Flight' });
    const { id, message } = await requestUser(t, { username: 'inflight', first: 'In', last: 'Flight', email: 'inflight@example.com', phone: '555-555-7788' });
    const lookup = t.slack.holdNext('users.lookupByEmail');
    smtp.rejectNextRecipient(451, 'Mailbox of inflight@example.com busy, try later');
    await click(t, 'approve_request', message, APPROVER, 'inflight');
    const deliveryLine = () => {
      const context = (t.slack.message(message.ts).blocks ?? []).filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
      return context.find((c) => c.includes('Welcome email')) ?? '';
    };
    // The DM's first attempt is in flight (held in Slack); the email's first attempt fails.
    const round = t.bot.notifications.runOnce();
    await lookup.arrived;
    await expect.poll(async () => (await notificationsOfRequest(t.db, id)).find((n) => n.topic === 'welcome_email')?.lastError ?? null, { timeout: 10_000 }).toMatch(/^SMTP 451/);
    // The requester's DM settles meanwhile and refreshes the message: nothing has failed for the DM yet.
    await expect.poll(deliveryLine, { timeout: 10_000 }).toContain('Slack DM to the new user: sending');
    expect(deliveryLine()).not.toMatch(/Slack DM to the new user: (queued|retrying)/);
    lookup.release();
    await round;
    await expect.poll(deliveryLine, { timeout: 10_000 }).toContain('Slack DM to the new user: sent');
    expect(deliveryLine()).toContain('Welcome email: retrying (1 failed attempt so far: SMTP refused (451))');
    // The reason is fixed words and the reply code: the server's text (here with an address) stays out.
    expect(deliveryLine()).not.toContain('inflight@example.com');
    const [email] = (await notificationsOfRequest(t.db, id)).filter((n) => n.topic === 'welcome_email');
    await t.db.update(jobs).set({ runAfter: new Date(Date.now() - 1000) }).where(eq(jobs.id, email!.id));
    while ((await t.bot.notifications.runOnce()) > 0);
    await expect.poll(deliveryLine, { timeout: 10_000 }).toContain('Welcome email: sent');
  });

  it('never lets an older render of the approval message land after a newer one', async () => {
    while ((await t.bot.notifications.runOnce()) > 0);
    t.slack.setSlackUser('U0NEWEST', { email: 'newest@example.com', realName: 'New Est' });
    const { id, message } = await requestUser(t, { username: 'newest', first: 'New', last: 'Est', email: 'newest@example.com', phone: '555-555-8899' });
    // Slack is slow with the click's update (rendered as "approved, notifications queued")...
    const slow = t.slack.holdNext('chat.update');
    await click(t, 'approve_request', message, APPROVER, 'newest');
    await slow.arrived;
    // ...while the notifications are delivered and each settled one asks for a newer render.
    while ((await t.bot.notifications.runOnce()) > 0);
    await expect.poll(async () => (await notificationsOfRequest(t.db, id)).every((n) => n.state === 'sent'), { timeout: 10_000 }).toBe(true);
    slow.release();
    const shown = () => JSON.stringify(t.slack.message(message.ts).blocks);
    await expect.poll(shown, { timeout: 10_000 }).toContain('Welcome email: sent');
    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, id)))[0]?.approvalRefreshUntil ?? null, { timeout: 10_000 }).toBeNull();
    // The last update Slack applied is the newest state.
    expect(shown()).toContain('Welcome email: sent');
    expect(shown()).toContain('Slack DM to the new user: sent');
    const updates = t.slack.callsTo('chat.update').filter((c) => c.args.ts === message.ts);
    expect(JSON.stringify(updates.at(-1)!.args.blocks)).toContain('Welcome email: sent');
  });
});

/**
 * A New User submission while Slack answers without posting (no HTTP error, so the client does not
 * retry) for the confirmation DM and the approval post; returns the stored request once the failed
 * post has given its claim back. Nothing else may take the scripted failures: the outbox is drained first.
 */
async function submitWhileSlackRefusesPosts(t: TestBot, person: Record<string, string>): Promise<typeof requests.$inferSelect> {
  while ((await t.bot.notifications.runOnce()) > 0);
  await expect.poll(async () => (await notificationRows(t.db, eq(jobs.state, 'queued'))).length).toBe(0);
  t.slack.failNext('chat.postMessage', 200, { ok: false, error: 'fatal_error' });
  t.slack.failNext('chat.postMessage', 200, { ok: false, error: 'fatal_error' });
  const view = await openModal(t, 'user');
  const since = t.slack.calls.length;
  await sendViewSubmission(t.baseUrl, { view, values: fillView(view, person) });
  await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS' && (c.answer as { ok?: boolean }).ok === false, 3000, since);
  const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${person.Username}`);
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalChannel ?? null).toBeNull();
  return row!;
}
