import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents as audit, jobs, requests, users } from '../../src/db/schema/index.js';
import { rowsCarriedOut } from '../support/bot-process.js';
import { depsFor, janeDoe } from '../support/fixtures.js';
import { storeImportBatch } from '../support/import-batch.js';
import { APPROVER, REQUESTER, sendBlockAction } from '../support/slack-interactions.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

const ROWS = 50;

/**
 * One approved import, two bot instances on one Postgres database: each instance's job worker takes
 * rows from the shared queue, so the rows are shared between them, and still each row is carried out
 * once, the batch completes once, one results file is uploaded. Postgres only: PGlite is one process.
 */
describe.runIf(testDriver === 'postgres')('an import carried out by two instances on one Postgres', () => {
  let a: TestBot;
  let b: TestBot;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    const mail = { SMTP_URL: smtp.url, MAIL_FROM: 'Provisioning <provisioning@example.com>' };
    a = await startTestBot(mail);
    b = await startTestBot(mail, { sameAs: a });
    await userThroughApproval(depsFor(a.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'clone.source', email: 'clone.source@example.com' }));
  });
  afterAll(async () => {
    await b?.close().catch(() => undefined);
    await a?.close();
    await smtp?.stop();
  });

  it(`${ROWS} rows, the approve click reaching both instances at once: rows shared between them, each done once, one completion, one results file`, { timeout: 240_000 }, async () => {
    const { id } = await storeImportBatch(a.db, REQUESTER, { rows: ROWS, prefix: 'duo', cloneFrom: 'clone.source', firstExtension: 1300 });
    await a.bot.sweeper.runOnce();
    const [stored] = await a.db.select().from(requests).where(eq(requests.id, id));
    const message = a.slack.message(stored!.approvalTs!);
    const click = (t: TestBot) => sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: APPROVER, responseUrl: a.slack.responseUrl('approve') });
    // A double click that a load balancer spreads over both instances: one approval.
    const acks = await Promise.all([click(a), click(b)]);
    expect(acks.map((r) => r.status)).toEqual([200, 200]);

    await expect.poll(async () => (await a.db.select().from(requests).where(eq(requests.id, id)))[0]?.state, { timeout: 200_000, interval: 200 }).toBe('completed');
    const file = await a.slack.waitForUpload((f) => f.threadTs === message.ts && f.name === 'class-results.csv', 30_000);
    await expect.poll(() => JSON.stringify(a.slack.message(message.ts).blocks), { timeout: 20_000 }).toContain(`Import done: ${ROWS} created, 0 failed`);
    // The requester is told once (whichever instance's outbox worker sends it).
    await expect
      .poll(() => a.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === REQUESTER && String(c.args.text).includes('Your import of class.csv is done')).length, { timeout: 30_000 })
      .toBe(1);

    // Shared: each instance says which rows it carried out (its own log); no row by both, none by neither.
    const byA = rowsCarriedOut(a.logs, id);
    const byB = rowsCarriedOut(b.logs, id);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect([...byA, ...byB].sort((x, y) => x - y)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));

    // Each row once: one user per row, one creation audit row each, every job done at its first attempt.
    const made = await a.db.select().from(users).where(like(users.username, 'duo%'));
    expect(made.map((u) => u.username).sort()).toEqual(Array.from({ length: ROWS }, (_, i) => `duo${String(i + 1).padStart(3, '0')}`));
    const created = await a.db.select().from(audit).where(and(sql`${audit.details} ->> 'requestId' = ${id}`, sql`${audit.action} in ('user.created', 'user.cloned')`));
    expect(new Set(created.map((r) => (r.details as { importRow: number }).importRow)).size).toBe(ROWS);
    expect(created).toHaveLength(ROWS);
    const rowJobs = await a.db.select().from(jobs).where(and(eq(jobs.requestId, id), eq(jobs.kind, 'import_row')));
    expect(rowJobs).toHaveLength(ROWS);
    expect(rowJobs.every((j) => j.state === 'done' && j.attempts === 1)).toBe(true);
    // One approval, one completion, one results file (its job ran once), every welcome email once.
    const decisions = await a.db.select().from(audit).where(and(eq(audit.entityId, id), sql`${audit.action} in ('request.approved', 'request.completed')`));
    expect(decisions.map((d) => d.action).sort()).toEqual(['request.approved', 'request.completed']);
    expect(a.slack.uploadedFiles().filter((f) => f.name === 'class-results.csv')).toHaveLength(1);
    expect(file.content.toString('utf8').trim().split('\n')).toHaveLength(ROWS + 1);
    await expect.poll(() => smtp.received.filter((m) => m.envelope.to.some((to) => /^duo\d{3}@example\.com$/.test(to))).length, { timeout: 30_000, interval: 100 }).toBe(ROWS);
    console.info(`[import-two-instances] rows carried out: ${byA.length} by instance A, ${byB.length} by instance B`);
  });
});
