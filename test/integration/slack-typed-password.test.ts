import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { fillView, type SlackView } from '../support/fill-view.js';
import { REQUESTER, sendViewSubmission, triggerId, type SlackAck } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { blockThreadPool } from '../support/thread-pool.js';

const TYPED_PASSWORD = 'Harbor-Lantern-Typed-77';

async function openUserModal(t: TestBot): Promise<SlackView> {
  const since = t.slack.calls.length;
  await sendSlashCommand(t.baseUrl, { text: 'user', trigger_id: triggerId() });
  return t.slack.waitForView({ method: 'views.open', since });
}

const requestsFor = async (t: TestBot, username: string) => t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`);

/** The ack, or 'no ack' when none came within a few seconds (the bot waiting for something it should not). */
const ackWithin = (ack: Promise<SlackAck>, ms = 5000) => Promise.race([ack, new Promise<'no ack'>((resolve) => setTimeout(() => resolve('no ack'), ms))]);

/**
 * A typed password is hashed (≈ 0.5 s of scrypt, queued behind others under load) only after the
 * submission is acknowledged: Slack shows an error for an ack later than 3 s. The tests hold every
 * thread of the pool scrypt runs on, so no hash can finish until they let it.
 */
describe(`a submission with a typed password (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.close());

  it('is acknowledged before its password is hashed, then stored with only the hash', async () => {
    const view = await openUserModal(t);
    const values = fillView(view, { Username: 'typist', 'First Name': 'Ty', 'Last Name': 'Pist', 'Phone Number': '555-555-2345', Password: TYPED_PASSWORD });
    const since = t.slack.calls.length;
    const pool = blockThreadPool();
    let ack: SlackAck | 'no ack';
    let storedAtAck: number;
    try {
      ack = await ackWithin(sendViewSubmission(t.baseUrl, { view, values }));
      storedAtAck = (await requestsFor(t, 'typist')).length;
    } finally {
      await pool.release();
    }
    expect(ack).not.toBe('no ack');
    expect((ack as SlackAck).body).toEqual({ response_action: 'clear' });
    // No hash could finish before the ack, so nothing was stored yet: the ack did not wait for it.
    expect(storedAtAck).toBe(0);
    await expect.poll(async () => (await requestsFor(t, 'typist')).length, { timeout: 10_000 }).toBe(1);
    const [row] = await requestsFor(t, 'typist');
    expect((row!.payload as { passwordHash?: string }).passwordHash).toMatch(/^scrypt\$/);
    await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 5000, since);
    expect(JSON.stringify(row!.payload)).not.toContain(TYPED_PASSWORD);
  });

  it('tells the requester by DM when the request cannot be stored after the ack, and stores nothing for it', async () => {
    const view = await openUserModal(t);
    const values = fillView(view, { Username: 'racer', 'First Name': 'Ra', 'Last Name': 'Cer', 'Phone Number': '555-555-3456', Password: TYPED_PASSWORD });
    const since = t.slack.calls.length;
    const pool = blockThreadPool();
    let acks: (SlackAck | 'no ack')[];
    try {
      // A double click: both pass every check before either is stored, so the database decides.
      acks = await Promise.all([ackWithin(sendViewSubmission(t.baseUrl, { view, values })), ackWithin(sendViewSubmission(t.baseUrl, { view, values }))]);
    } finally {
      await pool.release();
    }
    for (const ack of acks) expect(ack === 'no ack' ? ack : ack.body).toEqual({ response_action: 'clear' });

    const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER && /not stored/.test(String(c.args.text)), 10_000, since);
    expect(String(dm.args.text)).toBe('Your request for *racer* was not stored: A request for racer is already waiting for approval. Nothing was changed.');
    expect(await requestsFor(t, 'racer')).toHaveLength(1);
    // The secret never reaches the DM, any other Slack call, or the log.
    expect(JSON.stringify(t.slack.calls.slice(since).map((c) => c.args))).not.toContain(TYPED_PASSWORD);
    expect(t.logText()).not.toContain(TYPED_PASSWORD);
    expect(t.logs.some((l) => l.level === 40 && l.msg === 'user request refused after the ack' && l.username === 'racer')).toBe(true);
  });

  it('tells the requester by DM when the database refuses the request after the ack', async () => {
    // A test-only trigger: the database fails every insert into requests, as a failover would.
    await t.db.execute(sql.raw(`create function refuse_request_insert() returns trigger language plpgsql as $$ begin raise exception 'test: requests refuses inserts'; end $$`));
    await t.db.execute(sql.raw('create trigger refuse_request_insert before insert on requests for each row execute function refuse_request_insert()'));
    try {
      const view = await openUserModal(t);
      const since = t.slack.calls.length;
      const values = fillView(view, { Username: 'unlucky', 'First Name': 'Un', 'Last Name': 'Lucky', 'Phone Number': '555-555-4567', Password: TYPED_PASSWORD });
      const ack = await sendViewSubmission(t.baseUrl, { view, values });
      expect(ack.body).toEqual({ response_action: 'clear' });
      const dm = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === REQUESTER, 10_000, since);
      expect(String(dm.args.text)).toBe('Your request for *unlucky* could not be stored: something went wrong on our side and nothing was changed. Please submit it again in a moment.');
      expect(await requestsFor(t, 'unlucky')).toHaveLength(0);
      expect(t.slack.calls.slice(since).some((c) => c.args.channel === 'C0APPROVALS')).toBe(false);
      expect(JSON.stringify(t.slack.calls.slice(since).map((c) => c.args))).not.toContain(TYPED_PASSWORD);
      expect(t.logText()).not.toContain(TYPED_PASSWORD);
      expect(t.logs.some((l) => l.level === 50 && l.msg === 'user request could not be stored after the ack')).toBe(true);
      // Logged by its SQLSTATE (and table, when the server names one), never with the query's parameters (the hash is one of them).
      expect(t.logText()).not.toMatch(/scrypt\$/);
      expect(t.logs.some((l) => l.msg === 'user request could not be stored after the ack' && JSON.stringify(l.err).includes('SQLSTATE P0001'))).toBe(true);
    } finally {
      await t.db.execute(sql.raw('drop trigger refuse_request_insert on requests'));
      await t.db.execute(sql.raw('drop function refuse_request_insert()'));
    }
  });
});
