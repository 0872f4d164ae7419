import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { isInvalidInput, type FieldIssue } from '../../../domain/errors.js';
import { submitDeactivation } from '../../../services/offboarding.js';
import { actorFor, APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import type { BlockErrors } from '../../forms/view-state.js';
import { ACTIONS, BLOCKS } from '../../ids.js';
import { parseTargetRef, WHEN_AT } from '../../views/deactivate-modal.js';
import { confirmAndAnnounce } from '../../flows/submitted.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

const NOT_OURS = 'This form is not one the bot made. Nothing was changed.';

/** One input's state, as Slack reports it; anything else in it is ignored, anything malformed is "not ours". */
const element = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_date_time: z.number().int().nullish(),
});
const values = z.record(z.string(), z.record(z.string(), element));

/**
 * The offboarding modal submitted: read, checked by the use case (every problem on its field), then
 * stored as pending. The requester gets the DM, the approvers the message, as for every request.
 */
export const deactivateSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: Args): Promise<void> => {
    const userId = body.user.id;
    const hasPerson = view.blocks.some((b) => b.block_id === BLOCKS.offboardPerson);
    const userBlock = hasPerson ? BLOCKS.offboardPerson : BLOCKS.offboardReason;
    if (!deps.access.canRequest(userId)) return ack({ response_action: 'errors', errors: { [userBlock]: NOT_ALLOWED_TEXT } });
    const parsed = values.safeParse(view.state.values);
    const field = (block: string) => (parsed.success ? parsed.data[block]?.[ACTIONS.input] : undefined);
    const ref = parseTargetRef(view.private_metadata) ?? parseTargetRef(field(BLOCKS.offboardPerson)?.selected_option?.value);
    if (!parsed.success || !ref) return ack({ response_action: 'errors', errors: { [userBlock]: NOT_OURS } });
    const at = field(BLOCKS.offboardAt)?.selected_date_time;
    const scheduled = field(BLOCKS.offboardWhen)?.selected_option?.value === WHEN_AT;
    if (scheduled && (at === null || at === undefined)) return ack({ response_action: 'errors', errors: { [BLOCKS.offboardAt]: 'Pick a date and time, or choose Now' } });
    if (!scheduled && at !== null && at !== undefined) {
      return ack({ response_action: 'errors', errors: { [BLOCKS.offboardWhen]: 'You picked a date and time: choose "At a date and time", or clear it for Now' } });
    }
    let submitted;
    try {
      submitted = await submitDeactivation(deps.services, actorFor(deps, userId), {
        userId: ref.userId,
        version: ref.version,
        reason: field(BLOCKS.offboardReason)?.value ?? '',
        effectiveAt: scheduled && typeof at === 'number' ? new Date(at * 1000) : null,
      });
    } catch (err) {
      if (isInvalidInput(err)) return ack({ response_action: 'errors', errors: toBlocks(err.issues, userBlock) });
      deps.logger.error({ err }, 'offboarding request submission failed');
      return ack({ response_action: 'errors', errors: { [BLOCKS.offboardReason]: APOLOGY_TEXT } });
    }
    await ack({ response_action: 'clear' });
    await confirmAndAnnounce(deps, client, userId, submitted);
  };

function toBlocks(issues: readonly FieldIssue[], userBlock: string): BlockErrors {
  const blocks: Record<string, string> = { reason: BLOCKS.offboardReason, effectiveAt: BLOCKS.offboardAt };
  const errors: BlockErrors = {};
  for (const i of issues) {
    const block = blocks[i.field] ?? userBlock;
    errors[block] = errors[block] ? `${errors[block]}. ${i.message}` : i.message;
  }
  return errors;
}
