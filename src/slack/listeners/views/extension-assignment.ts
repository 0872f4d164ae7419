import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput } from '../../../domain/errors.js';
import { submitReassignment, submitUnassignment } from '../../../services/extension-assignment.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { ACTIONS, BLOCKS } from '../../ids.js';
import { parseAssignmentRef } from '../../views/extension-assignment-modal.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

const NOT_OURS = 'This form is not one the bot made. Nothing was changed.';
const reasonValues = z.object({ [BLOCKS.assignmentReason]: z.object({ [ACTIONS.input]: z.object({ value: z.string().nullish() }) }) });

/**
 * The reassignment or unassignment confirmation submitted: checked again by the use case (the extension
 * still held as the form showed it, the recipient still eligible, no change open), then stored as
 * pending; the requester gets the DM, the approvers the message. Every refusal lands on the one input,
 * the reason, since the rest of the form is fixed text.
 */
export const extensionAssignmentSubmitted =
  (deps: SlackDeps, change: 'reassign' | 'unassign') =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const onReason = (text: string) => ack({ response_action: 'errors', errors: { [BLOCKS.assignmentReason]: text } });
    const userId = body.user.id;
    if (!deps.access.canRequest(userId)) return onReason(NOT_ALLOWED_TEXT);
    const ref = parseAssignmentRef(view.private_metadata);
    const values = reasonValues.safeParse(view.state.values);
    if (!ref || !values.success || (change === 'reassign') !== (ref.recipientId !== undefined) || (change === 'unassign' && ref.holderId === null)) return onReason(NOT_OURS);
    const reason = values.data[BLOCKS.assignmentReason]?.[ACTIONS.input]?.value ?? null;
    let submitted;
    try {
      const actor = actorFor(deps, userId);
      submitted =
        change === 'reassign'
          ? await submitReassignment(deps.services, actor, { extensionId: ref.extensionId, holderId: ref.holderId, recipientId: ref.recipientId, reason })
          : await submitUnassignment(deps.services, actor, { extensionId: ref.extensionId, holderId: ref.holderId, reason });
    } catch (err) {
      if (isInvalidInput(err)) return onReason(err.issues.map((i) => i.message).join('. '));
      deps.logger.error({ err }, `extension ${change} request submission failed`);
      return onReason(APOLOGY_TEXT);
    }
    await ack({ response_action: 'clear' });
    await confirmAndAnnounce(deps, client, userId, submitted);
  };
