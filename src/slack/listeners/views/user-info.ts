import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { submitUserRequest } from '../../../services/submit-request.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { announceRequest } from '../../flows/approval.js';
import { sendConfirmation } from '../../flows/confirmation.js';
import { BLOCKS } from '../../ids.js';
import { fieldErrorsToBlocks, parseUserInfoValues, separateOffViewErrors, USER_FORM_OFF_VIEW_KEYS } from '../../forms/user-info-form.js';
import type { BlockErrors } from '../../forms/view-state.js';
import { decodeUserFormState, readMetadata, UNREADABLE_FORM_TEXT } from '../../views/user-form-state.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * "Submit request" on the User Info step. The form is parsed (shape), then the request is checked as
 * the user would be created (every rule, reference data, taken username or email, the extension) and
 * stored as pending. Any problem is answered on its field and nothing is stored.
 */
export const userInfoSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    if (!deps.access.canRequest(userId)) return ack({ response_action: 'errors', errors: { [BLOCKS.username]: NOT_ALLOWED_TEXT } });
    const state = readMetadata(decodeUserFormState, view.private_metadata);
    if (!state) {
      deps.logger.warn({ userId }, 'refused a User Info submission with unreadable private_metadata');
      return ack({ response_action: 'errors', errors: { [BLOCKS.username]: UNREADABLE_FORM_TEXT } });
    }
    const parsed = parseUserInfoValues(view.state.values, state);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: onInputs(parsed.errors, view) });

    let submitted;
    try {
      submitted = await submitUserRequest(deps.services, actorFor(deps, userId), {
        kind: state.mode === 'clone' ? 'clone_user' : 'create_user',
        input: { ...parsed.input, ...(state.sourceUsername ? { sourceUsername: state.sourceUsername } : {}) },
        ...(state.newExtension ? { newExtension: state.newExtension } : {}),
      }, { findSlackMember: deps.findSlackMember });
    } catch (err) {
      if (isInvalidInput(err)) return ack({ response_action: 'errors', errors: onInputs(fieldErrorsToBlocks(err.issues), view) });
      deps.logger.error({ err }, 'user request submission failed');
      return ack({ response_action: 'errors', errors: { [BLOCKS.username]: APOLOGY_TEXT } });
    }
    await ack({ response_action: 'clear' });
    await Promise.all([sendConfirmation(deps, client, userId, submitted), announceRequest(deps, client, submitted.id)]);
  };

/**
 * Slack shows errors only on input blocks. A problem with what a pushed step chose (the agent's new
 * extension, the collections) goes on the primary-phone select when the view has one, else on the
 * last input, which sits right above the step's summary line and its button.
 */
function onInputs(errors: BlockErrors, view: Args['view']): BlockErrors {
  const inputs = view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id ?? '');
  const split = separateOffViewErrors(errors);
  const blocks: BlockErrors = {};
  const offView = [...split.offView];
  // A key with no input in this view (a hidden select, say) cannot be shown on its own block either.
  for (const [key, message] of Object.entries(split.blocks)) {
    if (inputs.includes(key)) blocks[key] = message;
    else offView.push(message);
  }
  if (offView.length === 0) return blocks;
  const extensionProblem = Object.hasOwn(errors, USER_FORM_OFF_VIEW_KEYS.newExtension);
  const target = extensionProblem && inputs.includes(BLOCKS.extension) ? BLOCKS.extension : (inputs.at(-1) ?? BLOCKS.username);
  return { ...blocks, [target]: [blocks[target], ...offView].filter(Boolean).join(' ') };
}
