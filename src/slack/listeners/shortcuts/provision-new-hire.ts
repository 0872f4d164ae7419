import { suggestFreeUsername } from '../../../services/find-user.js';
import type { SlackDeps } from '../../context.js';
import type { ModalGate } from '../../flows/modal-trigger.js';
import { postShortcut } from '../../flows/post-shortcut.js';
import { openUserForm } from '../../flows/user-form.js';

/** "Provision this new hire" on an HR post: the new-user modal, prefilled from what the post says. */
export const provisionNewHire = (deps: SlackDeps, gate: ModalGate) =>
  postShortcut(deps, gate, 'new-hire', async (found, trigger, client, userId) => {
    const username = found.firstName && found.lastName ? await suggestFreeUsername(deps.services, found.firstName, found.lastName) : undefined;
    await openUserForm(deps, client, trigger, userId, 'user', { prefill: { ...found, ...(username ? { username } : {}) } });
  });
