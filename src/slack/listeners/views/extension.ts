import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isInvalidInput } from '../../../domain/errors.js';
import { typedExtensionNumber } from '../../../domain/extension-number.js';
import { prepareExtension } from '../../../services/create-extension.js';
import { checkExtensionRequest, submitExtensionRequest } from '../../../services/submit-request.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { buildUserInfoView } from '../../flows/user-form.js';
import { BLOCKS } from '../../ids.js';
import { extensionFieldErrorsToBlocks, parseExtensionValues, type ExtensionFormInput } from '../../forms/extension-form.js';
import type { BlockErrors } from '../../forms/view-state.js';
import { decodeUserFormState, readMetadata, UNREADABLE_FORM_TEXT } from '../../views/user-form-state.js';
import type { NewExtensionDraft } from '../../views/model.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** `/provision extension` submitted: checked like the extension would be created, then stored as pending. */
export const extensionSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    if (!deps.access.canRequest(userId)) return ack({ response_action: 'errors', errors: { [BLOCKS.deviceName]: NOT_ALLOWED_TEXT } });
    const parsed = parseExtensionValues(view.state.values);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: await withRuleErrors(deps, parsed, (input) => checkExtensionRequest(deps.services, input)) });
    let submitted;
    try {
      submitted = await submitExtensionRequest(deps.services, actorFor(deps, userId), parsed.input);
    } catch (err) {
      if (isInvalidInput(err)) return ack({ response_action: 'errors', errors: extensionFieldErrorsToBlocks(err.issues) });
      deps.logger.error({ err }, 'extension request submission failed');
      return ack({ response_action: 'errors', errors: { [BLOCKS.deviceName]: APOLOGY_TEXT } });
    }
    await ack({ response_action: 'clear' });
    await confirmAndAnnounce(deps, client, userId, submitted);
  };

/**
 * "Done" on an agent's new-extension step: checked now (so mistakes show on the field), kept in the
 * User Info state, and created with the agent when the request is approved.
 */
export const agentExtensionDone =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    if (!deps.access.canRequest(body.user.id)) return ack();
    const parent = readMetadata(decodeUserFormState, view.private_metadata);
    // This step is pushed from an agent's User Info (or an Edit, where the user may become an agent) only.
    if (parent?.mode !== 'agent' && parent?.mode !== 'edit') {
      deps.logger.warn({ userId: body.user.id }, 'refused an Extension step with unreadable private_metadata');
      return ack({ response_action: 'errors', errors: { [BLOCKS.deviceName]: UNREADABLE_FORM_TEXT } });
    }
    const parsed = parseExtensionValues(view.state.values);
    if (!parsed.ok) return ack({ response_action: 'errors', errors: await withRuleErrors(deps, parsed, (input) => prepareExtension(deps.services, input, { allowNextFree: true })) });
    try {
      await prepareExtension(deps.services, parsed.input, { allowNextFree: true });
    } catch (err) {
      if (isInvalidInput(err)) return ack({ response_action: 'errors', errors: extensionFieldErrorsToBlocks(err.issues) });
      throw err;
    }
    await ack();
    const draft = toDraft(parsed.input);
    await client.views.update({ view_id: view.root_view_id ?? '', view: await buildUserInfoView(deps, body.user.id, { ...parent, newExtension: draft }) });
  };

/**
 * A form with unreadable blocks: the rest is checked by the use case too, so every problem comes back
 * in one answer. What the form could not read keeps its own message.
 */
async function withRuleErrors(deps: SlackDeps, parsed: { errors: BlockErrors; partial?: ExtensionFormInput }, check: (input: ExtensionFormInput) => Promise<unknown>): Promise<BlockErrors> {
  if (!parsed.partial) return parsed.errors;
  try {
    await check(parsed.partial);
    return parsed.errors;
  } catch (err) {
    if (isInvalidInput(err)) return { ...extensionFieldErrorsToBlocks(err.issues), ...parsed.errors };
    deps.logger.error({ err }, 'checking an extension form with unreadable fields failed');
    return parsed.errors;
  }
}

function toDraft(input: ExtensionFormInput): NewExtensionDraft {
  const number = typedExtensionNumber(input.extensionNumber);
  return {
    ...(number ? { extensionNumber: number } : {}),
    deviceName: input.deviceName,
    deviceType: input.deviceType,
    ...(input.callerIdKey ? { callerIdKey: input.callerIdKey } : {}),
    ...(input.e911LocationKey ? { e911LocationKey: input.e911LocationKey } : {}),
    multiLine: input.multiLine ?? false,
    callRecording: input.callRecording ?? false,
    monitoring: input.monitoring ?? false,
    voicemailAccess: input.voicemailAccess ?? false,
  };
}
