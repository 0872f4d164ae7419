import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { openExtensionAssignment } from '../../flows/extension-assignment.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** Usernames are at most 20 characters; anything longer was not put on a button by the bot. */
const USERNAME_VALUE = /^[\p{L}\p{N}._-]{1,40}$/u;

/**
 * Unassign extension on the user card (value: the username): the unassignment confirmation for the
 * extension that user holds now (the card may be older than a change made since).
 */
export const unassignFromCard =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(body.trigger_id);
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!deps.access.canRequest(body.user.id)) return void (await tell(NOT_ALLOWED_TEXT));
    const username = action.type === 'button' ? action.value : undefined;
    if (!username || !USERNAME_VALUE.test(username)) {
      deps.logger.warn({ userId: body.user.id, action: action.action_id }, 'refused an Unassign extension button without a username');
      return;
    }
    const release = gate.tryEnter();
    if (!release) return void (await tell(BUSY_TEXT));
    try {
      await openExtensionAssignment(deps, client, trigger, { kind: 'unassign', username }, tell);
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `unassign button: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the unassignment modal');
      await tell(known?.text ?? APOLOGY_TEXT);
    } finally {
      release();
    }
  };
