import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserEditForm } from '../../flows/user-edit-form.js';
import { escapeMrkdwn } from '../../../text/mrkdwn.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/**
 * Edit on the user card (value: the username) opens Edit User, prefilled from the user as they are now.
 * On a message (an ephemeral card) the form opens with the click's trigger; on a modal (the card opened
 * as one) the card becomes the form. A user who cannot be edited (gone, deactivated, a change waiting)
 * is said so, privately: on the message's response_url, or by DM when the card is a modal (which has none).
 */
export const editFromCard =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(body.trigger_id);
    await ack();
    if (action.type !== 'button' || !action.value) return;
    const userId = body.user.id;
    const viewId = body.view?.id;
    const tell = async (text: string) => {
      if (!viewId) return void (await respond({ response_type: 'ephemeral', replace_original: false, text }));
      await client.chat.postMessage({ channel: userId, text }).catch((err: unknown) => deps.logger.warn({ err, userId }, 'could not tell the clicker why Edit did not open'));
    };
    if (!deps.access.canRequest(userId)) return tell(NOT_ALLOWED_TEXT);
    const release = gate.tryEnter();
    if (!release) return tell(BUSY_TEXT);
    try {
      await openUserEditForm(deps, client, viewId ? { viewId } : { trigger }, userId, action.value);
    } catch (err) {
      if (isInvalidInput(err)) return void (await tell(`${escapeMrkdwn(err.issues.map((i) => i.message).join(' '))} Nothing was changed.`));
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `Edit button: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the Edit User modal');
      await tell(known?.text ?? APOLOGY_TEXT);
    } finally {
      release();
    }
  };
