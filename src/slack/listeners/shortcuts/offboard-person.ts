import { findLeaver } from '../../../services/offboarding.js';
import type { SlackDeps } from '../../context.js';
import { openModal, type ModalGate } from '../../flows/modal-trigger.js';
import { postShortcut } from '../../flows/post-shortcut.js';
import { COMMAND } from '../../ids.js';
import { deactivateModal } from '../../views/deactivate-modal.js';

/**
 * "Offboard this person" on an HR leaver post: the post is read as a new-hire post is (name, email),
 * the user found by email first, then by name. One match opens the offboarding modal for them; several
 * let the requester pick; none says so in the modal, with the command to use instead.
 */
export const offboardPerson = (deps: SlackDeps, gate: ModalGate) =>
  postShortcut(deps, gate, 'offboarding', async (post, trigger, client) => {
    const match = await findLeaver(deps.services, post);
    const view =
      match.kind === 'one'
        ? deactivateModal({ target: match.target })
        : match.kind === 'several'
          ? deactivateModal({ candidates: match.candidates, more: match.more, intro: `Several active users are named ${post.firstName ?? ''} ${post.lastName ?? ''}: pick the one who leaves.` })
          : deactivateModal({ problem: `${match.why} Nothing was changed. Use ${COMMAND} deactivate <username> instead.` });
    await openModal(client, trigger, view);
  });
