import type { InputBlock, InputBlockElement, PlainTextElement, PlainTextOption } from '@slack/types';
import { clipText } from '../../text/clip.js';
import { ACTIONS } from '../ids.js';

/**
 * Small helpers shared by the modal builders, so every form keeps to Slack's limits the same way:
 * option text and values of at most 75 characters, at most 100 options per select.
 */
export const OPTION_TEXT_MAX_LENGTH = 75;
export const OPTIONS_PER_SELECT = 100;
/** Option groups (each of ≤ 100 options) a static select may hold. */
const GROUPS_PER_SELECT = 100;

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function option(text: string, value: string): PlainTextOption {
  return { text: plain(clipText(text, OPTION_TEXT_MAX_LENGTH)), value };
}

/**
 * The options of a static select. Up to 100 go in `options`; a longer list (an operator with many
 * sites) is split into option groups of 100, labelled by their first and last entries, so nothing
 * offered is silently dropped. Lists longer than 10 000 are cut: no reference list gets near that.
 */
export function selectOptions(options: readonly PlainTextOption[]): { options: PlainTextOption[] } | { option_groups: { label: PlainTextElement; options: PlainTextOption[] }[] } {
  if (options.length <= OPTIONS_PER_SELECT) return { options: [...options] };
  const groups: { label: PlainTextElement; options: PlainTextOption[] }[] = [];
  for (let i = 0; i < options.length && groups.length < GROUPS_PER_SELECT; i += OPTIONS_PER_SELECT) {
    const part = options.slice(i, i + OPTIONS_PER_SELECT);
    const first = part[0]?.text.text ?? '';
    const last = part[part.length - 1]?.text.text ?? '';
    groups.push({ label: plain(clipText(`${clipText(first, 36)} – ${clipText(last, 36)}`, OPTION_TEXT_MAX_LENGTH)), options: part });
  }
  return { option_groups: groups };
}

/**
 * A static select of `options` with the one whose value is `initialValue` preselected. The initial
 * option is looked up among the options `selectOptions` keeps: Slack refuses an initial option that is
 * not offered, so a value beyond the 10 000 kept is left unselected rather than breaking the view.
 */
export function staticSelect(
  options: readonly PlainTextOption[],
  initialValue: string | null | undefined,
): { type: 'static_select'; initial_option?: PlainTextOption } & ReturnType<typeof selectOptions> {
  const offered = selectOptions(options);
  const kept = 'options' in offered ? offered.options : offered.option_groups.flatMap((g) => g.options);
  const initial = initialValue === null || initialValue === undefined ? undefined : kept.find((o) => o.value === initialValue);
  return { type: 'static_select', ...offered, ...(initial ? { initial_option: initial } : {}) };
}

/** An input block whose element carries the app's one input action ID (blocks tell fields apart). */
export function inputBlock(
  blockId: string,
  label: string,
  element: InputBlockElement,
  opts: { optional?: boolean; hint?: string } = {},
): InputBlock {
  const block: InputBlock = { type: 'input', block_id: blockId, label: plain(label), element: { ...element, action_id: ACTIONS.input } };
  if (opts.optional) block.optional = true;
  if (opts.hint) block.hint = plain(opts.hint);
  return block;
}

/**
 * A plain-text input with its maximum length. Slack refuses an initial value longer than max_length,
 * so a longer prefill (say, from a new-hire post) is left for the requester to type, not cut silently.
 */
export function textInput(initial: string | undefined, maxLength: number): { type: 'plain_text_input'; max_length: number; initial_value?: string } {
  return initial && initial.length <= maxLength ? { type: 'plain_text_input', max_length: maxLength, initial_value: initial } : { type: 'plain_text_input', max_length: maxLength };
}
