import type { SlackDeps } from '../../context.js';
import { openExtensionAssignment } from '../../flows/extension-assignment.js';
import type { ModalGate } from '../../flows/modal-trigger.js';
import { cardModalButton } from './card-modal-button.js';

/**
 * Unassign extension on the user card (value: the username): the unassignment confirmation for the
 * extension that user holds now (the card may be older than a change made since).
 */
export const unassignFromCard = (deps: SlackDeps, gate: ModalGate) =>
  cardModalButton(deps, gate, 'unassign', (client, trigger, username, tell) => openExtensionAssignment(deps, client, trigger, { kind: 'unassign', username }, tell));
