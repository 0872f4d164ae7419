import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput } from '../../../domain/errors.js';
import { approveRequest } from '../../../services/decide-request.js';
import { approvalStatus } from '../../../services/approval-status.js';
import { referenceNames } from '../../../services/form-data.js';
import { actorFor, APOLOGY_TEXT, type SlackDeps } from '../../context.js';
import { refreshApprovalMessage } from '../../flows/approval.js';
import { BUSY_TEXT, openModal, receivedTrigger, TriggerTooOld } from '../../flows/modal-trigger.js';
import { awaitingSecondText, decidedText, NOT_APPROVER_TEXT } from '../../flows/decisions.js';
import { rejectReasonModal } from '../../views/approval-message.js';
import { describeRequest } from '../../views/request-summary.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;

const requestIdSchema = z.uuid();

/** The request a button names, or undefined for anything that is not a request ID (a forged payload). */
function requestIdOf(deps: SlackDeps, args: Args): string | undefined {
  const value = args.action.type === 'button' ? args.action.value : undefined;
  const parsed = requestIdSchema.safeParse(value);
  if (!parsed.success) deps.logger.warn({ userId: args.body.user.id, action: args.action.action_id }, 'refused a button without a valid request ID');
  return parsed.success ? parsed.data : undefined;
}

/**
 * What every approval button does first: acknowledge, read the request ID, and let only approvers on.
 * Anyone else is told so, privately; undefined means there is nothing more to do.
 */
async function approverClick(deps: SlackDeps, args: Args, button: 'Approve' | 'Reject'): Promise<{ requestId: string; tell: (text: string) => Promise<unknown> } | undefined> {
  await args.ack();
  const requestId = requestIdOf(deps, args);
  if (!requestId) return undefined;
  const tell = (text: string) => args.respond({ response_type: 'ephemeral', replace_original: false, text });
  if (!deps.access.isApprover(args.body.user.id)) {
    deps.logger.warn({ userId: args.body.user.id, requestId }, `a non-approver clicked ${button}`);
    await tell(NOT_APPROVER_TEXT);
    return undefined;
  }
  return { requestId, tell };
}

/**
 * Approve: only approvers; the request is carried out at once, exactly once. Whoever comes second (a
 * second approver, a double click, a Slack retry) is told what happened, and nothing changes.
 */
export const approveClicked =
  (deps: SlackDeps) =>
  async (args: Args): Promise<void> => {
    const { body, client } = args;
    const click = await approverClick(deps, args, 'Approve');
    if (!click) return;
    const { requestId, tell } = click;
    const userId = body.user.id;
    try {
      const result = await approveRequest(deps.services, actorFor(deps, userId), requestId, {
        allowSelfApproval: deps.approvals.allowSelfApproval,
        accountUrl: deps.accountUrl,
      });
      switch (result.outcome) {
        case 'not_allowed':
          return void (await tell(result.reason));
        case 'already_decided':
          await tell(decidedText(result.request));
          break;
        case 'awaiting_second':
          await tell(awaitingSecondText(result.alreadyYours));
          break;
        case 'failed':
          await tell(`The request could not be carried out: ${result.reason}`);
          break;
        case 'completed':
        case 'scheduled':
        case 'started':
          break;
      }
    } catch (err) {
      // A request ID that names no request (a forged or stale button) is the clicker's problem, not ours.
      if (isInvalidInput(err)) {
        deps.logger.warn({ userId, requestId, reason: err.message }, 'refused an approval');
        return void (await tell(`${err.issues.map((i) => i.message).join('. ')}. Nothing was changed.`));
      }
      deps.logger.error({ err, requestId }, 'approval failed');
      await tell(APOLOGY_TEXT);
    }
    await refreshApprovalMessage(deps, client, requestId);
  };

/** Reject: only approvers; opens the modal that asks for the reason. */
export const rejectClicked =
  (deps: SlackDeps) =>
  async (args: Args): Promise<void> => {
    const { body, client } = args;
    const trigger = receivedTrigger(body.trigger_id);
    const click = await approverClick(deps, args, 'Reject');
    if (!click) return;
    const { requestId, tell } = click;
    const status = await approvalStatus(deps.services, requestId);
    if (!status) return;
    if (status.request.state !== 'pending') return void (await tell(decidedText(status.request)));
    const { title } = describeRequest(status.request.kind, status.payload, await referenceNames(deps.services));
    try {
      await openModal(client, trigger, rejectReasonModal({ requestId, title }));
    } catch (err) {
      if (!(err instanceof TriggerTooOld)) throw err;
      deps.logger.warn({ requestId, ageMs: err.ageMs }, 'Reject: trigger too old, told the approver to try again');
      await tell(BUSY_TEXT);
    }
  };
