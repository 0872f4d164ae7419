import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate, type Trigger } from '../../flows/modal-trigger.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** Usernames are at most 20 characters; anything longer was not put on a button by the bot. */
const USERNAME_VALUE = /^[\p{L}\p{N}._-]{1,40}$/u;

/**
 * A user-card button that opens a modal for that user (value: the username): acked at once, then the
 * requester check, the busy gate of modal opening, and a refusal said only to the clicker. `name` says
 * which button in the log.
 */
export const cardModalButton =
  (
    deps: SlackDeps,
    gate: ModalGate,
    name: string,
    open: (client: WebClient, trigger: Trigger, username: string, tell: (text: string) => Promise<unknown>) => Promise<void>,
  ) =>
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
      await open(client, trigger, username, tell);
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `${name} button: ${known.log}`);
      else deps.logger.error({ err }, `could not open the ${name} modal`);
      await tell(known?.text ?? APOLOGY_TEXT);
    } finally {
      release();
    }
  };
