import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBot } from '../../src/bot.js';
import { parseConfig } from '../../src/config.js';
import { openDatabase, type Database, type Db } from '../../src/db/client.js';
import { enqueueNotifications, notificationRows, notificationsOfRequest, type NewNotification } from '../../src/db/repositories/notifications.js';
import { insertRequest } from '../../src/db/repositories/requests.js';
import { jobs } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { requesterNotice, welcomeNotifications, type WelcomeFacts } from '../../src/notifications/messages.js';
import { createNotificationSender, notificationSlackClient, type NotificationRow, type SendNotification } from '../../src/notifications/senders.js';
import { startNotificationWorker, type NotificationWorkerOptions } from '../../src/notifications/worker.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { openTestDatabase, testDriver } from '../support/test-db.js';

const MAIL_FROM = 'Provisioning Bot <provisioning@bot.example>';
const LEASE_MS = 60_000;

describe(`notification outbox (${testDriver})`, () => {
  let database: Database & { url?: string };
  let db: Db;
  let slack: SlackDouble;
  let smtp: SmtpTestServer;
  let send: SendNotification;
  let outboxDir: string;
  const logLines: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  /** The workers' clock: starts ahead of the database's now() so new rows are due, and moves only when told. */
  let clockMs = 0;
  const now = () => new Date(clockMs);
  const advance = (ms: number) => {
    clockMs += ms;
  };
  let sequence = 0;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
    slack = await startSlackDouble();
    smtp = await startSmtpTestServer();
    outboxDir = await mkdtemp(join(tmpdir(), 'provision-outbox-'));
    send = createNotificationSender({
      mailer: createMailer({ smtpUrl: smtp.url, from: MAIL_FROM, outboxDir, timeoutMs: 5000 }),
      slack: notificationSlackClient({ token: 'xoxb-test-token', slackApiUrl: slack.url }),
    });
  });
  afterAll(async () => {
    await smtp.stop();
    await slack.close();
    await database.close();
    await rm(outboxDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clockMs = Date.now() + 1000;
    // Each test starts with nothing due: whatever an earlier test left queued is put aside.
    await db.update(jobs).set({ state: 'dead', lastError: 'left by an earlier test' }).where(eq(jobs.state, 'queued'));
  });

  const worker = (options: Partial<NotificationWorkerOptions> = {}) =>
    startNotificationWorker({ db, send, logger, now, pollIntervalMs: 0, backoff: (attempts) => 1000 * attempts, leaseMs: LEASE_MS, ...options });

  function facts(overrides: Partial<WelcomeFacts> = {}): WelcomeFacts {
    sequence += 1;
    const username = `notify${sequence}`;
    return {
      requestId: '',
      username,
      firstName: 'Jane',
      lastName: 'Doe',
      email: `jane.doe.n${sequence}@example.com`,
      signInName: `${username}@abc`,
      accountUrl: 'https://provision.example.com/account',
      passwordExpiresAt: new Date('2026-11-26T09:00:00Z'),
      ...overrides,
    };
  }

  /** What the approval does: the request's change and its notifications, in one transaction. */
  async function approve(f: WelcomeFacts, pick: (n: NewNotification) => boolean = () => true): Promise<WelcomeFacts & { requestId: string }> {
    return db.transaction(async (tx) => {
      const request = await insertRequest(tx, { kind: 'create_user', payload: { username: f.username }, requesterId: 'U0REQUESTER', createdAt: new Date() });
      const withId = { ...f, requestId: request.id };
      await enqueueNotifications(tx, welcomeNotifications(withId).filter(pick));
      return withId;
    });
  }

  async function rows(requestId: string) {
    return notificationsOfRequest(db, requestId);
  }
  const byTopic = async (requestId: string, topic: string) => (await rows(requestId)).find((r) => r.topic === topic)!;
  const mailsTo = (address: string) => smtp.received.filter((m) => m.envelope.to.includes(address));
  const postsTo = (channel: string) => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && c.status === 200);

  it('queues nothing when the approval transaction rolls back, and each notification once however often it is enqueued', async () => {
    const f = facts();
    const error = await db
      .transaction(async (tx) => {
        const request = await insertRequest(tx, { kind: 'create_user', payload: { username: f.username }, requesterId: 'U0REQUESTER', createdAt: new Date() });
        await enqueueNotifications(tx, welcomeNotifications({ ...f, requestId: request.id }));
        throw new Error('the approval failed after enqueueing');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await notificationRows(db, eq(jobs.dedupeKey, `request:${f.requestId}:welcome_email`))).toHaveLength(0);

    const approved = await approve(f);
    expect(await enqueueNotifications(db, welcomeNotifications(approved))).toBe(0);
    expect((await rows(approved.requestId)).map((r) => r.topic)).toEqual(['welcome_dm', 'welcome_email']);
  });

  it('emails the new user how to sign in, and DMs the Slack member found by their email', async () => {
    const f = await approve(facts({ firstName: 'Ana <b>', lastName: "O'Neil & Co" }));
    slack.setSlackUser('U0NEWHIRE1', { email: f.email!.toUpperCase(), realName: 'Ana' });
    const settled: NotificationRow[] = [];
    const since = slack.calls.length;

    expect(await worker({ onSettled: (n) => Promise.resolve(void settled.push(n)) }).runOnce()).toBe(2);

    const [mail, ...more] = mailsTo(f.email!);
    expect(more).toHaveLength(0);
    expect(mail!.envelope.from).toBe('provisioning@bot.example');
    const email = mail!.parsed;
    expect(email.subject).toBe(`Your contact-center account is ready: sign in as ${f.signInName}`);
    expect(email.from?.value[0]).toMatchObject({ name: 'Provisioning Bot', address: 'provisioning@bot.example' });
    expect(email.to && !Array.isArray(email.to) ? email.to.value[0] : undefined).toMatchObject({ address: f.email, name: "Ana <b> O'Neil & Co" });
    expect(email.text).toContain(`Sign in as: ${f.signInName}`);
    expect(email.text).toContain('https://provision.example.com/account');
    expect(email.text).toContain('You must change your password when you first sign in');
    expect(email.text).toContain('the first letter of your first name in upper case');
    expect(email.text).toContain('expires on 2026-11-26 09:00 UTC');
    expect(email.html).toContain('<a href="https://provision.example.com/account">');
    expect(email.html).toContain('Hello Ana &lt;b&gt;,');
    expect(email.html).not.toContain('<b>,');
    expect(mail!.raw).not.toMatch(/Ao\d+!!/);
    const emailRow = await byTopic(f.requestId, 'welcome_email');
    expect(email.messageId).toBe(`<${emailRow.id}@bot.example>`);
    expect(email.headers.get('auto-submitted')).toBe('auto-generated');

    const lookup = await slack.waitFor('users.lookupByEmail', 1000, since);
    expect(lookup.args.email).toBe(f.email);
    expect(lookup.token).toBe('xoxb-test-token');
    const [dm, ...moreDms] = postsTo('U0NEWHIRE1');
    expect(moreDms).toHaveLength(0);
    const dmText = String(dm!.args.text);
    expect(dmText).toContain(`\`${f.signInName}\``);
    expect(dmText).toContain('Hello Ana &lt;b&gt;, your contact-center account has been created.');
    expect(dmText).toContain('<https://provision.example.com/account|Sign in and change your password>');
    expect(dmText).toContain('You must change your password when you first sign in');
    expect(dmText).toContain('<!date^1795683600^');
    expect(slack.latestMessage('U0NEWHIRE1').channel).toBe('DU0NEWHIRE1');

    expect((await rows(f.requestId)).map((r) => [r.topic, r.state, r.attempts, r.leasedUntil, r.lastError])).toEqual([
      ['welcome_dm', 'sent', 1, null, null],
      ['welcome_email', 'sent', 1, null, null],
    ]);
    expect(settled.map((n) => `${n.topic}:${n.state}`).sort()).toEqual(['welcome_dm:sent', 'welcome_email:sent']);
    expect(await worker().runOnce()).toBe(0);

    const sentLines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'notification sent' && l.requestId === f.requestId);
    expect(sentLines.map((l) => [l.level, l.topic])).toEqual(expect.arrayContaining([[30, 'welcome_email'], [30, 'welcome_dm']]));
    expect(JSON.stringify(sentLines)).not.toContain('Sign in');
  });

  it('skips the DM when no Slack member has the email, and still sends the email', async () => {
    const f = await approve(facts());
    const settled: NotificationRow[] = [];
    await worker({ onSettled: (n) => Promise.resolve(void settled.push(n)) }).runOnce();

    expect(mailsTo(f.email!)).toHaveLength(1);
    expect(await byTopic(f.requestId, 'welcome_dm')).toMatchObject({ state: 'skipped', attempts: 1, lastError: 'no Slack member has this email', sentAt: null });
    expect(slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes(f.signInName))).toHaveLength(0);
    expect(settled.map((n) => n.state).sort()).toEqual(['sent', 'skipped']);
  });

  it('keeps the email through an SMTP outage, backing off, and delivers it exactly once when SMTP is back', async () => {
    await smtp.stop();
    try {
      const f = await approve(facts(), (n) => n.channel === 'email');
      const w = worker();

      expect(await w.runOnce()).toBe(1);
      let row = await byTopic(f.requestId, 'welcome_email');
      expect(row).toMatchObject({ state: 'queued', attempts: 1, leasedUntil: null });
      expect(row.runAfter.getTime()).toBe(clockMs + 1000);
      expect(row.lastError).toMatch(/^SMTP E(CONNECTION|SOCKET)/);

      expect(await w.runOnce()).toBe(0); // not due yet
      advance(1000);
      expect(await w.runOnce()).toBe(1);
      row = await byTopic(f.requestId, 'welcome_email');
      expect(row).toMatchObject({ state: 'queued', attempts: 2 });
      expect(row.runAfter.getTime()).toBe(clockMs + 2000);

      await smtp.start();
      advance(2000);
      expect(await w.runOnce()).toBe(1);
      advance(60_000);
      expect(await w.runOnce()).toBe(0);
      expect(mailsTo(f.email!)).toHaveLength(1);
      expect(await byTopic(f.requestId, 'welcome_email')).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    } finally {
      await smtp.start().catch(() => undefined);
    }
  });

  it('gives up after the last attempt, and at once on a permanent SMTP rejection; retries an SMTP 4xx', async () => {
    await smtp.stop();
    const outage = await approve(facts(), (n) => n.channel === 'email');
    const settled: NotificationRow[] = [];
    const w = worker({ maxAttempts: 2, onSettled: (n) => Promise.resolve(void settled.push(n)) });
    try {
      await w.runOnce();
      advance(1000);
      await w.runOnce();
    } finally {
      await smtp.start();
    }
    expect(await byTopic(outage.requestId, 'welcome_email')).toMatchObject({ state: 'dead', attempts: 2 });
    expect(settled.map((n) => n.state)).toEqual(['dead']);
    advance(3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(mailsTo(outage.email!)).toHaveLength(0);

    const rejected = await approve(facts(), (n) => n.channel === 'email');
    smtp.rejectNextRecipient(550);
    await w.runOnce();
    expect(await byTopic(rejected.requestId, 'welcome_email')).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await byTopic(rejected.requestId, 'welcome_email')).lastError).toContain('550');

    const busy = await approve(facts(), (n) => n.channel === 'email');
    smtp.rejectNextRecipient(450);
    await w.runOnce();
    expect(await byTopic(busy.requestId, 'welcome_email')).toMatchObject({ state: 'queued', attempts: 1 });
    advance(1000);
    await w.runOnce();
    expect(await byTopic(busy.requestId, 'welcome_email')).toMatchObject({ state: 'sent', attempts: 2 });
    expect(mailsTo(busy.email!)).toHaveLength(1);
  });

  it('waits out a Slack 429 (Retry-After) and a 500, then posts to the requester exactly once', async () => {
    const request = await insertRequest(db, { kind: 'create_user', payload: { username: `notice${++sequence}` }, requesterId: 'U0REQ429', createdAt: new Date() });
    await enqueueNotifications(db, [requesterNotice({ requestId: request.id, requesterId: 'U0REQ429', topic: 'requester_approved', text: 'Your request for *jane* was approved.' })]);
    slack.failNext('chat.postMessage', 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '3' });
    slack.failNext('chat.postMessage', 500, 'upstream exploded');
    const w = worker({ backoff: () => 10 });

    await w.runOnce();
    let row = await byTopic(request.id, 'requester_approved');
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row.runAfter.getTime()).toBe(clockMs + 3000); // Retry-After wins over a shorter backoff
    expect(row.lastError).toContain('rate limited');

    advance(2999);
    expect(await w.runOnce()).toBe(0);
    advance(1);
    await w.runOnce();
    row = await byTopic(request.id, 'requester_approved');
    expect(row).toMatchObject({ state: 'queued', attempts: 2 });
    expect(row.lastError).toContain('HTTP 500');

    advance(10);
    await w.runOnce();
    expect(await byTopic(request.id, 'requester_approved')).toMatchObject({ state: 'sent', attempts: 3 });
    const calls = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0REQ429');
    expect(calls.map((c) => c.status)).toEqual([429, 500, 200]);
    expect(calls[2]!.args.text).toBe('Your request for *jane* was approved.');
    expect(slack.latestMessage('U0REQ429').text).toBe('Your request for *jane* was approved.');
  });

  it('drops a post Slack refuses for good (channel_not_found), and retries one refused for the bot setup (invalid_auth)', async () => {
    const request = await insertRequest(db, { kind: 'create_user', payload: { username: `notice${++sequence}` }, requesterId: 'U0GONE', createdAt: new Date() });
    await enqueueNotifications(db, [
      requesterNotice({ requestId: request.id, requesterId: 'U0GONE', topic: 'requester_gone', text: 'hello' }),
      requesterNotice({ requestId: request.id, requesterId: 'U0AUTH', topic: 'requester_auth', text: 'hello' }),
    ]);
    slack.script('chat.postMessage', (args) => ({ ok: false, error: args.channel === 'U0GONE' ? 'channel_not_found' : 'invalid_auth' }));
    try {
      await worker().runOnce();
    } finally {
      slack.unscript('chat.postMessage');
    }
    expect(await byTopic(request.id, 'requester_gone')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'chat.postMessage: channel_not_found' });
    expect(await byTopic(request.id, 'requester_auth')).toMatchObject({ state: 'queued', attempts: 1, lastError: 'chat.postMessage: invalid_auth' });
    advance(1000);
    await worker().runOnce();
    expect(await byTopic(request.id, 'requester_auth')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('shows a one-time password in the DM only, and erases it from the table once the DM is sent or skipped', async () => {
    const secret = 'Qz7#Kp2$Wm9+Xv4=Rt8?';
    const f = await approve(facts({ oneTimePassword: secret }));
    slack.setSlackUser('U0OTPUSER', { email: f.email! });
    const unreachable = await approve(facts({ oneTimePassword: 'Ab3#Cd4$Ef5+Gh6=Jk7?' }));
    const stored = JSON.stringify(await notificationRows(db, inArray(jobs.requestId, [f.requestId, unreachable.requestId])));
    expect(stored).toContain(secret);

    await worker().runOnce();

    const dm = postsTo('U0OTPUSER');
    expect(dm).toHaveLength(1);
    expect(String(dm[0]!.args.text)).toContain(`*Your one-time password:* \`${secret}\``);
    const blocks = dm[0]!.args.blocks as { block_id?: string; text?: { text: string } }[];
    expect(blocks.map((b) => b.block_id)).toEqual(['intro', 'sign_in', 'password', 'one_time_password', 'link']);
    expect(blocks[3]!.text!.text).toContain(secret);

    const [mail] = mailsTo(f.email!);
    expect(mail!.raw).not.toContain(secret);
    expect(mail!.parsed.text).toContain('Your one-time password was sent to you in a Slack direct message');

    const after = await notificationRows(db, inArray(jobs.requestId, [f.requestId, unreachable.requestId]));
    expect(after.map((r) => r.state).sort()).toEqual(['sent', 'sent', 'sent', 'skipped']);
    expect(JSON.stringify(after)).not.toContain(secret);
    expect(JSON.stringify(after)).not.toContain('Ab3#Cd4$Ef5+Gh6=Jk7?');
    expect(after.every((r) => !('oneTimePassword' in (r.payload as object)))).toBe(true);
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('after a worker dies holding leases, a second one delivers every notification once the leases pass, none twice', async () => {
    const members = ['U0CRASH1', 'U0CRASH2'];
    const approved: (WelcomeFacts & { requestId: string })[] = [];
    for (let i = 0; i < 4; i++) {
      const f = await approve(facts());
      if (members[i]) slack.setSlackUser(members[i]!, { email: f.email! });
      approved.push(f);
    }
    const ids = approved.map((f) => f.requestId);
    const mailsBefore = smtp.received.length;
    const postsBefore = slack.callsTo('chat.postMessage').length;

    // Worker A sends the first three it claimed, then "crashes": the rest never return, nothing more is recorded.
    let calls = 0;
    let allClaimed: () => void = () => undefined;
    const claimed = new Promise<void>((resolve) => (allClaimed = resolve));
    const crashing: SendNotification = async (n) => {
      calls += 1;
      if (calls === 8) allClaimed();
      if (calls <= 3) return send(n);
      return new Promise<never>(() => undefined);
    };
    void worker({ send: crashing, batchSize: 50 }).runOnce();
    await claimed;
    await expect.poll(async () => (await notificationRows(db, inArray(jobs.requestId, ids))).filter((r) => r.state !== 'queued').length).toBe(3);

    const b = worker();
    expect(await b.runOnce()).toBe(0); // A's leases still hold
    advance(LEASE_MS + 1);
    expect(await b.runOnce()).toBe(5);
    expect(await b.runOnce()).toBe(0);

    const all = await notificationRows(db, inArray(jobs.requestId, ids));
    expect(all.filter((r) => r.state === 'queued')).toHaveLength(0);
    expect(all.filter((r) => r.channel === 'email').map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(all.filter((r) => r.channel === 'slack_dm').map((r) => r.state).sort()).toEqual(['sent', 'sent', 'skipped', 'skipped']);
    const mails = smtp.received.slice(mailsBefore);
    expect(mails).toHaveLength(4);
    expect(new Set(mails.map((m) => m.parsed.messageId)).size).toBe(4);
    const posts = slack.callsTo('chat.postMessage').slice(postsBefore);
    expect(posts.map((p) => p.args.channel).sort()).toEqual(members);
  });

  it('a redelivery after a crash between sending and recording carries the same Message-ID', async () => {
    const f = await approve(facts(), (n) => n.channel === 'email');
    let sentOnce: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (sentOnce = resolve));
    void worker({
      send: async (n) => {
        await send(n);
        sentOnce();
        return new Promise<never>(() => undefined);
      },
    }).runOnce();
    await sent;
    advance(LEASE_MS + 1);
    expect(await worker().runOnce()).toBe(1);

    const copies = mailsTo(f.email!);
    expect(copies).toHaveLength(2); // at-least-once: the first was never recorded
    const row = await byTopic(f.requestId, 'welcome_email');
    expect(row).toMatchObject({ state: 'sent', attempts: 2 });
    expect(copies.map((m) => m.parsed.messageId)).toEqual([`<${row.id}@bot.example>`, `<${row.id}@bot.example>`]);
  });

  it('never sends a row twice when several workers race on the same rows', async () => {
    const count = 30;
    const approved: (WelcomeFacts & { requestId: string })[] = [];
    for (let i = 0; i < count; i++) approved.push(await approve(facts(), (n) => n.channel === 'email'));
    const mailsBefore = smtp.received.length;
    // On Postgres the others are other "instances" with their own connection pools.
    const others = database.url ? await Promise.all([1, 2].map(() => openDatabase({ driver: 'postgres', url: database.url!, poolSize: 3 }))) : [];
    try {
      const racers = [db, ...(others.length ? others.map((o) => o.db) : [db, db])].map((racerDb) => worker({ db: racerDb, batchSize: 3 }));
      const claimedBy = await Promise.all(
        racers.map(async (w) => {
          let total = 0;
          for (let n = await w.runOnce(); n > 0; n = await w.runOnce()) total += n;
          return total;
        }),
      );
      expect(claimedBy.reduce((a, b) => a + b, 0)).toBe(count);
      expect(claimedBy.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
    const mails = smtp.received.slice(mailsBefore);
    expect(mails).toHaveLength(count);
    expect(new Set(mails.map((m) => m.parsed.messageId)).size).toBe(count);
    const stored = await notificationRows(db, inArray(jobs.requestId, approved.map((f) => f.requestId)));
    expect(stored.map((r) => `${r.state}/${r.attempts}`)).toEqual(Array<string>(count).fill('sent/1'));
  });

  it('hands each row to exactly one of many workers claiming as fast as they can', async () => {
    const count = 200;
    const tag = `race${++sequence}`;
    await enqueueNotifications(
      db,
      Array.from({ length: count }, (_, i) => ({ dedupeKey: `${tag}:${i}`, channel: 'slack_post' as const, topic: tag, payload: { channel: 'U0RACE', text: `n${i}` } })),
    );
    const handed: string[] = [];
    const instant: SendNotification = (n) => {
      handed.push(n.id);
      return Promise.resolve({ status: 'sent' });
    };
    const others = database.url ? await Promise.all([1, 2, 3, 4, 5].map(() => openDatabase({ driver: 'postgres', url: database.url!, poolSize: 2 }))) : [];
    try {
      const dbs = others.length ? [db, ...others.map((o) => o.db)] : Array<Db>(6).fill(db);
      await Promise.all(
        dbs.map(async (racerDb) => {
          const w = worker({ db: racerDb, send: instant, batchSize: 4 });
          while ((await w.runOnce()) > 0);
        }),
      );
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
    expect(handed).toHaveLength(count);
    expect(new Set(handed).size).toBe(count);
    const stored = await notificationRows(db, eq(jobs.topic, tag));
    expect(stored.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('polls in the background, and stop() waits for the sends in flight', async () => {
    const f = await approve(facts(), (n) => n.channel === 'email');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (started = resolve));
    const w = startNotificationWorker({
      db,
      logger,
      now,
      pollIntervalMs: 20,
      send: async (n) => {
        started();
        await gate;
        return send(n);
      },
    });
    await sending;
    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await byTopic(f.requestId, 'welcome_email')).toMatchObject({ state: 'sent', attempts: 1 });
    expect(mailsTo(f.email!)).toHaveLength(1);
  });

  it('without SMTP_URL writes one .eml file per email into the outbox, named by notification ID, a retry overwriting it', async () => {
    const dir = join(outboxDir, `run-${++sequence}`);
    const outboxSend = createNotificationSender({
      mailer: createMailer({ from: MAIL_FROM, outboxDir: dir }),
      slack: notificationSlackClient({ token: 'xoxb-test-token', slackApiUrl: slack.url }),
    });
    const first = await approve(facts(), (n) => n.channel === 'email');
    const second = await approve(facts(), (n) => n.channel === 'email');
    expect(await worker({ send: outboxSend }).runOnce()).toBe(2);

    const ids = [(await byTopic(first.requestId, 'welcome_email')).id, (await byTopic(second.requestId, 'welcome_email')).id];
    expect((await readdir(dir)).sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
    const parsed = await simpleParser(await readFile(join(dir, `${ids[0]}.eml`)));
    expect(parsed.subject).toBe(`Your contact-center account is ready: sign in as ${first.signInName}`);
    expect(parsed.messageId).toBe(`<${ids[0]}@bot.example>`);
    expect(parsed.text).toContain(first.accountUrl);

    await createMailer({ from: MAIL_FROM, outboxDir: dir }).send(ids[0]!, { to: { address: first.email! }, subject: 'again', text: 'again', html: '<p>again</p>' });
    expect(await readdir(dir)).toHaveLength(2);
  });
});

describe(`the bot delivers notifications in its job worker (${testDriver})`, () => {
  it('delivers what an approval queued, in the background: the email into OUTBOX_DIR without SMTP_URL, the DM through SLACK_API_URL', async () => {
    const slack = await startSlackDouble();
    const outbox = await mkdtemp(join(tmpdir(), 'provision-bot-outbox-'));
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_API_URL: slack.url,
      TENANT_SUFFIX: 'abc',
      APPROVALS_CHANNEL: 'C0APPROVALS',
      APPROVER_IDS: 'U0APPROVER',
      OUTBOX_DIR: outbox,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const bot = await startBot(config, createLogger('silent'), await openTestDatabase());
    try {
      const request = await insertRequest(bot.database.db, { kind: 'create_user', payload: { username: 'bgworker' }, requesterId: 'U0REQUESTER', createdAt: new Date() });
      slack.setSlackUser('U0BGWORKER', { email: 'bg.worker@example.com' });
      await enqueueNotifications(
        bot.database.db,
        welcomeNotifications({ requestId: request.id, username: 'bgworker', firstName: 'Bo', lastName: 'Gee', email: 'bg.worker@example.com', signInName: 'bgworker@abc', accountUrl: `${config.publicUrl}/account`, passwordExpiresAt: null }),
      );
      await expect.poll(async () => (await notificationsOfRequest(bot.database.db, request.id)).map((r) => r.state), { timeout: 8000, interval: 100 }).toEqual(['sent', 'sent']);
      const files = await readdir(outbox);
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(await readFile(join(outbox, files[0]!)));
      expect(parsed.text).toContain('Sign in as: bgworker@abc');
      // The request was inserted without its approval message: the bot's first sweep may post that one to the approvals channel.
      const dms = slack.callsTo('chat.postMessage').filter((c) => c.args.channel !== 'C0APPROVALS');
      expect(dms.map((c) => c.args.channel)).toEqual(['U0BGWORKER']);
      expect(dms[0]!.token).toBe('xoxb-test-token');
    } finally {
      await bot.stop();
      await slack.close();
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
