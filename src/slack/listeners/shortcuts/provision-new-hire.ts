import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { suggestFreeUsername } from '../../../services/find-user.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { openUserForm } from '../../flows/user-form.js';
import { extractNewHire } from '../../../domain/new-hire-post.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/** "Provision this new hire" on an HR post: the new-user modal, prefilled from what the post says. */
export const provisionNewHire =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, shortcut, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(shortcut.trigger_id);
    await ack();
    if (!deps.access.canRequest(shortcut.user.id)) return void (await respond({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT }));
    const release = gate.tryEnter();
    if (!release) return void (await respond({ response_type: 'ephemeral', text: BUSY_TEXT }));
    const found = extractNewHire(shortcut.message.text ?? '', deps.phoneDefaultCountry);
    try {
      const username = found.firstName && found.lastName ? await suggestFreeUsername(deps.services, found.firstName, found.lastName) : undefined;
      await openUserForm(deps, client, trigger, shortcut.user.id, 'user', { prefill: { ...found, ...(username ? { username } : {}) } });
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `new-hire shortcut: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the new-hire modal');
      await respond({ response_type: 'ephemeral', text: known?.text ?? APOLOGY_TEXT });
    } finally {
      release();
    }
  };
