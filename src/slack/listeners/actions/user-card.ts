import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { cardActions, maySeeCards } from '../../../domain/card-actions.js';
import { recoveryRoute } from '../../../domain/recovery.js';
import { userCard } from '../../../services/user-card.js';
import { userHistory } from '../../../services/user-history.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { requestRotation } from '../../flows/device-secret.js';
import { COMMAND } from '../../ids.js';
import { decodeHistoryPage, userHistoryMessage } from '../../views/user-history.js';
import { userCardMessage } from '../../views/user-card.js';
import { clipText } from '../../../text/clip.js';
import { mrkdwnCode } from '../../../text/mrkdwn.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;
type Answer = { text: string; blocks?: KnownBlock[] };

function noSuchUser(username: string): Answer {
  // mrkdwnCode escapes what was typed, so a forged value cannot ping anyone.
  return { text: `There is no user ${mrkdwnCode(clipText(username, 60))}. Try ${COMMAND} find &lt;name&gt;.` };
}

/** The card of one user with the buttons this viewer may use, or why there is none. */
export async function cardAnswer(deps: SlackDeps, viewerId: string, username: string): Promise<Answer> {
  const card = await userCard(deps.services, { username: clipText(username, 254) });
  if (!card) return noSuchUser(username);
  const viewer = { canRequest: deps.access.canRequest(viewerId), isApprover: deps.access.isApprover(viewerId) };
  const route = recoveryRoute(deps.approvals.resetNeedsApproval, viewer);
  // The card's lockedUntil is set only while the lock holds (services/user-card.ts).
  const actions = cardActions({ ...viewer, mayAskRecovery: route !== 'not_allowed' }, card.status, { locked: card.lockedUntil !== null, hasExtension: card.extension !== null });
  return userCardMessage(card, actions, { recovery: route === 'at_once' ? 'at_once' : 'needs_approval' });
}

/** One page of a user's history, or why there is none. */
export async function historyAnswer(deps: SlackDeps, username: string, page: number): Promise<Answer> {
  const history = await userHistory(deps.services, { username: clipText(username, 254), page });
  return history ? userHistoryMessage(history) : noSuchUser(username);
}

function maySee(deps: SlackDeps, userId: string): boolean {
  return maySeeCards({ canRequest: deps.access.canRequest(userId), isApprover: deps.access.isApprover(userId) });
}

/**
 * View on a find row: the card as a new ephemeral message below the results, which stay. Its buttons
 * come with a fresh trigger_id when clicked, so Edit and the others can open their modals then.
 */
export const viewUserClicked =
  (deps: SlackDeps) =>
  async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    if (action.type !== 'button' || !action.value) return;
    if (!maySee(deps, body.user.id)) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED_TEXT }));
    await respond({ response_type: 'ephemeral', replace_original: false, ...(await cardAnswer(deps, body.user.id, action.value)) });
  };

/** History on the card: the first page, as a new ephemeral message (the card stays). */
export const historyClicked =
  (deps: SlackDeps) =>
  async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    if (action.type !== 'button' || !action.value) return;
    if (!maySee(deps, body.user.id)) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED_TEXT }));
    await respond({ response_type: 'ephemeral', replace_original: false, ...(await historyAnswer(deps, action.value, 1)) });
  };

/** Newer / Older on a history: the message is replaced in place by that page. */
export const historyPaged =
  (deps: SlackDeps) =>
  async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    if (action.type !== 'button') return;
    if (!maySee(deps, body.user.id)) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: NOT_ALLOWED_TEXT }));
    let page: { username: string; page: number };
    try {
      page = decodeHistoryPage(action.value ?? '');
    } catch {
      deps.logger.warn({ userId: body.user.id }, 'history: refused a malformed page value');
      return;
    }
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await historyAnswer(deps, page.username, page.page)) });
  };

/** Rotate device secret on the card (value: the extension number): the request is made at once, after the button's confirm. */
export const rotateSecretClicked =
  (deps: SlackDeps) =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const number = action.type === 'button' ? (action.value ?? '') : '';
    try {
      await tell(await requestRotation(deps, client, body.user.id, number.slice(0, 20)));
    } catch (err) {
      deps.logger.error({ err }, 'could not request a device secret rotation');
      await tell(APOLOGY_TEXT);
    }
  };
