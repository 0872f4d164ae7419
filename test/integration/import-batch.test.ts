import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { auditEvents as audit, jobs, requests, users } from '../../src/db/schema/index.js';
import { depsFor, janeDoe } from '../support/fixtures.js';
import { storeImportBatch } from '../support/import-batch.js';
import { APPROVER, REQUESTER, sendBlockAction } from '../support/slack-interactions.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

/** Posts the stored import's approval message (as the sweep does for a request without one) and returns it. */
async function postedApproval(t: TestBot, requestId: string) {
  await t.bot.sweeper.runOnce();
  const [row] = await t.db.select().from(requests).where(eq(requests.id, requestId));
  if (!row?.approvalTs) throw new Error('the approval message was not posted');
  return t.slack.message(row.approvalTs);
}

describe(`an approved import is carried out in the background (${testDriver})`, () => {
  let t: TestBot;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    t = await startTestBot({ SMTP_URL: smtp.url, MAIL_FROM: 'Provisioning <provisioning@example.com>' });
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'clone.source', email: 'clone.source@example.com' }));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('50 rows: 49 users, their welcome emails, progress on the message, the results file in the thread; a row made impossible fails alone', async () => {
    const { id } = await storeImportBatch(t.db, REQUESTER, { rows: 50, prefix: 'imp', cloneFrom: 'clone.source', firstExtension: 1100 });
    // Between submission and approval, someone else takes row 5's username: that row can no longer be done.
    await userThroughApproval(depsFor(t.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'imp005', email: 'someone.else@example.com' }));
    const message = await postedApproval(t, id);

    const since = t.slack.calls.length;
    const started = Date.now();
    const ack = await sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: APPROVER, responseUrl: t.slack.responseUrl('approve') });
    expect(ack.status).toBe(200);
    // Answered before the rows are done: the click only records the approval and queues the rows.
    // The ack comes before the approval is recorded; once it is, the request waits `approved` while its
    // rows run (50 password hashes take seconds on any machine), never completed in the click.
    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, id)))[0]?.state, { timeout: 10_000, interval: 20 }).not.toBe('pending');
    const [justApproved] = await t.db.select().from(requests).where(eq(requests.id, id));
    expect(justApproved?.state === 'approved' || Date.now() - started > 2000).toBe(true);

    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, id)))[0]?.state, { timeout: 120_000, interval: 200 }).toBe('completed');
    const [done] = await t.db.select().from(requests).where(eq(requests.id, id));
    expect(done?.reason).toBe('49 created, 1 failed');

    const made = await t.db.select().from(users).where(like(users.username, 'imp%'));
    expect(made).toHaveLength(50); // 49 from the import, and the one who took imp005 first
    expect(made.filter((u) => u.username === 'imp005')).toHaveLength(1);
    expect(made.find((u) => u.username === 'imp005')?.email).toBe('someone.else@example.com');
    // Each created user has exactly one audit row of its creation, naming the import and its row.
    const created = await t.db.select().from(audit).where(and(sql`${audit.details} ->> 'requestId' = ${id}`, sql`${audit.action} in ('user.created', 'user.cloned')`));
    expect(created).toHaveLength(49);
    expect(new Set(created.map((a) => (a.details as { importRow: number }).importRow)).size).toBe(49);
    expect(created.filter((a) => a.action === 'user.cloned').length).toBeGreaterThan(10);

    // The approval message: at least one state under way with a bar, and the final one.
    const updates = t.slack.calls.slice(since).filter((c) => c.method === 'chat.update' && c.args.ts === message.ts).map((c) => JSON.stringify(c.args.blocks));
    const underWay = updates.filter((u) => /▓+░+ \d+ \/ 50/.test(u) && !u.includes('50 / 50'));
    expect(underWay.length).toBeGreaterThan(0);
    await expect.poll(() => JSON.stringify(t.slack.message(message.ts).blocks)).toContain('▓▓▓▓▓▓▓▓▓▓ 50 / 50 · 1 failed');
    expect(JSON.stringify(t.slack.message(message.ts).blocks)).toContain('Import done: 49 created, 1 failed');

    // The results file, in the thread: one line per row, the refused row with its reason, no secret.
    const file = await t.slack.waitForUpload((f) => f.threadTs === message.ts, 30_000);
    expect(file.name).toBe('class-results.csv');
    const lines = file.content.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('username,sign-in name,agent ID,extension,outcome,reason');
    expect(lines).toHaveLength(51);
    const row5 = lines.find((l) => l.startsWith('imp005,'));
    expect(row5).toMatch(/^imp005,,,,failed,.*taken/i);
    expect(lines.find((l) => l.startsWith('imp001,'))).toMatch(/^imp001,imp001@abc,\d+,1100,created,$/);
    expect(file.content.toString('utf8')).not.toMatch(/scrypt|\$/);

    // Every new user's welcome email, once; the requester is told.
    await expect
      .poll(async () => {
        await t.bot.notifications.runOnce();
        return smtp.received.filter((m) => m.envelope.to.some((to) => /^imp\d{3}@example\.com$/.test(to))).length;
      }, { timeout: 60_000, interval: 200 })
      .toBe(49);
    const welcome = await notificationRows(t.db, like(jobs.dedupeKey, `request:${id}:welcome_email:row:%`));
    expect(welcome).toHaveLength(49);
    await expect
      .poll(() => t.slack.calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && String(c.args.text).includes('Your import of class.csv is done: 49 created, 1 failed')), { timeout: 30_000 })
      .toBe(true);

    // Every row's job is done, once.
    const rowJobs = await t.db.select().from(jobs).where(and(eq(jobs.requestId, id), eq(jobs.kind, 'import_row')));
    expect(rowJobs).toHaveLength(50);
    expect(rowJobs.every((j) => j.state === 'done')).toBe(true);
  }, 240_000);

  it('agents whose extension numbers are drawn as their rows run side by side: every row gets its own number, none fails', async () => {
    const { id } = await storeImportBatch(t.db, REQUESTER, { rows: 24, prefix: 'drawn', drawnExtensions: true, fileName: 'drawn.csv' });
    const message = await postedApproval(t, id);
    const ack = await sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: APPROVER, responseUrl: t.slack.responseUrl('approve-drawn') });
    expect(ack.status).toBe(200);
    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, id)))[0]?.state, { timeout: 120_000, interval: 200 }).toBe('completed');
    const [done] = await t.db.select().from(requests).where(eq(requests.id, id));
    expect(done?.reason).toBe('24 created, 0 failed');
    const rowJobs = await t.db.select().from(jobs).where(and(eq(jobs.requestId, id), eq(jobs.kind, 'import_row')));
    const numbers = rowJobs.map((j) => (j.result as { extension: number | null }).extension);
    expect(numbers.every((n) => typeof n === 'number')).toBe(true);
    expect(new Set(numbers).size).toBe(24);
  }, 180_000);
});
