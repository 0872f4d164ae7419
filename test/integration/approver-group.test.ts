import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { requests, users } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { submitUserRequest } from '../../src/services/submit-request.js';
import { approverGroupClient, GROUP_MAX_AGE_MS, startApproverGroup, type ApproverGroup } from '../../src/slack/approver-group.js';
import { depsFor, janeDoe, requester } from '../support/fixtures.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { APPROVER, sendBlockAction } from '../support/slack-interactions.js';
import { startTestBot, type TestBot } from '../support/test-bot.js';
import { testDriver } from '../support/test-db.js';

const GROUP = 'S0CCADMINS';
const GRACE = 'U0GRACE';
const HOPPER = 'U0HOPPER';
const silent = createLogger('silent');

/** The holder on its own, against the Slack double over HTTP, with a clock the test moves. */
describe('the approver group holder', () => {
  let slack: SlackDouble;
  let group: ApproverGroup | undefined;
  let clock = 0;
  beforeAll(async () => {
    slack = await startSlackDouble();
  });
  afterEach(() => group?.stop());
  afterAll(async () => {
    await slack?.close();
  });
  const start = (ref: string, refreshMs = 3_600_000) =>
    startApproverGroup({ ref, client: approverGroupClient({ token: 'xoxb-test', slackApiUrl: slack.url, logger: silent }), logger: silent, now: () => clock, refreshMs });

  it('resolves a handle with usergroups.list, reads the members, and sees a removal at the next read', async () => {
    slack.setUsergroupUsers(GROUP, [GRACE, HOPPER], 'cc-admins');
    group = await start('cc-admins');
    expect(group.id).toBe(GROUP);
    expect(group.has(GRACE) && group.has(HOPPER)).toBe(true);
    expect(group.has(APPROVER)).toBe(false);
    slack.setUsergroupUsers(GROUP, [GRACE]);
    expect(await group.refresh()).toBe(true);
    expect(group.has(HOPPER)).toBe(false);
    expect(group.has(GRACE)).toBe(true);
  });

  it('fails closed: when reads fail, the last one stands for a minute, then the group counts as empty', async () => {
    slack.setUsergroupUsers(GROUP, [GRACE], 'cc-admins');
    clock = 1_000_000;
    group = await start(GROUP);
    // The client tries twice (one retry): both fail.
    slack.failNext('usergroups.users.list', 500, 'upstream down');
    slack.failNext('usergroups.users.list', 500, 'upstream down');
    clock += 30_000;
    expect(await group.refresh()).toBe(false);
    expect(group.has(GRACE)).toBe(true);
    clock = 1_000_000 + GROUP_MAX_AGE_MS;
    expect(group.has(GRACE)).toBe(true);
    clock += 1;
    expect(group.has(GRACE)).toBe(false);
    expect(group.members().size).toBe(0);
    // A read that succeeds again restores it.
    expect(await group.refresh()).toBe(true);
    expect(group.has(GRACE)).toBe(true);
  });

  it('refreshes in the background on its own', async () => {
    slack.setUsergroupUsers(GROUP, [GRACE, HOPPER]);
    group = await start(GROUP, 50);
    slack.setUsergroupUsers(GROUP, [GRACE]);
    await expect.poll(() => group!.has(HOPPER), { timeout: 3000 }).toBe(false);
  });

  it('refuses an unknown group or handle at start', async () => {
    await expect(start('no-such-handle')).rejects.toThrow(/APPROVER_GROUP: Slack has no user group with the handle @no-such-handle/);
    await expect(start('S0NOPE')).rejects.toThrow(/APPROVER_GROUP: Slack has no user group S0NOPE/);
  });
});

describe(`APPROVER_GROUP end to end (${testDriver})`, () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ APPROVER_GROUP: '@cc-admins' }, { prepareSlack: (slack) => slack.setUsergroupUsers(GROUP, [GRACE, HOPPER], 'cc-admins') });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function pendingMessage(username: string) {
    const submitted = await submitUserRequest(depsFor(t.db, { now: () => new Date() }), requester, { kind: 'create_user', input: janeDoe({ username }) });
    await t.bot.sweeper.runOnce();
    const [row] = await t.db.select().from(requests).where(eq(requests.id, submitted.id));
    return { id: submitted.id, message: t.slack.message(row!.approvalTs!) };
  }
  const approve = (m: { blocks?: unknown[]; ts: string; channel: string }, user: string, name: string) =>
    sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: (m.blocks ?? []) as never, ts: m.ts }, channelId: m.channel, user, responseUrl: t.slack.responseUrl(name) });
  const usersNamed = (username: string) => t.db.select().from(users).where(eq(users.username, username));

  it('a group member approves; a member removed from the group no longer can, once the group is read again', async () => {
    expect(t.bot.approverGroup?.id).toBe(GROUP);
    const first = await pendingMessage('grouped1');
    await approve(first.message, GRACE, 'grace');
    await expect.poll(async () => (await usersNamed('grouped1')).length, { timeout: 15_000 }).toBe(1);

    // Hopper leaves the group in Slack. Within the window (the next read: every 30 s, and here now) he is no approver.
    t.slack.setUsergroupUsers(GROUP, [GRACE]);
    expect(await t.bot.approverGroup!.refresh()).toBe(true);
    const second = await pendingMessage('grouped2');
    await approve(second.message, HOPPER, 'hopper');
    const answer = await t.slack.waitForResponse((r) => r.url.endsWith('/hopper'), 5000);
    expect(JSON.stringify(answer.body)).toMatch(/Only contact-center admins/);
    expect(await usersNamed('grouped2')).toHaveLength(0);
    const [row] = await t.db.select().from(requests).where(eq(requests.id, second.id));
    expect(row?.state).toBe('pending');
    // APPROVER_IDS still count beside the group.
    await approve(second.message, APPROVER, 'listed');
    await expect.poll(async () => (await usersNamed('grouped2')).length, { timeout: 15_000 }).toBe(1);
  });
});

describe(`start-up checks of APPROVER_GROUP and TWO_APPROVALS_FOR (${testDriver})`, () => {
  it('refuses four eyes when the listed approvers and the group together are fewer than two, naming TWO_APPROVALS_FOR', async () => {
    // APPROVER_IDS is the test bot's APPROVER, who is also the group's only member: one approver.
    const refused = startTestBot({ APPROVER_GROUP: GROUP, TWO_APPROVALS_FOR: 'admin' }, { prepareSlack: (slack) => slack.setUsergroupUsers(GROUP, [APPROVER]) });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(/TWO_APPROVALS_FOR needs at least two approvers/);
  });

  it('refuses a group Slack does not know, naming APPROVER_GROUP', async () => {
    await expect(startTestBot({ APPROVER_GROUP: 'S0GONE' })).rejects.toThrow(/APPROVER_GROUP: Slack has no user group S0GONE/);
  });

  it('starts when APPROVER_IDS and the group together make two approvers', async () => {
    const two = await startTestBot({ APPROVER_GROUP: GROUP, TWO_APPROVALS_FOR: 'admin' }, { prepareSlack: (slack) => slack.setUsergroupUsers(GROUP, [GRACE]) });
    await two.close();
  });
});
