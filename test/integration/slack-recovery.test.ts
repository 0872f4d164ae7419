import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrailOf } from '../../src/db/repositories/audit.js';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs, requests, users } from '../../src/db/schema/index.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { APPROVER, REQUESTER, sendBlockAction, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, userThroughApproval } from '../support/through-approval.js';
import { approvalMessageOf, clickApprove, drain, requestState, signIn } from '../support/user-change.js';

/** The default rule for Jane Doe, 555-555-1234 (the fixtures' phone). */
const DEFAULT_PASSWORD = 'Jd5555551234!!';
const CHOSEN = 'My own chosen password 1';

/** `/provision <text>` by `user`: the ephemeral answer it got through response_url (acked at once, answered after). */
async function command(t: TestBot, text: string, name: string, user = REQUESTER): Promise<string> {
  const since = t.slack.responses.length;
  const ack = await sendSlashCommand(t.baseUrl, { text, user_id: user, trigger_id: triggerId(), response_url: t.slack.responseUrl(name) });
  expect(ack.status).toBe(200);
  const response = await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 10_000, since);
  return JSON.stringify(response.body);
}

function changePassword(t: TestBot, signInName: string, currentPassword: string, newPassword: string) {
  return fetch(`${t.baseUrl}/api/v1/password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName, currentPassword, newPassword }) });
}

/** A user who signed in, chose their own password, then forgot it: ten wrong sign-ins lock them out. */
async function lockedOut(t: TestBot, deps: ReturnType<typeof depsFor>, username: string, email: string) {
  const user = await userThroughApproval(deps, requester, janeDoe({ username, email }));
  expect((await changePassword(t, `${username}@abc`, DEFAULT_PASSWORD, CHOSEN)).status).toBe(200);
  for (let i = 0; i < 10; i++) expect((await signIn(t, `${username}@abc`, `wrong password ${i}`)).status).toBe(401);
  // Locked: even the right password is refused now.
  expect((await signIn(t, `${username}@abc`, CHOSEN)).status).toBe(401);
  const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
  expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  return user;
}

async function recoveriesOf(t: TestBot, userId: number) {
  return t.db.select().from(requests).where(eq(requests.recoveryUserId, userId));
}

describe(`recovery of a user's access through Slack, RESET_NEEDS_APPROVAL=true (${testDriver})`, () => {
  let t: TestBot;
  let smtp: SmtpTestServer;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestBot({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://provision.example.com' });
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('a locked account: /provision reset, approved (a second click told it was done), the new one-time password by email and DM signs in, the old password no longer does', { timeout: 120_000 }, async () => {
    const user = await lockedOut(t, deps, 'jlocked', 'j.locked@example.com');
    t.slack.setSlackUser('U0JLOCKED', { email: 'j.locked@example.com', realName: 'Jane Locked' });

    expect(await command(t, 'reset jlocked', 'reset-jlocked')).toContain('You asked for a sign-in reset for jlocked');
    const [request] = await recoveriesOf(t, user.id);
    expect(request).toMatchObject({ kind: 'reset_sign_in', state: 'pending', requesterId: REQUESTER, targetUserId: null });
    const message = await approvalMessageOf(t, request!.id);
    expect(JSON.stringify(message.blocks)).toContain('Reset the sign-in of jlocked (Jane Doe)');
    // Nothing changed before the approval: still locked, still the chosen password.
    expect((await signIn(t, 'jlocked@abc', DEFAULT_PASSWORD)).status).toBe(401);

    // Two approval clicks at once: one execution; the later click is told it was already done.
    const before = t.slack.responses.length;
    await Promise.all([clickApprove(t, request!.id, 'approve-a'), clickApprove(t, request!.id, 'approve-b')]);
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 15_000 }).toBe('completed');
    const answered = await t.slack.waitForResponse((r) => /approve-[ab]$/.test(r.url), 10_000, before);
    expect(JSON.stringify(answered.body)).toContain('This request was already approved');
    const trail = (await auditTrailOf(t.db, 'user', user.id)).map((e) => e.action);
    expect(trail.filter((a) => a === 'user.sign_in_reset')).toHaveLength(1);
    expect((await auditTrailOf(t.db, 'request', request!.id)).map((e) => e.action)).toEqual(['request.submitted', 'request.approved', 'request.completed']);

    await drain(t);
    await expect.poll(() => smtp.received.some((m) => m.envelope.to.includes('j.locked@example.com') && /Your sign-in was reset/.test(m.parsed.subject ?? '')), { timeout: 10_000 }).toBe(true);
    const mail = smtp.received.find((m) => /Your sign-in was reset/.test(m.parsed.subject ?? ''))!;
    expect(mail.parsed.text).toContain('Your sign-in was reset at your team\'s request, and your account is unlocked');
    expect(mail.parsed.text).toContain('the first letter of your first name');
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0JLOCKED' && /Your sign-in was reset/.test(String(c.args.text)), 10_000);
    expect(String(dm.args.text)).toContain('jlocked@abc');
    await expect.poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /The sign-in of jlocked is reset/.test(String(c.args.text)))).toBe(true);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain('Sign-in of jlocked reset');

    const signedIn = await signIn(t, 'jlocked@abc', DEFAULT_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ ok: true, passwordChangeRequired: true });
    expect((await signIn(t, 'jlocked@abc', CHOSEN)).status).toBe(401);
  });

  it('Unlock (approvers only, from the command and the card) ends the lockout and keeps the password', { timeout: 90_000 }, async () => {
    const user = await lockedOut(t, deps, 'junlock', 'j.unlock@example.com');
    expect(await command(t, 'unlock junlock', 'unlock-by-requester')).toContain('Only approvers can unlock an account');
    expect((await signIn(t, 'junlock@abc', CHOSEN)).status).toBe(401);

    // The approver sees Unlock on the card of a locked user, and the requester does not; both see Reset sign-in.
    const cardOf = async (user: string) => JSON.stringify(await (await sendSlashCommand(t.baseUrl, { text: 'show junlock', user_id: user, trigger_id: triggerId() })).json());
    const approverCard = await cardOf(APPROVER);
    expect(approverCard).toContain(ACTIONS.unlockUser);
    expect(approverCard).toContain(ACTIONS.resetSignIn);
    const requesterCard = await cardOf(REQUESTER);
    expect(requesterCard).not.toContain(ACTIONS.unlockUser);
    expect(requesterCard).toContain(ACTIONS.resetSignIn);
    // The footnote says which buttons ask for approval and that Unlock does not.
    expect(approverCard).toContain('Reset sign-in and Resend welcome make requests: a contact-center admin approves each one. Unlock acts at once, with no approval.');
    expect(requesterCard).toContain('Reset sign-in and Resend welcome make requests');
    expect(requesterCard).not.toContain('at once');
    expect(await command(t, 'unlock junlock', 'unlock-by-approver', APPROVER)).toContain('junlock is unlocked');
    const signedIn = await signIn(t, 'junlock@abc', CHOSEN);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ ok: true, passwordChangeRequired: false });
    expect((await auditTrailOf(t.db, 'user', user.id)).map((e) => e.action)).toContain('user.unlocked');
    expect(await recoveriesOf(t, user.id)).toHaveLength(0);
  });

  it('resend the welcome: an expired one-time password comes with a fresh one; a user who chose a password is refused', { timeout: 90_000 }, async () => {
    // Made four days ago: the one-time password (72 hours) has expired.
    const user = await userThroughApproval(depsFor(t.db, { now: () => new Date(Date.now() - 96 * 3_600_000) }), requester, janeDoe({ username: 'jexpired', email: 'j.expired@example.com' }));
    expect((await signIn(t, 'jexpired@abc', DEFAULT_PASSWORD)).status).toBe(401);
    expect(await command(t, 'resend jexpired', 'resend-jexpired')).toContain('You asked for the welcome to be sent again to jexpired');
    const [request] = await recoveriesOf(t, user.id);
    expect(request).toMatchObject({ kind: 'resend_welcome', state: 'pending' });
    await clickApprove(t, request!.id);
    await expect.poll(async () => (await requestState(t, request!.id))?.state, { timeout: 15_000 }).toBe('completed');
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after!.passwordExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    await drain(t);
    await expect.poll(() => smtp.received.some((m) => m.envelope.to.includes('j.expired@example.com') && /^Sent again: /.test(m.parsed.subject ?? '')), { timeout: 10_000 }).toBe(true);
    const signedIn = await signIn(t, 'jexpired@abc', DEFAULT_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ ok: true, passwordChangeRequired: true });
    expect((await auditTrailOf(t.db, 'user', user.id)).find((e) => e.action === 'user.welcome_resent')?.details).toMatchObject({ freshPassword: true });

    await userThroughApproval(deps, requester, janeDoe({ username: 'jchosen', email: 'j.chosen@example.com' }));
    expect((await changePassword(t, 'jchosen@abc', DEFAULT_PASSWORD, CHOSEN)).status).toBe(200);
    expect(await command(t, 'resend jchosen', 'resend-jchosen')).toContain('jchosen has already signed in and chosen a password; use Reset sign-in');
  });

  it('refuses an unknown or deactivated user at once (nothing stored), fails at approval a user deactivated meanwhile, and two resets at once leave one request', { timeout: 120_000 }, async () => {
    const count = async () => (await t.db.select().from(requests)).length;
    const start = await count();
    expect(await command(t, 'reset nobody', 'reset-nobody')).toContain('There is no user nobody');
    const gone = await userThroughApproval(deps, requester, janeDoe({ username: 'jgoneaway' }));
    await deactivationThroughApproval(deps, requester, 'jgoneaway');
    const afterSetup = await count();
    expect(afterSetup).toBe(start + 2);
    expect(await command(t, 'reset jgoneaway', 'reset-gone')).toContain('jgoneaway is deactivated, so their sign-in cannot be reset');
    expect(await count()).toBe(afterSetup);
    expect((await auditTrailOf(t.db, 'user', gone.id)).map((e) => e.action)).toContain('user.recovery_refused');

    // Two submissions at once: one request, the other told one is already waiting.
    const twice = await userThroughApproval(deps, requester, janeDoe({ username: 'jtwice', email: 'j.twice@example.com' }));
    const answers = await Promise.all([command(t, 'reset jtwice', 'twice-a'), command(t, 'reset jtwice', 'twice-b')]);
    expect(await recoveriesOf(t, twice.id)).toHaveLength(1);
    expect(answers.filter((a) => a.includes('You asked for a sign-in reset')).length).toBe(1);
    expect(answers.filter((a) => a.includes('already waiting for approval: one at a time')).length).toBe(1);
    // The card's button asks the same, and is refused the same while one is open.
    const blocks = [{ type: 'actions', block_id: 'card_actions', elements: [{ type: 'button', action_id: ACTIONS.resetSignIn, value: 'jtwice', text: { type: 'plain_text' as const, text: 'Reset sign-in' } }] }];
    const since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.resetSignIn, message: { blocks, ts: '1.000009' }, ephemeral: true, responseUrl: t.slack.responseUrl('card-reset') });
    expect(JSON.stringify((await t.slack.waitForResponse((r) => r.url.endsWith('/card-reset'), 10_000, since)).body)).toContain('already waiting for approval');

    // Deactivated between the request and its approval: the request fails with the reason, nothing is reset.
    const [open] = await recoveriesOf(t, twice.id);
    await deactivationThroughApproval(deps, requester, 'jtwice');
    await clickApprove(t, open!.id);
    await expect.poll(async () => (await requestState(t, open!.id))?.state, { timeout: 15_000 }).toBe('failed');
    expect((await requestState(t, open!.id))?.reason).toContain('jtwice is deactivated');
    expect((await auditTrailOf(t.db, 'user', twice.id)).map((e) => e.action)).not.toContain('user.sign_in_reset');
    await drain(t);
    await expect
      .poll(() => t.slack.callsTo('chat.postMessage').some((c) => c.args.channel === REQUESTER && /a sign-in reset of Jane Doe \(jtwice\).*could not be carried out/s.test(String(c.args.text))), { timeout: 10_000 })
      .toBe(true);
  });
});

describe(`recovery with RESET_NEEDS_APPROVAL=false and PASSWORD_POLICY=random (${testDriver})`, () => {
  let t: TestBot;
  let smtp: SmtpTestServer;
  let deps: ReturnType<typeof depsFor>;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestBot({ SMTP_URL: smtp.url, RESET_NEEDS_APPROVAL: 'false', PASSWORD_POLICY: 'random' });
    deps = depsFor(t.db, { now: () => new Date() });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it("an approver's reset is carried out at once (a completed request with its audit rows, no approval message), by DM only; a requester's is refused", { timeout: 120_000 }, async () => {
    const user = await lockedOut(t, deps, 'jatonce', 'j.atonce@example.com');
    t.slack.setSlackUser('U0JATONCE', { email: 'j.atonce@example.com', realName: 'Jane Atonce' });

    // Here an approver's Reset sign-in and Resend welcome act at once, and the card's footnote says so.
    const approverCard = JSON.stringify(await (await sendSlashCommand(t.baseUrl, { text: 'show jatonce', user_id: APPROVER, trigger_id: triggerId() })).json());
    expect(approverCard).toContain('Reset sign-in, Resend welcome and Unlock act at once, with no approval.');

    expect(await command(t, 'reset jatonce', 'requester-refused')).toContain('Only approvers can reset a sign-in here (RESET_NEEDS_APPROVAL is off)');
    expect(await recoveriesOf(t, user.id)).toHaveLength(0);

    const mailsBefore = smtp.received.length;
    expect(await command(t, 'reset jatonce', 'approver-at-once', APPROVER)).toContain('The sign-in of jatonce is reset');
    const [request] = await recoveriesOf(t, user.id);
    expect(request).toMatchObject({ kind: 'reset_sign_in', state: 'completed', requesterId: APPROVER, approverId: APPROVER, approvalTs: null });
    expect((await auditTrailOf(t.db, 'request', request!.id)).map((e) => e.action)).toEqual(['request.submitted', 'request.approved', 'request.completed']);

    await drain(t);
    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'U0JATONCE' && /Your sign-in was reset/.test(String(c.args.text)), 10_000);
    const otp = /Your one-time password:\* `([^`]+)`/.exec(String(dm.args.text))?.[1];
    expect(otp).toBeDefined();
    // No email under PASSWORD_POLICY=random: the reset goes by DM only.
    expect(await notificationRows(t.db, and(eq(jobs.requestId, request!.id), eq(jobs.kind, 'notify.email')))).toHaveLength(0);
    expect(smtp.received.length).toBe(mailsBefore);
    // Never anywhere else: not the approver's answers, not the requester's notice, not the log.
    const elsewhere = t.slack.calls.filter((c) => c !== dm);
    expect(JSON.stringify(elsewhere)).not.toContain(otp!);
    expect(JSON.stringify(t.slack.responses)).not.toContain(otp!);
    expect(t.logText()).not.toContain(otp!);

    const signedIn = await signIn(t, 'jatonce@abc', otp!);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ ok: true, passwordChangeRequired: true });
    expect((await signIn(t, 'jatonce@abc', CHOSEN)).status).toBe(401);
  });
});
