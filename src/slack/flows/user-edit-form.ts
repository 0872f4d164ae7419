import type { WebClient } from '@slack/web-api';
import type { EditableUser } from '../../domain/user-diff.js';
import { editFormData } from '../../services/edit-user.js';
import { actorFor, type SlackDeps } from '../context.js';
import type { UserFormPrefill, UserFormState } from '../views/model.js';
import { userInfoModal } from '../views/user-info-modal.js';
import { openModal, type Trigger } from './modal-trigger.js';

/** The Edit form's initial values: the user as they are now (never a password: the form has none). */
export function editPrefill(look: EditableUser): UserFormPrefill {
  return {
    firstName: look.firstName,
    lastName: look.lastName,
    phone: look.phone,
    ...(look.email ? { email: look.email } : {}),
    ...(look.description ? { description: look.description } : {}),
    siteKey: look.siteKey,
    departmentKey: look.departmentKey,
    billingUnitKey: look.billingUnitKey,
    profileKey: look.profileKey,
    clusterKey: look.clusterKey,
    userType: look.userType,
    ...(typeof look.extensionNumber === 'number' ? { extensionNumber: look.extensionNumber } : {}),
    voicemailAccess: look.voicemailAccess,
    recordingAccess: look.recordingAccess,
    ...(look.notes ? { notes: look.notes } : {}),
  };
}

/**
 * Builds the Edit view for a state (again, after the Collections or Extension step): prefilled from the
 * user as they are now (Slack keeps what was typed, as block IDs do not change), with the state's
 * collections, new extension and the version the form was opened at. Throws InvalidInput when the user
 * can no longer be edited (deactivated, or a change of theirs now waits).
 */
export async function buildUserEditView(deps: SlackDeps, userId: string, state: UserFormState) {
  const data = await editFormData(deps.services, actorFor(deps, userId), state.sourceUsername ?? '');
  return userInfoModal({ state, choices: data.choices, prefill: editPrefill(data.look), showClusters: data.showClusters });
}

/**
 * Opens Edit User for `username`: views.open from a command or a message button (while the trigger
 * lives), or, from a modal (the user card), views.update of that modal, so the Edit form is the root
 * the Collections and Extension steps return to. Throws InvalidInput (no such user, deactivated, a
 * change waiting), ReferenceDataMissing, TriggerTooOld.
 */
export async function openUserEditForm(deps: SlackDeps, client: WebClient, where: { trigger: Trigger } | { viewId: string }, userId: string, username: string): Promise<void> {
  const data = await editFormData(deps.services, actorFor(deps, userId), username);
  const state: UserFormState = { mode: 'edit', sourceUsername: data.user.username, editVersion: data.user.version, collectionIds: [...data.look.collectionIds] };
  const view = userInfoModal({ state, choices: data.choices, prefill: editPrefill(data.look), showClusters: data.showClusters });
  if ('trigger' in where) await openModal(client, where.trigger, view);
  else await client.views.update({ view_id: where.viewId, view });
}
