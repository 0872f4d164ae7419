import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput, type FieldIssue } from '../../../domain/errors.js';
import { isAgentType } from '../../../domain/user-types.js';
import { checkEditRequest, submitEditRequest } from '../../../services/edit-user.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BLOCKS } from '../../ids.js';
import { parseUserEditValues, type UserEditFormInput } from '../../forms/user-edit-form.js';
import { fieldErrorsToBlocks } from '../../forms/user-info-form.js';
import type { BlockErrors } from '../../forms/view-state.js';
import { refusal, ruleErrors } from '../../flows/user-form-answers.js';
import type { UserFormState } from '../../views/model.js';
import { decodeUserFormState, readMetadata, UNREADABLE_FORM_TEXT } from '../../views/user-form-state.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;
type EditState = UserFormState & { sourceUsername: string; editVersion: number };

/**
 * "Submit request" on Edit User. Parsed and checked as a creation is (every problem on its field, in
 * one answer), then stored as pending with the version of the user it was made against; nothing is
 * stored from a refused edit. What concerns the request as a whole — nothing changed, the user was
 * changed since the form opened, deactivated, or has a change waiting — is answered on the first field
 * of the form, where it is seen at once. No password is typed here, so storing takes milliseconds and
 * happens before the ack: a twin submission that lost the race is answered on the form too.
 */
export const userEditSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    if (!deps.access.canRequest(userId)) return ack({ response_action: 'errors', errors: { [BLOCKS.firstName]: NOT_ALLOWED_TEXT } });
    const state = readMetadata(decodeUserFormState, view.private_metadata);
    if (!isEditState(state)) {
      deps.logger.warn({ userId }, 'refused an Edit User submission with unreadable private_metadata');
      return ack({ response_action: 'errors', errors: { [BLOCKS.firstName]: UNREADABLE_FORM_TEXT } });
    }
    const clustersShown = view.blocks.some((b) => b.type === 'input' && b.block_id === BLOCKS.cluster);
    const parsed = parseUserEditValues(view.state.values, state, clustersShown);
    const actor = actorFor(deps, userId);
    if (!parsed.ok) {
      const rules = parsed.partial ? await ruleErrors(deps, () => checkEditRequest(deps.services, actor, editRequest(state, parsed.partial!)), 'an Edit User', editErrorsToBlocks) : {};
      return ack(refusal({ ...rules, ...parsed.errors }, view));
    }
    let submitted;
    try {
      submitted = await submitEditRequest(deps.services, actor, editRequest(state, parsed.input));
    } catch (err) {
      if (isInvalidInput(err)) return ack(refusal(editErrorsToBlocks(err.issues), view));
      deps.logger.error({ err }, 'edit request submission failed');
      return ack({ response_action: 'errors', errors: { [BLOCKS.firstName]: APOLOGY_TEXT } });
    }
    await ack({ response_action: 'clear' });
    await confirmAndAnnounce(deps, client, userId, submitted);
  };

function isEditState(state: UserFormState | undefined): state is EditState {
  return state?.mode === 'edit' && state.sourceUsername !== undefined && state.editVersion !== undefined;
}

/** The use case's input. A new extension set up before the type was changed to Non-agent is dropped. */
function editRequest(state: EditState, input: UserEditFormInput) {
  const { username: _shown, password: _none, ...fields } = input;
  const withExtension = state.newExtension !== undefined && isAgentType(input.userType);
  return { username: state.sourceUsername, version: state.editVersion, input: fields, ...(withExtension ? { newExtension: state.newExtension } : {}) };
}

/** Issues about the request as a whole (the user, "nothing changed") go on First Name, the form's first input. */
function editErrorsToBlocks(issues: readonly FieldIssue[]): BlockErrors {
  return fieldErrorsToBlocks(issues.map((i) => (i.field === 'username' || i.field === 'changes' ? { ...i, field: 'firstName' } : i)));
}

