import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput } from '../../../domain/errors.js';
import { rejectRequest } from '../../../services/decide-request.js';
import { actorFor, APOLOGY_TEXT, type SlackDeps } from '../../context.js';
import { refreshApprovalMessage } from '../../flows/approval.js';
import { decidedText, NOT_APPROVER_TEXT } from '../../flows/decisions.js';
import { ACTIONS, BLOCKS } from '../../ids.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

const reasonValues = z.object({ [BLOCKS.rejectReason]: z.object({ [ACTIONS.input]: z.object({ value: z.string().nullish() }) }) });

/** The reject-reason modal submitted: checked again (approver, still pending), then the request is rejected. */
export const rejectReasonSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const errorOnReason = (text: string) => ack({ response_action: 'errors', errors: { [BLOCKS.rejectReason]: text } });
    const userId = body.user.id;
    if (!deps.access.isApprover(userId)) return errorOnReason(NOT_APPROVER_TEXT);
    const requestId = z.uuid().safeParse(view.private_metadata);
    const values = reasonValues.safeParse(view.state.values);
    if (!requestId.success || !values.success) return errorOnReason('This form is not one the bot made. Nothing was changed.');
    const reason = (values.data[BLOCKS.rejectReason]?.[ACTIONS.input]?.value ?? '').trim();
    try {
      const result = await rejectRequest(deps.services, actorFor(deps, userId), requestId.data, reason);
      if (result.outcome === 'already_decided') return errorOnReason(decidedText(result.request));
    } catch (err) {
      if (isInvalidInput(err)) return errorOnReason(err.issues.map((i) => i.message).join('. '));
      deps.logger.error({ err }, 'rejecting a request failed');
      return errorOnReason(APOLOGY_TEXT);
    }
    await ack({ response_action: 'clear' });
    await refreshApprovalMessage(deps, client, requestId.data);
  };
