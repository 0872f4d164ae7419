import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput } from '../../../domain/errors.js';
import { retryDelivery } from '../../../services/retry-delivery.js';
import { actorFor, APOLOGY_TEXT, type SlackDeps } from '../../context.js';
import { refreshApprovalMessage } from '../../flows/approval.js';
import { NOT_APPROVER_TEXT } from '../../flows/decisions.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

const TOPIC_WORDS: Readonly<Record<string, string>> = {
  welcome_email: 'the welcome email',
  welcome_dm: 'the Slack DM to the new user',
  sign_in_reset_email: 'the reset email',
  sign_in_reset_dm: 'the Slack DM of the reset',
};

/**
 * Retry delivery on the approval message: only approvers (checked here, whatever the message showed);
 * the request's undelivered notifications go back to the queue, whose job worker sends them, and the
 * message is refreshed to say so. A second click finds nothing left to retry.
 */
export const retryDeliveryClicked =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: Args): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const userId = body.user.id;
    const parsed = z.uuid().safeParse(action.type === 'button' ? action.value : undefined);
    if (!parsed.success) return void deps.logger.warn({ userId, action: action.action_id }, 'refused a button without a valid request ID');
    const requestId = parsed.data;
    if (!deps.access.isApprover(userId)) {
      deps.logger.warn({ userId, requestId }, 'a non-approver clicked Retry delivery');
      return void (await tell(NOT_APPROVER_TEXT));
    }
    try {
      const result = await retryDelivery(deps.services, deps.access, actorFor(deps, userId), requestId);
      if (result.outcome === 'requeued') {
        deps.logger.info({ userId, requestId, topics: result.topics }, 'undelivered notifications put back in the outbox');
        await tell(`Trying again now: ${result.topics.map((t) => TOPIC_WORDS[t] ?? t).join(' and ')}. The message shows how it goes.`);
      } else {
        await tell('There is nothing left to retry: the delivery was already put back in the queue, or it went through.');
      }
    } catch (err) {
      if (isInvalidInput(err)) return void (await tell(`${err.issues.map((i) => i.message).join('. ')}. Nothing was changed.`));
      deps.logger.error({ err, requestId }, 'retry delivery failed');
      return void (await tell(APOLOGY_TEXT));
    }
    await refreshApprovalMessage(deps, client, requestId);
  };
