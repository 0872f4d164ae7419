import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserChange } from '../../flows/user-change.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** Usernames are at most 20 characters; anything longer was not put on a button by the bot. */
const USERNAME_VALUE = /^[\p{L}\p{N}._-]{1,40}$/u;

/** Deactivate / Reactivate on the user card (value: the username): the same modal as the command. */
export const userLifecycleClicked =
  (deps: SlackDeps, gate: ModalGate, kind: 'deactivate' | 'reactivate') =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(body.trigger_id);
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!deps.access.canRequest(body.user.id)) return void (await tell(NOT_ALLOWED_TEXT));
    const username = action.type === 'button' ? action.value : undefined;
    if (!username || !USERNAME_VALUE.test(username)) {
      deps.logger.warn({ userId: body.user.id, action: action.action_id }, 'refused a user-card button without a username');
      return;
    }
    const release = gate.tryEnter();
    if (!release) return void (await tell(BUSY_TEXT));
    try {
      await openUserChange(deps, client, trigger, kind, { username }, tell);
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `${kind} button: ${known.log}`);
      else deps.logger.error({ err }, `could not open the ${kind} modal`);
      await tell(known?.text ?? APOLOGY_TEXT);
    } finally {
      release();
    }
  };
