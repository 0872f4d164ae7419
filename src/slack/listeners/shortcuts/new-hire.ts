import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { suggestFreeUsername } from '../../../services/find-user.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { openUserForm } from '../../flows/user-form.js';
import { extractNewHire } from '../../new-hire.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/** "Provision this new hire" on an HR post: the new-user modal, prefilled from what the post says. */
export const provisionNewHire =
  (deps: SlackDeps) =>
  async ({ ack, shortcut, client, respond }: Args): Promise<void> => {
    await ack();
    if (!deps.access.canRequest(shortcut.user.id)) return void (await respond({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT }));
    const found = extractNewHire(shortcut.message.text ?? '', deps.phoneDefaultCountry);
    try {
      const username = found.firstName && found.lastName ? await suggestFreeUsername(deps.services, found.firstName, found.lastName) : undefined;
      await openUserForm(deps, client, shortcut.trigger_id, shortcut.user.id, 'user', { prefill: { ...found, ...(username ? { username } : {}) } });
    } catch (err) {
      deps.logger.error({ err }, 'could not open the new-hire modal');
      await respond({ response_type: 'ephemeral', text: APOLOGY_TEXT });
    }
  };
