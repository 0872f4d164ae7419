import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { fillView } from '../support/fill-view.js';
import { APPROVER, sendBlockAction, sendViewSubmission, triggerId } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/**
 * A test-only trigger makes one statement of the approval's transaction fail, after the database has
 * seen every row it was given. Before raising, it writes those rows to a file with COPY (which, unlike
 * a table, is not rolled back), so the test learns the secrets the failed statement carried: the
 * password hash, the device secret, the one-time password. None of them may reach the log.
 */
async function failInsertsInto(t: TestBot, table: string, file: string): Promise<void> {
  await t.db.execute(
    sql.raw(`create or replace function test_fail_and_capture() returns trigger language plpgsql as $$
      begin
        execute format('copy (select %L) to %L', (select jsonb_agg(r)::text from new_rows r), '${file}');
        raise exception 'test-only failure inside the approval';
      end $$`),
  );
  await t.db.execute(sql.raw(`create trigger test_fail_and_capture after insert on "${table}" referencing new table as new_rows for each statement execute function test_fail_and_capture()`));
}

async function removeFailure(t: TestBot, table: string): Promise<void> {
  await t.db.execute(sql.raw(`drop trigger if exists test_fail_and_capture on "${table}"`));
}

async function capturedRows(t: TestBot, file: string): Promise<Record<string, unknown>[]> {
  // postgres.js answers an array of rows, PGlite an object holding them.
  const result: unknown = await t.db.execute(sql.raw(`select pg_read_file('${file}') as f`));
  const list = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as { f: string }[];
  // COPY's text format escapes backslashes; the JSON itself has none of its own left after that.
  return JSON.parse(list[0]!.f.trim().replace(/\\\\/g, '\\')) as Record<string, unknown>[];
}

/** An agent request with a new extension, submitted through the modal, and the Approve click. */
async function requestAgentAndClickApprove(t: TestBot, username: string, phone: string): Promise<string> {
  // PASSWORD_POLICY=random: the new user's email must be a Slack member's, or the request is refused.
  t.slack.setSlackUser(`U0${username.toUpperCase()}`, { email: `${username}@example.com` });
  let since = t.slack.calls.length;
  await sendSlashCommand(t.slackTarget, { text: 'agent', trigger_id: triggerId() });
  const root = await t.slack.waitForView({ method: 'views.open', since });
  const typed = fillView(root, { Username: username, 'First Name': 'Sec', 'Last Name': 'Ret', 'Phone Number': phone, Email: `${username}@example.com` });
  since = t.slack.calls.length;
  await sendBlockAction(t.slackTarget, { actionId: 'set_up_new_extension', view: root, values: typed });
  const step = await t.slack.waitForView({ method: 'views.push', since });
  since = t.slack.calls.length;
  await sendViewSubmission(t.slackTarget, { view: step, values: fillView(step, { 'Device Name': 'Agent softphone' }) });
  await t.slack.waitFor('views.update', 3000, since);
  since = t.slack.calls.length;
  expect((await sendViewSubmission(t.slackTarget, { view: t.slack.viewById(root.id!), values: typed })).body).toEqual({ response_action: 'clear' });
  const post = await t.slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0APPROVALS', 3000, since);
  const [row] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = ${username}`);
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, row!.id)))[0]?.approvalTs).toBeTruthy();
  const ts = (post.answer as { ts: string }).ts;
  await sendBlockAction(t.slackTarget, { actionId: 'approve_request', message: { blocks: t.slack.message(ts).blocks ?? [], ts }, channelId: 'C0APPROVALS', user: APPROVER, responseUrl: t.slack.responseUrl(`approve-${username}`) });
  return row!.id;
}

/** The secrets a captured row holds, by the column or payload key that holds them. */
function secretsIn(rows: Record<string, unknown>[]): Record<string, string> {
  const found: Record<string, string> = {};
  rows.forEach((row, i) => {
    if (typeof row.password_hash === 'string') found[`password hash ${i}`] = row.password_hash.split('$').at(-1)!;
    if (typeof row.device_secret === 'string') found[`device secret ${i}`] = row.device_secret;
    const payload = row.payload as Record<string, unknown> | undefined;
    if (typeof payload?.oneTimePassword === 'string') found[`one-time password ${i}`] = payload.oneTimePassword;
  });
  return found;
}

const CASES = [
  { table: 'extensions', holds: 'device secret' },
  { table: 'users', holds: 'password hash' },
  { table: 'jobs', holds: 'one-time password' },
] as const;

describe(`a database error during an approval is logged without its parameters (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ PASSWORD_POLICY: 'random', LOG_LEVEL: 'debug' });
  });
  afterAll(async () => t?.close());

  it.each(CASES.map((c, i) => ({ ...c, n: i })))('an insert into $table fails: the $holds it carried stays out of the log', async ({ table, holds, n }) => {
    const file = `/tmp/provision-test-${randomBytes(6).toString('hex')}.json`;
    await failInsertsInto(t, table, file);
    const logFrom = t.logText().length;
    const failures = () => t.logs.filter((l) => l.msg === 'approval failed');
    const before = failures().length;
    try {
      await requestAgentAndClickApprove(t, `secret${n}`, `555-555-70${n}0`);
      await expect.poll(() => failures().length, { timeout: 10_000 }).toBe(before + 1);
    } finally {
      await removeFailure(t, table);
    }
    const secrets = secretsIn(await capturedRows(t, file));
    expect(Object.keys(secrets).some((k) => k.startsWith(holds)), `the failed insert carried no ${holds}: ${Object.keys(secrets).join(', ')}`).toBe(true);
    const log = t.logText().slice(logFrom);
    expect(Object.entries(secrets).filter(([, secret]) => log.includes(secret)).map(([name]) => name)).toEqual([]);
    expect(log).not.toContain('Failed query');

    // What is logged instead: the code, the statement and where, with the stack frames.
    const failure = failures().at(-1)!;
    expect(failure.err).toMatchObject({ code: 'P0001', statement: `insert into "${table}"` });
    expect(String((failure.err as { message: string }).message)).toContain(`database error P0001 in insert into "${table}"`);
    expect(Object.keys(failure.err as object).sort()).toEqual(expect.arrayContaining(['code', 'message', 'stack', 'statement', 'type']));
    expect(String((failure.err as { stack: string }).stack)).toMatch(/\n\s+at /);
  });
});
