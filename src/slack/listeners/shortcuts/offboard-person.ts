import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { extractNewHire } from '../../../domain/new-hire-post.js';
import { findLeaver } from '../../../services/offboarding.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, openModal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { COMMAND } from '../../ids.js';
import { deactivateModal } from '../../views/deactivate-modal.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/**
 * "Offboard this person" on an HR leaver post: the post is read as a new-hire post is (name, email),
 * the user found by email first, then by name. One match opens the offboarding modal for them; several
 * let the requester pick; none says so in the modal, with the command to use instead.
 */
export const offboardPerson =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, shortcut, client, respond }: Args): Promise<void> => {
    const trigger = receivedTrigger(shortcut.trigger_id);
    await ack();
    if (!deps.access.canRequest(shortcut.user.id)) return void (await respond({ response_type: 'ephemeral', text: NOT_ALLOWED_TEXT }));
    const release = gate.tryEnter();
    if (!release) return void (await respond({ response_type: 'ephemeral', text: BUSY_TEXT }));
    const post = extractNewHire(shortcut.message.text ?? '', deps.phoneDefaultCountry);
    try {
      const match = await findLeaver(deps.services, post);
      const view =
        match.kind === 'one'
          ? deactivateModal({ target: match.target })
          : match.kind === 'several'
            ? deactivateModal({ candidates: match.candidates, more: match.more, intro: `Several active users are named ${post.firstName ?? ''} ${post.lastName ?? ''}: pick the one who leaves.` })
            : deactivateModal({ problem: `${match.why} Nothing was changed. Use ${COMMAND} deactivate <username> instead.` });
      await openModal(client, trigger, view);
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `offboard shortcut: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the offboarding modal');
      await respond({ response_type: 'ephemeral', text: known?.text ?? APOLOGY_TEXT });
    } finally {
      release();
    }
  };
