import type { SlackDeps } from '../../context.js';
import type { ModalGate } from '../../flows/modal-trigger.js';
import { openUserChange } from '../../flows/user-change.js';
import { cardModalButton } from './card-modal-button.js';

/** Deactivate / Reactivate on the user card (value: the username): the same modal as the command. */
export const userLifecycleClicked = (deps: SlackDeps, gate: ModalGate, kind: 'deactivate' | 'reactivate') =>
  cardModalButton(deps, gate, kind, (client, trigger, username, tell) => openUserChange(deps, client, trigger, kind, { username }, tell));
