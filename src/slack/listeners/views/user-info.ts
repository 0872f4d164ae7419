import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import type { UserRequestPayload } from '../../../services/request-payload.js';
import { checkUserRequest, type SubmittedRequest } from '../../../services/submit-request.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BLOCKS } from '../../ids.js';
import { fieldErrorsToBlocks, parseUserInfoValues, type UserInfoFormInput } from '../../forms/user-info-form.js';
import { refusal, ruleErrors } from '../../flows/user-form-answers.js';
import { escapeMrkdwn } from '../../../text/mrkdwn.js';
import { decodeUserFormState, readMetadata, UNREADABLE_FORM_TEXT } from '../../views/user-form-state.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

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
    const request = (input: UserInfoFormInput) => ({
      kind: state.mode === 'clone' ? ('clone_user' as const) : ('create_user' as const),
      input: { ...input, ...(state.sourceUsername ? { sourceUsername: state.sourceUsername } : {}) },
      ...(state.newExtension ? { newExtension: state.newExtension } : {}),
    });
    const ports = { findSlackMember: deps.findSlackMember };
    if (!parsed.ok) {
      // The rest of the form is checked too, so every problem comes back in this one answer; what
      // the form itself could not read keeps its own message.
      const rules = parsed.partial ? await ruleErrors(deps, () => checkUserRequest(deps.services, actorFor(deps, userId), request(parsed.partial!), ports), 'a User Info') : {};
      return ack(refusal({ ...rules, ...parsed.errors }, view));
    }

    let checked;
    let submitted: SubmittedRequest<UserRequestPayload> | undefined;
    try {
      checked = await checkUserRequest(deps.services, actorFor(deps, userId), request(parsed.input), ports);
      // Without a password storing takes milliseconds: then a twin request that won the race is
      // still answered on the Username field, before the ack.
      if (!checked.hashesPassword) submitted = await checked.store();
    } catch (err) {
      if (isInvalidInput(err)) return ack(refusal(fieldErrorsToBlocks(err.issues), view));
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
    await confirmAndAnnounce(deps, client, userId, submitted);
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

