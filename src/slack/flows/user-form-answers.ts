import type { ViewOutput } from '@slack/bolt';
import { isInvalidInput, type FieldIssue } from '../../domain/errors.js';
import type { SlackDeps } from '../context.js';
import { fieldErrorsToBlocks, placeUserFormErrors } from '../forms/user-info-form.js';
import type { BlockErrors } from '../forms/view-state.js';
import { formProblemsModal } from '../views/form-problems-modal.js';

/**
 * How the User Info forms (new user, clone, edit) answer a refused submission. Shared so that a
 * creation and an edit read the same to the person filling them in.
 */

/**
 * The use case's refusal of a form that also has unreadable blocks, by block; nothing else is said.
 * `toBlocks` places the issues (an edit moves whole-request issues onto its first input).
 */
export async function ruleErrors(
  deps: SlackDeps,
  check: () => Promise<unknown>,
  what: string,
  toBlocks: (issues: readonly FieldIssue[]) => BlockErrors = fieldErrorsToBlocks,
): Promise<BlockErrors> {
  try {
    await check();
    return {};
  } catch (err) {
    if (isInvalidInput(err)) return toBlocks(err.issues);
    // The form's own errors are still answered; this failure is only logged.
    deps.logger.error({ err }, `checking ${what} submission with unreadable fields failed`);
    return {};
  }
}

/**
 * The answer to a refused submission: each error under its own field. Problems that belong to no
 * field of this view (the collections, a choice the view no longer offers) are never put under
 * another one: when nothing else is wrong they are pushed as a view of their own on top of the form
 * (closing it returns to the form as typed); otherwise the fields' errors come first.
 */
export function refusal(errors: BlockErrors, view: ViewOutput) {
  const inputs = view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id ?? '');
  const { onFields, elsewhere } = placeUserFormErrors(errors, inputs);
  if (Object.keys(onFields).length > 0 || elsewhere.length === 0) return { response_action: 'errors' as const, errors: onFields };
  return { response_action: 'push' as const, view: formProblemsModal(elsewhere) };
}
