import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { notificationRows } from '../../src/db/repositories/notifications.js';
import { jobs } from '../../src/db/schema/index.js';
import type { Actor } from '../../src/services/context.js';
import { approveRequest } from '../../src/services/decide-request.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester, seedDemoReferenceData } from '../support/fixtures.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { SIGNING_SECRET } from '../support/slack-request.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const approver: Actor = { id: 'U0APPROVER', portalAdmin: false };
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const REQUESTS = 10;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface BotProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The real bot as its own process (`node src/main.ts` through tsx), as an operator runs it. */
async function startBotProcess(env: Record<string, string>, cwd: string, port: number): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bot exited at start-up:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the bot did not answer /healthz within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

/**
 * The bot process killed with SIGKILL while it delivers a burst of notifications, then restarted;
 * and stopped with SIGTERM. Postgres only: two processes cannot share an embedded PGlite folder.
 */
describe.runIf(testDriver === 'postgres')('the bot process killed and restarted', () => {
  let database: Database & { url?: string };
  let smtp: SmtpTestServer;
  let slack: SlackDouble;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoReferenceData(database.db);
    smtp = await startSmtpTestServer();
    slack = await startSlackDouble();
    cwd = await mkdtemp(join(tmpdir(), 'provision-bot-'));
    env = {
      DATABASE_URL: database.url!,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      SMTP_URL: smtp.url,
      TENANT_SUFFIX: 'abc',
      APPROVALS_CHANNEL: 'C0APPROVALS',
      APPROVER_IDS: approver.id,
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await database?.close();
    await smtp?.stop();
    await slack?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('resumes the outbox after SIGKILL: every notification delivered, none lost; SIGTERM then stops cleanly', { timeout: 240_000 }, async () => {
    const deps = depsFor(database.db);
    const ids: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const id = (await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: `crash${i}`, email: `crash${i}@example.com` }) })).id;
      expect((await approveRequest(deps, approver, id, { allowSelfApproval: false, accountUrl: 'https://bot.example.com/account' })).outcome).toBe('completed');
      ids.push(id);
    }
    const ofBurst = inArray(jobs.requestId, ids);
    const total = (await notificationRows(database.db, ofBurst)).length;
    expect(total).toBe(REQUESTS * 3);

    // Slack answers slowly, so the first process is killed in the middle of the burst.
    for (let i = 0; i < total; i++) slack.failNext('chat.postMessage', 200, { ok: true, channel: 'D0', ts: '1.1' });
    const port = await freePort();
    const first = await startBotProcess(env, cwd, port);
    await expect.poll(async () => (await notificationRows(database.db, sql`${ofBurst} and ${jobs.state} = 'done'`)).length, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;
    const sentBeforeKill = (await notificationRows(database.db, sql`${ofBurst} and ${jobs.state} = 'done'`)).length;
    // A dead process's claims hold until their lease runs out (5 minutes); let that time pass.
    await database.db.update(jobs).set({ leasedUntil: new Date(Date.now() - 1000) }).where(sql`${ofBurst} and ${jobs.leasedUntil} is not null`);

    const second = await startBotProcess(env, cwd, port);
    await expect.poll(async () => (await notificationRows(database.db, sql`${ofBurst} and ${jobs.state} = 'queued'`)).length, { timeout: 120_000, interval: 200 }).toBe(0);
    const rows = await notificationRows(database.db, ofBurst);
    expect(rows.filter((r) => r.state !== 'sent' && r.state !== 'skipped')).toEqual([]);
    // Nothing lost: every welcome email arrived; a message in flight at the kill may come twice, with the same Message-ID.
    const mailed = new Set(smtp.received.map((m) => m.parsed.messageId));
    const emailRows = rows.filter((r) => r.channel === 'email');
    expect(emailRows).toHaveLength(REQUESTS);
    for (const i of ids.keys()) expect(smtp.received.some((m) => m.envelope.to.includes(`crash${i}@example.com`))).toBe(true);
    expect(mailed.size).toBe(REQUESTS);
    const duplicates = smtp.received.length - mailed.size;
    console.info(`[fault] SIGKILL after ${sentBeforeKill}/${total} notifications sent; after restart ${rows.length} delivered, ${duplicates} duplicate email(s), 0 lost`);

    // SIGTERM: it stops polling and serving, waits for sends in flight, closes the pool and exits 0.
    const stopAt = Date.now();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(15_000);
    expect(second.output()).toMatch(/"msg":"stopping"/);
    expect(second.output()).not.toMatch(/"level":50/);
  });
});
