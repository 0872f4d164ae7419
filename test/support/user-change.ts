import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { assertWithinSlackLimits } from './block-kit-limits.js';
import type { SlackView } from './fill-view.js';
import type { SlackMessage } from './slack-double.js';
import { APPROVER, sendBlockAction, triggerId } from './slack-interactions.js';
import { sendSlashCommand } from './slack-request.js';
import type { TestBot } from './test-bot.js';
import type { View } from '@slack/types';

/** `/provision <text>` → the modal it opened, checked against Slack's limits. */
export async function commandModal(t: TestBot, text: string): Promise<SlackView> {
  const since = t.slack.calls.length;
  await sendSlashCommand(t.baseUrl, { text, trigger_id: triggerId() });
  const view = await t.slack.waitForView({ method: 'views.open', since });
  assertWithinSlackLimits(view as unknown as View);
  return view;
}

/** `/provision <text>` answered only to the person (no modal): the text of that answer. */
export async function commandRefusal(t: TestBot, text: string, name: string): Promise<string> {
  const since = t.slack.responses.length;
  await sendSlashCommand(t.baseUrl, { text, trigger_id: triggerId(), response_url: t.slack.responseUrl(name) });
  const response = await t.slack.waitForResponse((r) => r.url.endsWith(`/${name}`), 3000, since);
  return JSON.stringify(response.body);
}

/** The approval message of a request, once the bot has posted it. */
export async function approvalMessageOf(t: TestBot, requestId: string): Promise<SlackMessage> {
  await expect.poll(async () => (await t.db.select().from(requests).where(eq(requests.id, requestId)))[0]?.approvalTs ?? null, { timeout: 5000 }).not.toBeNull();
  const [row] = await t.db.select().from(requests).where(eq(requests.id, requestId));
  return t.slack.message(row!.approvalTs!);
}

export async function clickApprove(t: TestBot, requestId: string, name = `approve-${requestId}`) {
  const message = await approvalMessageOf(t, requestId);
  return sendBlockAction(t.baseUrl, { actionId: 'approve_request', message: { blocks: message.blocks ?? [], ts: message.ts }, channelId: message.channel, user: APPROVER, responseUrl: t.slack.responseUrl(name) });
}

export async function requestState(t: TestBot, requestId: string) {
  return (await t.db.select().from(requests).where(eq(requests.id, requestId)))[0];
}

/** The newest request about this user. */
export async function latestRequestFor(t: TestBot, userId: number) {
  const rows = await t.db.select().from(requests).where(eq(requests.targetUserId, userId));
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/** Delivers the outbox now (the worker also polls in the background). */
export async function drain(t: TestBot): Promise<void> {
  while ((await t.bot.notifications.runOnce()) > 0);
}

export function signIn(t: TestBot, signInName: string, password: string) {
  return fetch(`${t.baseUrl}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signInName, password }) });
}
