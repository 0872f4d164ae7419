import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { APPROVER, REQUESTER, appHomeOpened, sendEvent } from '../support/slack-interactions.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

/**
 * A request row whose payload no longer fits its schema (edited by hand in the database, written by an
 * older version) must cost that one row, shown as unreadable and logged, and not the App Home or the
 * approval message around it.
 */
describe(`one unreadable stored payload (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is shown as unreadable in App Home and in its approval message, the other requests as usual, and logged', async () => {
    const deps = depsFor(t.db, { now: () => new Date() });
    const good = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'readable', firstName: 'Rea', lastName: 'Dable' }) });
    const bad = await submitUserRequest(deps, requester, { kind: 'create_user', input: janeDoe({ username: 'mangled', firstName: 'Man', lastName: 'Gled' }) });
    // Corrupted in the database itself: a field of the wrong type, one missing.
    await t.db.execute(sql`update requests set payload = jsonb_set(payload - 'lastName', '{firstName}', '42') where id = ${bad.id}`);

    // The sweep posts both approval messages (neither was posted at submission: the services were called directly).
    await t.bot.sweeper.runOnce();
    const posted = (id: string) => t.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0APPROVALS' && JSON.stringify(c.args.blocks).includes(id));
    expect(JSON.stringify(posted(good.id)?.args.blocks)).toContain('readable');
    const badMessage = JSON.stringify(posted(bad.id)?.args.blocks);
    expect(badMessage).toContain('New user request (unreadable)');
    expect(badMessage).toContain('cannot be read');
    expect(badMessage).not.toContain('mangled');
    assertWithinSlackLimits({ type: 'home', blocks: posted(bad.id)!.args.blocks as never });
    expect((await t.db.select().from(requests).where(eq(requests.id, bad.id)))[0]?.approvalTs).toBeTruthy();

    for (const user of [APPROVER, REQUESTER]) {
      const since = t.slack.calls.length;
      await sendEvent(t.baseUrl, appHomeOpened(user));
      await t.slack.waitFor('views.publish', 5000, since);
      assertWithinSlackLimits(t.slack.homeView(user) as never);
      const home = JSON.stringify(t.slack.homeView(user).blocks);
      expect(home).toContain('(unreadable)');
      expect(home).toContain('readable');
    }

    const logged = t.logs.filter((l) => l.requestId === bad.id && /payload is unreadable/.test(String(l.msg)));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]).toMatchObject({ level: 40, kind: 'create_user' });
    expect(JSON.stringify(logged[0]!.unreadable)).toMatch(/firstName: invalid_type/);
    expect(JSON.stringify(logged)).not.toContain('mangled');
  });
});
