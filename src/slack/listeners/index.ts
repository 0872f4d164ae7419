import type { App } from '@slack/bolt';
import type { SlackDeps } from '../context.js';
import { modalGate } from '../flows/modal-trigger.js';
import { ACTIONS, COMMAND, SHORTCUTS, VIEWS } from '../ids.js';
import { approveClicked, rejectClicked } from './actions/approval.js';
import { chooseCollections, selectOrDeselectAll } from './actions/collections.js';
import { editFromCard } from './actions/edit-user.js';
import { cloneFromResults, findNavigate } from './actions/find.js';
import { setUpNewExtension } from './actions/new-extension.js';
import { retryDeliveryClicked } from './actions/retry-delivery.js';
import { unassignFromCard } from './actions/unassign-extension.js';
import { historyClicked, historyPaged, rotateSecretClicked, viewUserClicked } from './actions/user-card.js';
import { userLifecycleClicked } from './actions/user-lifecycle.js';
import { userRecoveryClicked } from './actions/user-recovery.js';
import { provisionCommand } from './commands/provision.js';
import { appHomeOpened } from './events/app-home.js';
import { offboardPerson } from './shortcuts/offboard-person.js';
import { importNewHires } from './shortcuts/import-new-hires.js';
import { provisionNewHire } from './shortcuts/provision-new-hire.js';
import { collectionsDone } from './views/collections.js';
import { agentExtensionDone, extensionSubmitted } from './views/extension.js';
import { findUserClicked, findUserSubmitted } from './views/find-user.js';
import { importConfirmSubmitted, importFileSubmitted } from './views/import.js';
import { deactivateSubmitted } from './views/deactivate.js';
import { extensionAssignmentSubmitted } from './views/extension-assignment.js';
import { reactivateSubmitted } from './views/reactivate.js';
import { rejectReasonSubmitted } from './views/reject-reason.js';
import { userEditSubmitted } from './views/user-edit.js';
import { userInfoSubmitted } from './views/user-info.js';

/** Wires every listener; each lives in its own file, one concern each. */
export function registerListeners(app: App, deps: SlackDeps): void {
  // One count of the modals being prepared, shared by everything that opens one from a trigger.
  const modals = modalGate();
  app.command(COMMAND, provisionCommand(deps, modals));

  app.action(ACTIONS.chooseCollections, chooseCollections(deps));
  for (const id of [ACTIONS.selectAllUsers, ACTIONS.deselectAllUsers, ACTIONS.selectAllAgents, ACTIONS.deselectAllAgents]) {
    app.action(id, selectOrDeselectAll(deps));
  }
  app.action(ACTIONS.setUpNewExtension, setUpNewExtension(deps));
  app.action(ACTIONS.findPage, findNavigate(deps));
  app.action(ACTIONS.findFilter, findNavigate(deps));
  app.action(ACTIONS.cloneUser, cloneFromResults(deps, modals));
  app.action(ACTIONS.editUser, editFromCard(deps, modals));
  app.action(ACTIONS.viewUser, viewUserClicked(deps));
  app.action(ACTIONS.userHistory, historyClicked(deps));
  app.action(ACTIONS.rotateDeviceSecret, rotateSecretClicked(deps));
  app.action(ACTIONS.historyPage, historyPaged(deps));
  app.action(ACTIONS.findUser, findUserClicked(deps, modals));
  app.action(ACTIONS.approve, approveClicked(deps));
  app.action(ACTIONS.reject, rejectClicked(deps));
  app.action(ACTIONS.retryDelivery, retryDeliveryClicked(deps));
  app.action(ACTIONS.deactivateUser, userLifecycleClicked(deps, modals, 'deactivate'));
  app.action(ACTIONS.reactivateUser, userLifecycleClicked(deps, modals, 'reactivate'));
  app.action(ACTIONS.unassignExtension, unassignFromCard(deps, modals));
  app.action(ACTIONS.resetSignIn, userRecoveryClicked(deps, 'reset'));
  app.action(ACTIONS.resendWelcome, userRecoveryClicked(deps, 'resend'));
  app.action(ACTIONS.unlockUser, userRecoveryClicked(deps, 'unlock'));

  app.view(VIEWS.userInfo, userInfoSubmitted(deps));
  app.view(VIEWS.userEdit, userEditSubmitted(deps));
  app.view(VIEWS.collections, collectionsDone(deps));
  app.view(VIEWS.extension, extensionSubmitted(deps));
  app.view(VIEWS.agentExtension, agentExtensionDone(deps));
  app.view(VIEWS.rejectReason, rejectReasonSubmitted(deps));
  app.view(VIEWS.findUser, findUserSubmitted(deps));
  app.view(VIEWS.deactivate, deactivateSubmitted(deps));
  app.view(VIEWS.reactivate, reactivateSubmitted(deps));
  app.view(VIEWS.reassignExtension, extensionAssignmentSubmitted(deps, 'reassign'));
  app.view(VIEWS.unassignExtension, extensionAssignmentSubmitted(deps, 'unassign'));
  app.view(VIEWS.importFile, importFileSubmitted(deps));
  app.view(VIEWS.importConfirm, importConfirmSubmitted(deps));

  app.shortcut(SHORTCUTS.provisionNewHire, provisionNewHire(deps, modals));
  app.shortcut(SHORTCUTS.offboardPerson, offboardPerson(deps, modals));
  app.shortcut(SHORTCUTS.importNewHires, importNewHires(deps, modals));
  app.event('app_home_opened', appHomeOpened(deps));
}
