import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests, users } from '../../src/db/schema/index.js';
import { unlockAccount } from '../../src/services/unlock-account.js';
import { accessPolicy } from '../../src/domain/access.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { assertWithinSlackLimits } from '../support/block-kit-limits.js';
import type { ViewBlock } from '../support/fill-view.js';
import { depsFor, requester } from '../support/fixtures.js';
import { APPROVER, OUTSIDER, REQUESTER, sendBlockAction } from '../support/slack-interactions.js';
import { sendSlashCommand } from '../support/slack-request.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';
import { deactivationThroughApproval, setupRequester, userThroughApproval } from '../support/through-approval.js';

interface Answer {
  response_type?: string;
  replace_original?: boolean;
  text: string;
  blocks?: ViewBlock[];
}

const UNLOCKS = 23;
const textOf = (blocks: readonly ViewBlock[] | undefined) => JSON.stringify(blocks ?? []);
const entries = (blocks: readonly ViewBlock[] | undefined) => (blocks ?? []).filter((b) => (b.block_id ?? '').match(/^history_\d+$/)).map((b) => b.text?.text ?? '');
const pageButtons = (blocks: readonly ViewBlock[] | undefined) => (blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []).map((e) => e.text?.text);

function expectWithinMessageLimits(blocks: readonly ViewBlock[] | undefined): void {
  expect(blocks!.length).toBeLessThanOrEqual(50);
  assertWithinSlackLimits({ type: 'home', blocks: blocks as never });
}

describe(`a user's history, paged, end to end (${testDriver})`, () => {
  let t: TestBot;
  let requestId: string;
  let hash: string;

  const command = async (text: string, user = REQUESTER): Promise<Answer> => (await (await sendSlashCommand(t.baseUrl, { text, user_id: user })).json()) as Answer;

  /** Clicks a button on an ephemeral message and returns what the bot sent to its response_url. */
  async function click(message: Answer, actionId: string, name: string, options: { blockId?: string; user?: string; value?: string } = {}): Promise<Answer> {
    const responseUrl = t.slack.responseUrl(name);
    const since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId, message: { blocks: message.blocks, ts: '1.1' }, responseUrl, ephemeral: true, ...options });
    return (await t.slack.waitForResponse((r) => r.url === responseUrl, 3000, since)).body as unknown as Answer;
  }

  beforeAll(async () => {
    t = await startTestBot({ REQUESTER_IDS: REQUESTER });
    const deps = depsFor(t.db, { now: () => new Date() });
    await userThroughApproval(deps, requester, { username: 'hist', firstName: 'His', lastName: 'Tory', phone: '555-555-1234' });
    const [request] = await t.db.select().from(requests).where(sql`${requests.payload} ->> 'username' = 'hist'`);
    requestId = request!.id;
    hash = (await t.db.select().from(users).where(eq(users.username, 'hist')))[0]!.passwordHash!;
    // Real entries from real use cases: an approver ending lockouts, then the deactivation.
    const access = accessPolicy({ requesterIds: [REQUESTER], approverIds: [APPROVER], portalAdminIds: [] });
    for (let i = 0; i < UNLOCKS; i++) await unlockAccount(deps, access, { id: APPROVER, portalAdmin: false }, { username: 'hist' });
    await deactivationThroughApproval(deps, setupRequester, 'hist');
  });
  afterAll(async () => t?.close());

  it('/provision history: newest first, ten a page, who, what, when; Older pages on in place to the creation and its request', async () => {
    const total = UNLOCKS + 2;
    const first = await command('history HIST');
    expect(first.response_type).toBe('ephemeral');
    expectWithinMessageLimits(first.blocks);
    expect(textOf(first.blocks)).toContain(`1–10 of ${total} (page 1 of 3)`);
    const shown = entries(first.blocks);
    expect(shown).toHaveLength(10);
    expect(shown[0]).toMatch(/^\*Deactivated\* · by <@U0APPROVER> · <!date\^\d+/);
    expect(shown[1]).toMatch(/^\*Sign-in unlocked\* · by <@U0APPROVER>/);
    expect(pageButtons(first.blocks)).toEqual([`Older › (${total - 10} more)`]);

    const second = await click(first, ACTIONS.historyPage, 'history-2');
    expect(second.replace_original).toBe(true);
    expectWithinMessageLimits(second.blocks);
    expect(textOf(second.blocks)).toContain(`11–20 of ${total} (page 2 of 3)`);
    expect(pageButtons(second.blocks)).toEqual(['‹ Newer', `Older › (${total - 20} more)`]);

    const third = await click(second, ACTIONS.historyPage, 'history-3', { blockId: 'history_older' });
    const last = entries(third.blocks);
    expect(last).toHaveLength(total - 20);
    expect(last.at(-1)).toMatch(/^\*Created\* · by <@U0APPROVER>/);
    expect(last.at(-1)).toContain(`request \`${requestId}\``);
    expect(pageButtons(third.blocks)).toEqual(['‹ Newer']);

    const back = await click(third, ACTIONS.historyPage, 'history-back');
    expect(textOf(back.blocks)).toContain('11–20');
    for (const page of [first, second, third]) expect(JSON.stringify(page)).not.toContain(hash);
  });

  it('History on the card: the first page as a new message, the card staying', async () => {
    const card = await command('show hist');
    const history = await click(card, ACTIONS.userHistory, 'card-history');
    expect(history.replace_original).toBe(false);
    expect(entries(history.blocks)).toHaveLength(10);
    expect(textOf(history.blocks)).toContain('page 1 of 3');
  });

  it('a user with a short history has no paging; an unknown user, a forged page and an outsider get nothing', async () => {
    const deps = depsFor(t.db, { now: () => new Date() });
    await userThroughApproval(deps, requester, { username: 'fresh', firstName: 'Fre', lastName: 'Sh', phone: '555-555-1234' });
    const fresh = await command('history fresh');
    expect(entries(fresh.blocks)).toHaveLength(1);
    expect(pageButtons(fresh.blocks)).toEqual([]);

    expect((await command('history ghost')).text).toMatch(/There is no user `ghost`/);
    expect(textOf((await command('history')).blocks)).toContain('Say whose history to show');
    expect((await command('history hist', OUTSIDER)).text).toMatch(/not on the list/);

    const refused = await click({ text: '' }, ACTIONS.userHistory, 'outsider-history', { blockId: 'card_actions', value: 'hist', user: OUTSIDER });
    expect(refused.text).toMatch(/not on the list/);
    expect(refused.blocks).toBeUndefined();

    const since = t.slack.responses.length;
    await sendBlockAction(t.baseUrl, { actionId: ACTIONS.historyPage, blockId: 'history_older', value: 'not-a-page', responseUrl: t.slack.responseUrl('forged'), ephemeral: true });
    await expect.poll(() => t.logs.some((l) => String(l.msg).includes('refused a malformed page value'))).toBe(true);
    expect(t.slack.responses.slice(since).filter((r) => r.url.endsWith('forged'))).toEqual([]);
  });
});
