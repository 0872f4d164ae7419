import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { findFormChoices } from '../../../services/find-filters.js';
import { APOLOGY_TEXT, NOT_ALLOWED_TEXT, type SlackDeps } from '../../context.js';
import { BUSY_TEXT, modalRefusal, openModal, receivedTrigger, type ModalGate } from '../../flows/modal-trigger.js';
import { ACTIONS, BLOCKS } from '../../ids.js';
import { FIND_TEXT_MAX } from '../../views/find-results.js';
import { findUserModal } from '../../views/find-user-modal.js';
import type { FindQuery } from '../../views/model.js';
import { findAnswer } from '../actions/find.js';

type ActionArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>;
type SubmitArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** App Home's Find a user button: the search form (who may search is checked again on submit). */
export const findUserClicked =
  (deps: SlackDeps, gate: ModalGate) =>
  async ({ ack, body, client }: ActionArgs): Promise<void> => {
    const trigger = receivedTrigger(body.trigger_id);
    await ack();
    const userId = body.user.id;
    // App Home has no response_url: a refusal goes to the person's DM with the bot.
    const tell = async (text: string) => void (await client.chat.postMessage({ channel: userId, text }));
    if (!deps.access.canRequest(userId)) return tell(NOT_ALLOWED_TEXT);
    const release = gate.tryEnter();
    if (!release) return tell(BUSY_TEXT);
    try {
      await openModal(client, trigger, findUserModal(await findFormChoices(deps.services)));
    } catch (err) {
      const known = modalRefusal(err);
      if (known) deps.logger.warn({ refusal: known.log }, `Find a user: ${known.log}`);
      else deps.logger.error({ err }, 'could not open the Find a user modal');
      await tell(known?.text ?? APOLOGY_TEXT);
    } finally {
      release();
    }
  };

const selected = z.object({ [ACTIONS.input]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }).optional();
const submitted = z.object({
  [BLOCKS.findText]: z.object({ [ACTIONS.input]: z.object({ value: z.string().max(FIND_TEXT_MAX).nullish() }) }).optional(),
  [BLOCKS.findSite]: selected,
  [BLOCKS.findDepartment]: selected,
  [BLOCKS.findStatus]: selected,
  [BLOCKS.findType]: selected,
});
const KEY = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** The value of a select's chosen option, or undefined when none is chosen. */
function optionOf(block: unknown): string | undefined {
  const parsed = selected.safeParse(block);
  return parsed.success ? (parsed.data?.[ACTIONS.input]?.selected_option?.value ?? undefined) : undefined;
}
const STATUS = z.enum(['active', 'deactivated', 'all']);
const KIND = z.enum(['all', 'agent', 'non_agent']);

/**
 * Find a user submitted: the results are posted to the person's DM with the bot (chat.postMessage to
 * their user ID), as `/provision find` would show them, with the same paging, filters, View and Clone.
 */
export const findUserSubmitted =
  (deps: SlackDeps) =>
  async ({ ack, body, view, client }: SubmitArgs): Promise<void> => {
    const userId = body.user.id;
    const values = submitted.safeParse(view.state.values);
    const chosen = (block: keyof z.infer<typeof submitted>) => (values.success ? optionOf(values.data[block]) : undefined);
    const site = chosen(BLOCKS.findSite);
    const department = chosen(BLOCKS.findDepartment);
    const status = STATUS.safeParse(chosen(BLOCKS.findStatus) ?? 'active');
    const kind = KIND.safeParse(chosen(BLOCKS.findType) ?? 'all');
    if (!values.success || !status.success || !kind.success || (site !== undefined && !KEY.test(site)) || (department !== undefined && !KEY.test(department))) {
      return ack({ response_action: 'errors', errors: { [BLOCKS.findText]: 'This form is not one the bot made. Nothing was searched.' } });
    }
    if (!deps.access.canRequest(userId)) return ack({ response_action: 'errors', errors: { [BLOCKS.findText]: NOT_ALLOWED_TEXT } });
    await ack();
    const text = (values.data[BLOCKS.findText]?.[ACTIONS.input].value ?? '').trim();
    const query: FindQuery = { text, kind: kind.data, page: 1, status: status.data, siteKeys: site ? [site] : [], departmentKeys: department ? [department] : [] };
    try {
      await client.chat.postMessage({ channel: userId, ...(await findAnswer(deps, query)) });
    } catch (err) {
      deps.logger.error({ err }, 'Find a user: could not post the results');
    }
  };
