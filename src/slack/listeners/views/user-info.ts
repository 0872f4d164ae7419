import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import type { UserRequestPayload } from '../../../services/request-payload.js';
import { checkUserRequest, type SubmittedRequest } from '../../../services/submit-request.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { announceRequest } from '../../flows/approval.js';
import { sendConfirmation } from '../../flows/confirmation.js';
import { BLOCKS } from '../../ids.js';
import { fieldErrorsToBlocks, parseUserInfoValues, separateOffViewErrors, USER_FORM_OFF_VIEW_KEYS } from '../../forms/user-info-form.js';
import type { BlockErrors } from '../../forms/view-state.js';
import { escapeMrkdwn } from '../../views/escape.js';
import { decodeUserFormState, readMetadata, UNREADABLE_FORM_TEXT } from '../../views/user-form-state.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * "Submit request" on the User Info step. The form is parsed (shape), then the request is checked as
 * the user would be created (every rule, reference data, taken username or email, the extension): any
 * problem is answered on its field and nothing is stored. A typed password is hashed only after the
 * acknowledgement: the hash takes about half a second and queues behind others under load, and Slack
 * shows the requester an error for an ack later than 3 s. What fails after the ack is told by DM.
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

    let checked;
    let submitted: SubmittedRequest<UserRequestPayload> | undefined;
    try {
      checked = await checkUserRequest(deps.services, actorFor(deps, userId), {
        kind: state.mode === 'clone' ? 'clone_user' : 'create_user',
        input: { ...parsed.input, ...(state.sourceUsername ? { sourceUsername: state.sourceUsername } : {}) },
        ...(state.newExtension ? { newExtension: state.newExtension } : {}),
      });
      // Without a password storing takes milliseconds: then a twin request that won the race is
      // still answered on the Username field, before the ack.
      if (!checked.hashesPassword) submitted = await checked.store();
    } catch (err) {
      if (isInvalidInput(err)) return ack({ response_action: 'errors', errors: onInputs(fieldErrorsToBlocks(err.issues), view) });
      deps.logger.error({ err }, 'user request submission failed');
      return ack({ response_action: 'errors', errors: { [BLOCKS.username]: APOLOGY_TEXT } });
    }
    await ack({ response_action: 'clear' });
    try {
      submitted ??= await checked.store();
    } catch (err) {
      await tellStoreFailed(deps, client, userId, checked.username, err);
      return;
    }
    await Promise.all([sendConfirmation(deps, client, userId, submitted), announceRequest(deps, client, submitted.id)]);
  };

/**
 * The modal has closed, so a request that could not be stored after the ack is told by DM: what
 * happened, that nothing was stored, and what to do. Never the password (it is not in reach here).
 */
async function tellStoreFailed(deps: SlackDeps, client: Args['client'], userId: string, username: string, err: unknown): Promise<void> {
  const who = escapeMrkdwn(username);
  let text: string;
  if (isInvalidInput(err)) {
    deps.logger.warn({ userId, username, codes: err.issues.map((i) => i.code) }, 'user request refused after the ack');
    text = `Your request for *${who}* was not stored: ${escapeMrkdwn(err.issues.map((i) => i.message).join('. '))}. Nothing was changed.`;
  } else {
    deps.logger.error({ err, userId, username }, 'user request could not be stored after the ack');
    text = `Your request for *${who}* could not be stored: something went wrong on our side and nothing was changed. Please submit it again in a moment.`;
  }
  try {
    await client.chat.postMessage({ channel: userId, text });
  } catch (dmErr) {
    deps.logger.error({ err: dmErr, userId, username }, 'could not DM the requester that their request was not stored');
  }
}

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
