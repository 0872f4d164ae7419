import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { recoveryFromSlack, unlockFromSlack } from '../../flows/recovery.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

/** Usernames are at most 20 characters; anything longer was not put on a button by the bot. */
const USERNAME_VALUE = /^[\p{L}\p{N}._-]{1,40}$/u;

/**
 * Reset sign-in, Resend welcome and Unlock on the user card (value: the username): the same as the
 * command, answered to the clicker alone in a new ephemeral message (the card stays). Who may is checked
 * again in the use case, whatever buttons the card showed.
 */
export const userRecoveryClicked =
  (deps: SlackDeps, what: 'reset' | 'resend' | 'unlock') =>
  async ({ ack, body, action, client, respond }: Args): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!deps.access.canRequest(body.user.id) && !deps.access.isApprover(body.user.id)) return void (await tell(NOT_ALLOWED_TEXT));
    const username = action.type === 'button' ? action.value : undefined;
    if (!username || !USERNAME_VALUE.test(username)) {
      deps.logger.warn({ userId: body.user.id, action: action.action_id }, 'refused a user-card button without a username');
      return;
    }
    try {
      if (what === 'unlock') await unlockFromSlack(deps, client, body.user.id, { username }, tell);
      else await recoveryFromSlack(deps, client, body.user.id, what === 'reset' ? 'reset_sign_in' : 'resend_welcome', { username }, tell);
    } catch (err) {
      deps.logger.error({ err, action: what }, 'user-card recovery failed');
      await tell(APOLOGY_TEXT);
    }
  };
