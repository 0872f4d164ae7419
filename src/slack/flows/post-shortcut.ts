import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { extractNewHire, type NewHireFields } from '../../domain/new-hire-post.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../context.js';
import { BUSY_TEXT, modalRefusal, receivedTrigger, type ModalGate, type Trigger } from './modal-trigger.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/**
 * A message shortcut on an HR post (a new hire, a leaver): acked at once, refused to those who may not
 * request, answered "busy" when too many modals are being prepared, and otherwise the post is read
 * (domain/new-hire-post) and handed to `open`, which opens the modal while the trigger lives. A modal
 * that cannot be opened is told to the person, only to them.
 */
export const postShortcut =
  (deps: SlackDeps, gate: ModalGate, what: string, open: (post: NewHireFields, trigger: Trigger, client: WebClient, userId: string) => Promise<void>) =>
  async ({ ack, shortcut, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(shortcut.trigger_id);
    await ack();
    if (!deps.access.canRequest(shortcut.user.id)) return void (await respond({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT }));
    const release = gate.tryEnter();
    if (!release) return void (await respond({ response_type: 'ephemeral', text: BUSY_TEXT }));
    try {
      await open(extractNewHire(shortcut.message.text ?? '', deps.phoneDefaultCountry), trigger, client, shortcut.user.id);
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `${what} shortcut: ${known.log}`);
      else deps.logger.error({ err }, `could not open the ${what} modal`);
      await respond({ response_type: 'ephemeral', text: known?.text ?? APOLOGY_TEXT });
    } finally {
      release();
    }
  };
