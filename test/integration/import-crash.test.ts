import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { releaseOrphanedClaims } from '../../src/db/repositories/orphaned-claims.js';
import { auditEvents as audit, extensions, jobs, requests, users } from '../../src/db/schema/index.js';
import { startBotProcess, rowsCarriedOut, type BotProcess } from '../support/bot-process.js';
import { depsFor, janeDoe, seedDemoReferenceData } from '../support/fixtures.js';
import { storeImportBatch } from '../support/import-batch.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { APPROVER, REQUESTER, sendBlockAction } from '../support/slack-interactions.js';
import { SIGNING_SECRET } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { freePort, startTestBot, type TestBot } from '../support/test-bot.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';
import { setupRequester, userThroughApproval } from '../support/through-approval.js';

const ROWS = 50;
/** The first process is killed once it has carried out this many rows: well inside the batch (50 scrypt hashes take seconds, a minute on a busy machine). */
const KILL_AFTER = 12;
const APPROVALS_CHANNEL = 'C0APPROVALS';

/**
 * The bot killed (SIGKILL: no clean stop, work in flight) in the middle of an approved import, then
 * started again on the same database: every row is carried out exactly once. On Postgres the two runs
 * are two processes on one database; on PGlite the embedded bot's own folder, opened again by the new
 * process (PGlite is one process at a time: the test reads the folder only while no bot runs).
 */
describe(`an import survives the bot being killed mid-batch (${testDriver})`, () => {
  let smtp: SmtpTestServer;
  let slack: SlackDouble;
  let cwd: string;
  let env: Record<string, string>;
  /** Open for the whole test on Postgres; on PGlite only while no bot process runs. */
  let database: Database | undefined;
  let pgliteDir: string | undefined;
  let requestId: string;
  const running: BotProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    slack = await startSlackDouble();
    cwd = await mkdtemp(join(tmpdir(), 'provision-crash-'));
    let target: Record<string, string>;
    if (testDriver === 'postgres') {
      const opened = await openTestDatabase();
      database = opened;
      target = { DATABASE_URL: opened.url! };
    } else {
      pgliteDir = join(cwd, 'pglite');
      database = await openDatabase({ driver: 'pglite', dataDir: pgliteDir, loadDataDir: new Blob([await readFile(inject('pgliteDump'))]) });
      target = { PGLITE_DIR: pgliteDir };
    }
    await seedDemoReferenceData(database.db);
    await userThroughApproval(depsFor(database.db, { now: () => new Date() }), setupRequester, janeDoe({ username: 'clone.source', email: 'clone.source@example.com' }));
    requestId = (await storeImportBatch(database.db, REQUESTER, { rows: ROWS, prefix: 'crash', cloneFrom: 'clone.source', firstExtension: 1200 })).id;
    if (pgliteDir) {
      await database.close();
      database = undefined;
    }
    env = {
      ...target,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Provisioning <provisioning@example.com>',
      TENANT_SUFFIX: 'abc',
      APPROVALS_CHANNEL,
      APPROVER_IDS: APPROVER,
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    await database?.close();
    await smtp?.stop();
    await slack?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it(`${ROWS} rows, SIGKILL after ${KILL_AFTER}, a new process on the same database: each row done once, every welcome email, the results file, "complete"`, { timeout: 300_000 }, async () => {
    // A failure shows what each process logged last (the bot's own account of where it was).
    onTestFailed(() => {
      for (const [i, p] of running.entries()) console.error(`--- bot process ${i + 1}, last lines:\n${p.output().split('\n').slice(-40).join('\n')}`);
    });
    const started = Date.now();
    const port = await freePort();
    const first = await startBotProcess(env, { cwd, port });
    running.push(first);

    // The import was stored without an approval message: the first sweep (at start) posts it.
    const approvalPost = () => slack.callsTo('chat.postMessage').find((c) => c.args.channel === APPROVALS_CHANNEL)?.answer as { ts?: string } | undefined;
    await expect.poll(() => approvalPost()?.ts, { timeout: 20_000, interval: 50 }).toBeDefined();
    const ts = approvalPost()!.ts!;
    const message = slack.message(ts);
    const ack = await sendBlockAction(first.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts }, channelId: APPROVALS_CHANNEL, user: APPROVER, responseUrl: slack.responseUrl('approve') });
    expect(ack.status).toBe(200);

    // Killed in the middle of the batch, as soon as it says it has carried out KILL_AFTER rows.
    await expect.poll(() => rowsCarriedOut(first.logs(), requestId).length, { timeout: 120_000, interval: 10 }).toBeGreaterThanOrEqual(KILL_AFTER);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const byFirst = rowsCarriedOut(first.logs(), requestId);
    expect(byFirst.length).toBeLessThan(ROWS);
    const killedAt = Date.now();

    if (database) {
      // Postgres: what the dead process had claimed is still leased to it…
      const leased = await database.db.select().from(jobs).where(and(eq(jobs.requestId, requestId), eq(jobs.state, 'queued'), sql`${jobs.leasedUntil} is not null`));
      expect(leased.length).toBeGreaterThan(0);
      // …until the lease runs out (2 minutes for a job, 5 for an outbox row). Another instance may hold
      // live claims on a shared Postgres, so the bot never releases them at start; here none runs, and
      // the test lets that time pass. (On PGlite the restarted bot does this itself: nobody else can.)
      await releaseOrphanedClaims(database.db);
    }

    const second = await startBotProcess(env, { cwd, port });
    running.push(second);
    // Done: the results file in the approval message's thread, and the message says so.
    const file = await slack.waitForUpload((f) => f.threadTs === ts && f.name === 'class-results.csv', 180_000);
    await expect.poll(() => JSON.stringify(slack.message(ts).blocks), { timeout: 20_000 }).toContain(`Import done: ${ROWS} created, 0 failed`);
    expect(JSON.stringify(slack.message(ts).blocks)).toContain(`▓▓▓▓▓▓▓▓▓▓ ${ROWS} / ${ROWS}`);

    // Every new user's welcome email, at least once. One that was being sent at the kill may come again
    // after the restart: then with the same Message-ID (made from its outbox row), so a mail system or a
    // person sees one message twice, not two messages. So: one Message-ID per new user, no more.
    const address = (n: number) => `crash${String(n).padStart(3, '0')}@example.com`;
    const welcomeMails = () => smtp.received.filter((m) => m.envelope.to.some((to) => /^crash\d{3}@example\.com$/.test(to)));
    await expect.poll(() => new Set(welcomeMails().flatMap((m) => m.envelope.to)).size, { timeout: 30_000, interval: 100 }).toBe(ROWS);
    const mails = welcomeMails();
    for (let n = 1; n <= ROWS; n++) {
      const ids = new Set(mails.filter((m) => m.envelope.to.includes(address(n))).map((m) => m.parsed.messageId));
      expect(ids.size, address(n)).toBe(1);
    }
    expect(new Set(mails.map((m) => m.parsed.messageId)).size).toBe(ROWS);
    await expect
      .poll(() => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === REQUESTER && String(c.args.text).includes(`Your import of class.csv is done: ${ROWS} created, 0 failed`)).length, { timeout: 20_000 })
      .toBeGreaterThan(0);

    // The results file: one line per row, each username once, all created.
    const lines = file.content.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('username,sign-in name,agent ID,extension,outcome,reason');
    const names = lines.slice(1).map((l) => l.split(',')[0]);
    expect(names).toHaveLength(ROWS);
    expect(new Set(names).size).toBe(ROWS);
    expect(lines.slice(1).every((l) => /,created,$/.test(l))).toBe(true);

    // The two processes' own accounts: no row carried out by both, the second one did the rest.
    const bySecond = rowsCarriedOut(second.logs(), requestId);
    expect(bySecond.filter((r) => byFirst.includes(r))).toEqual([]);
    expect(new Set(bySecond).size).toBe(bySecond.length);
    expect(bySecond.length).toBeGreaterThan(0);
    // A row the first process committed just before the kill has no log line of it: at most its lines in flight.
    expect(byFirst.length + bySecond.length).toBeGreaterThan(ROWS - 10);

    // PGlite: the folder is read once no bot has it open (a clean stop: SIGTERM, exit 0).
    if (pgliteDir) {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      database = await openDatabase({ driver: 'pglite', dataDir: pgliteDir });
    }
    const db = database!.db;
    const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
    expect(request?.state).toBe('completed');
    expect(request?.reason).toBe(`${ROWS} created, 0 failed`);
    // Exactly one user per row: none missing, none twice (usernames are unique, so also: none beside them).
    const made = await db.select().from(users).where(like(users.username, 'crash%'));
    expect(made.map((u) => u.username).sort()).toEqual(Array.from({ length: ROWS }, (_, i) => `crash${String(i + 1).padStart(3, '0')}`));
    // One creation audit row per user, naming the import's row: no row's work twice.
    const created = await db.select().from(audit).where(and(sql`${audit.details} ->> 'requestId' = ${requestId}`, sql`${audit.action} in ('user.created', 'user.cloned')`));
    expect(created).toHaveLength(ROWS);
    expect(new Set(created.map((a) => (a.details as { importRow: number }).importRow)).size).toBe(ROWS);
    // Each agent row's new extension, once (every third row from row 1: 1200, 1201, …).
    const agentRows = Math.ceil(ROWS / 3);
    const exts = await db.select().from(extensions).where(sql`${extensions.number} between 1200 and ${1199 + agentRows}`);
    expect(exts).toHaveLength(agentRows);
    // Every row's job done once; a row in flight at the kill was claimed again (a second attempt) and still done once.
    const rowJobs = await db.select().from(jobs).where(and(eq(jobs.requestId, requestId), eq(jobs.kind, 'import_row')));
    expect(rowJobs).toHaveLength(ROWS);
    expect(rowJobs.filter((j) => j.state !== 'done')).toEqual([]);
    const retried = rowJobs.filter((j) => j.attempts > 1).length;
    expect(retried).toBeGreaterThan(0);

    const duplicates = mails.length - ROWS;
    console.info(
      `[import-crash ${testDriver}] SIGKILL after ${byFirst.length}/${ROWS} rows (logged), ${retried} row(s) taken again after the restart, ${duplicates} welcome email(s) sent twice (same Message-ID); ` +
        `restart to done ${((Date.now() - killedAt) / 1000).toFixed(1)} s, whole test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});

/**
 * An instance killed in the middle of updating an import's approval message leaves its refresh lease
 * (a minute) behind. The rows' refreshes meanwhile only mark the message as wanting one; once the lease
 * has run out, the sweep makes that refresh, so the message does not keep an old state for good.
 */
describe(`an approval message whose refresher died catches up (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the import completes while a dead instance holds the refresh lease; the next sweep after it runs out shows "done"', { timeout: 120_000 }, async () => {
    const { id } = await storeImportBatch(t.db, REQUESTER, { rows: 3, prefix: 'stale', firstExtension: 1400 });
    await t.bot.sweeper.runOnce();
    const [stored] = await t.db.select().from(requests).where(eq(requests.id, id));
    const message = t.slack.message(stored!.approvalTs!);
    // What an instance killed during its chat.update leaves: a refresh lease nobody will give back.
    await t.db.update(requests).set({ approvalRefreshUntil: new Date(Date.now() + 60_000) }).where(eq(requests.id, id));
    const ack = await sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: APPROVER, responseUrl: t.slack.responseUrl('approve') });
    expect(ack.status).toBe(200);
    await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, id)))[0]?.state, { timeout: 60_000, interval: 100 }).toBe('completed');
    await t.bot.notifications.runOnce();
    expect(JSON.stringify(t.slack.message(message.ts).blocks)).not.toContain('Import done');
    const [waiting] = await t.db.select().from(requests).where(eq(requests.id, id));
    expect(waiting?.approvalRefreshPending).toBe(true);

    // The lease runs out (the test lets that minute pass); the sweep makes the refresh that was asked for.
    await t.db.update(requests).set({ approvalRefreshUntil: new Date(Date.now() - 1000) }).where(eq(requests.id, id));
    await t.bot.sweeper.runOnce();
    // (Not the lease columns afterwards: the bot's own outbox worker may be refreshing the message right then.)
    expect(JSON.stringify(t.slack.message(message.ts).blocks)).toContain('Import done: 3 created, 0 failed');
  });
});
