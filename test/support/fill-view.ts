/**
 * Filling a modal the way a person would: find each input by the label they read, type or pick, and
 * produce the `view.state.values` Slack would send with the submission (or a block action). Fields
 * nobody touches keep what the view prefilled, exactly as they do in Slack.
 */

/** Loose Block Kit shapes: enough to walk the JSON a view builder produced. */
export interface PlainText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface ViewOption {
  text: PlainText;
  value?: string;
  description?: PlainText;
  [key: string]: unknown;
}

export interface ViewElement {
  type: string;
  action_id?: string;
  value?: string;
  text?: PlainText;
  options?: ViewOption[];
  option_groups?: { label: PlainText; options: ViewOption[] }[];
  /** Text inputs: a string; rich_text_input: a rich_text object. */
  initial_value?: unknown;
  initial_option?: ViewOption;
  initial_options?: ViewOption[];
  initial_user?: string;
  initial_users?: string[];
  initial_conversation?: string;
  initial_conversations?: string[];
  initial_channel?: string;
  initial_channels?: string[];
  initial_date?: string;
  initial_time?: string;
  initial_date_time?: number;
  min_length?: number;
  max_length?: number;
  is_decimal_allowed?: boolean;
  min_value?: string;
  max_value?: string;
  max_selected_items?: number;
  [key: string]: unknown;
}

export interface ViewBlock {
  type: string;
  block_id?: string;
  label?: PlainText;
  hint?: PlainText;
  optional?: boolean;
  element?: ViewElement;
  elements?: ViewElement[];
  accessory?: ViewElement;
  text?: PlainText;
  fields?: PlainText[];
  [key: string]: unknown;
}

/** What Slack reports for one element in `state.values[block_id][action_id]`. */
export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: ViewOption | null;
  selected_options?: ViewOption[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_conversations?: string[];
  selected_channel?: string | null;
  selected_channels?: string[];
  selected_date?: string | null;
  selected_time?: string | null;
  selected_date_time?: number | null;
  rich_text_value?: unknown;
  /** file_input: the files uploaded into it. */
  files?: { id: string; [key: string]: unknown }[];
}

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** A view as the bot sends it, plus what Slack adds (id, hash, state…) once it is open. */
export interface SlackView {
  type?: string;
  id?: string;
  callback_id?: string;
  private_metadata?: string;
  external_id?: string;
  title?: PlainText;
  submit?: PlainText | null;
  close?: PlainText | null;
  blocks: ViewBlock[];
  root_view_id?: string | null;
  previous_view_id?: string | null;
  hash?: string;
  state?: { values: ViewStateValues };
  [key: string]: unknown;
}

/** One answer per label: text, an option's text (or value), several options, all/none of the checkboxes, or null to clear the field. */
export type Answer = string | string[] | boolean | null;

const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input']);
const SINGLE_SELECTS = new Set(['static_select', 'external_select', 'radio_buttons']);
const MULTI_OPTION_SELECTS = new Set(['multi_static_select', 'multi_external_select', 'checkboxes']);
/** Elements Slack keeps state for when they sit in actions blocks or section accessories. */
const STATEFUL = new Set([
  ...TEXT_INPUTS,
  ...SINGLE_SELECTS,
  ...MULTI_OPTION_SELECTS,
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'rich_text_input',
]);

/** The labels of the view's input blocks, in order. */
export function inputLabels(view: SlackView): string[] {
  return inputBlocks(view).map((b) => b.label?.text ?? '');
}

/** The block_id of the input labelled `label` (what `response_action: 'errors'` keys on). */
export function blockIdOfLabel(view: SlackView, label: string): string {
  return blockId(findInput(view, label));
}

/** The texts of the options offered by the input labelled `label` (option groups flattened). */
export function optionTexts(view: SlackView, label: string): string[] {
  return optionsOf(elementOf(findInput(view, label))).map((o) => o.text.text);
}

/** The element of the input labelled `label`. */
export function elementOfLabel(view: SlackView, label: string): ViewElement {
  return elementOf(findInput(view, label));
}

/**
 * The `state.values` Slack would send after a person answered the inputs labelled in `answers`:
 * answered inputs get the answer, the others keep what the view prefilled (or stay empty). Stateful
 * elements outside input blocks (a select in an actions block) keep their initial state.
 */
export function fillView(view: SlackView, answers: Record<string, Answer> = {}): ViewStateValues {
  const byLabel = new Map<string, ViewBlock>();
  for (const label of Object.keys(answers)) byLabel.set(label, findInput(view, label));
  const answered = new Map<ViewBlock, Answer>();
  for (const [label, block] of byLabel) answered.set(block, answers[label] ?? null);

  const values: ViewStateValues = {};
  for (const block of view.blocks) {
    if (block.type === 'input') {
      const element = elementOf(block);
      const label = block.label?.text ?? '';
      const state = answered.has(block) ? answerState(element, answered.get(block) ?? null, label) : initialState(element);
      (values[blockId(block)] ??= {})[actionId(block, element)] = state;
      continue;
    }
    const others = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
    for (const element of others) {
      if (!STATEFUL.has(element.type) || !element.action_id || !block.block_id) continue;
      (values[block.block_id] ??= {})[element.action_id] = initialState(element);
    }
  }
  return values;
}

/**
 * What Slack's client would refuse before sending anything: an empty required input, text shorter or
 * longer than allowed, a number that is not one (or out of range), an email address without an @.
 * Returns block_id → message; empty when Slack would submit.
 */
export function clientSideErrors(view: SlackView, values: ViewStateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const block of inputBlocks(view)) {
    const element = elementOf(block);
    const id = blockId(block);
    const state = values[id]?.[actionId(block, element)];
    const label = block.label?.text ?? id;
    if (isEmpty(state)) {
      if (!block.optional) errors[id] = `"${label}" is required`;
      continue;
    }
    const text = state?.value;
    if (typeof text !== 'string') continue;
    if (element.min_length !== undefined && text.length < element.min_length) errors[id] = `"${label}" needs at least ${element.min_length} characters`;
    if (element.max_length !== undefined && text.length > element.max_length) errors[id] = `"${label}" allows at most ${element.max_length} characters`;
    if (element.type === 'email_text_input' && !/^[^\s@]+@[^\s@]+$/.test(text)) errors[id] = `"${label}" is not an email address`;
    if (element.type === 'number_input') {
      const pattern = element.is_decimal_allowed ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
      const n = Number(text);
      if (!pattern.test(text.trim())) errors[id] = `"${label}" is not a ${element.is_decimal_allowed ? 'number' : 'whole number'}`;
      else if (element.min_value !== undefined && n < Number(element.min_value)) errors[id] = `"${label}" is below ${element.min_value}`;
      else if (element.max_value !== undefined && n > Number(element.max_value)) errors[id] = `"${label}" is above ${element.max_value}`;
    }
  }
  return errors;
}

function inputBlocks(view: SlackView): ViewBlock[] {
  return view.blocks.filter((b) => b.type === 'input');
}

function findInput(view: SlackView, label: string): ViewBlock {
  const found = inputBlocks(view).filter((b) => b.label?.text === label);
  const name = view.callback_id ? `view ${view.callback_id}` : 'the view';
  if (found.length === 0) {
    const available = inputLabels(view).map((l) => JSON.stringify(l));
    throw new Error(`No input labelled ${JSON.stringify(label)} in ${name}. Its inputs are: ${available.join(', ') || '(none)'}`);
  }
  if (found.length > 1) throw new Error(`${found.length} inputs are labelled ${JSON.stringify(label)} in ${name}`);
  return found[0]!;
}

function elementOf(block: ViewBlock): ViewElement {
  if (!block.element) throw new Error(`Input block ${block.block_id ?? JSON.stringify(block.label?.text)} has no element`);
  return block.element;
}

/** Slack makes up a block_id / action_id when the builder leaves one out; ours are stable. */
function blockId(block: ViewBlock): string {
  return block.block_id ?? `block:${block.label?.text ?? ''}`;
}

function actionId(block: ViewBlock, element: ViewElement): string {
  return element.action_id ?? `action:${block.label?.text ?? ''}`;
}

function optionsOf(element: ViewElement): ViewOption[] {
  return [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options)];
}

function findOption(element: ViewElement, answer: string, label: string): ViewOption {
  const options = optionsOf(element);
  if (options.length === 0 && element.type.includes('external')) return { text: { type: 'plain_text', text: answer }, value: answer };
  const found = options.find((o) => o.text.text === answer) ?? options.find((o) => o.value === answer);
  if (!found) {
    throw new Error(`"${label}" offers no option ${JSON.stringify(answer)}. Its options are: ${options.map((o) => JSON.stringify(o.text.text)).join(', ') || '(none)'}`);
  }
  return found;
}

function asList(answer: Answer): string[] {
  if (answer === null || answer === false) return [];
  if (answer === true) throw new Error('true only answers checkboxes');
  return Array.isArray(answer) ? answer : [answer];
}

function asText(answer: Answer, label: string): string | null {
  if (answer === null) return null;
  if (typeof answer === 'string') return answer;
  throw new Error(`"${label}" takes text, not ${JSON.stringify(answer)}`);
}

function answerState(element: ViewElement, answer: Answer, label: string): ViewStateValue {
  const type = element.type;
  if (TEXT_INPUTS.has(type)) {
    const text = asText(answer, label);
    return { type, value: text === '' ? null : text };
  }
  if (SINGLE_SELECTS.has(type)) {
    const text = asText(answer, label);
    return { type, selected_option: text === null ? null : findOption(element, text, label) };
  }
  if (type === 'checkboxes' && answer === true) return { type, selected_options: optionsOf(element) };
  if (MULTI_OPTION_SELECTS.has(type)) return { type, selected_options: asList(answer).map((a) => findOption(element, a, label)) };
  switch (type) {
    case 'users_select':
      return { type, selected_user: asText(answer, label) };
    case 'multi_users_select':
      return { type, selected_users: asList(answer) };
    case 'conversations_select':
      return { type, selected_conversation: asText(answer, label) };
    case 'multi_conversations_select':
      return { type, selected_conversations: asList(answer) };
    case 'channels_select':
      return { type, selected_channel: asText(answer, label) };
    case 'multi_channels_select':
      return { type, selected_channels: asList(answer) };
    case 'datepicker':
      return { type, selected_date: asText(answer, label) };
    case 'timepicker':
      return { type, selected_time: asText(answer, label) };
    case 'datetimepicker': {
      const text = asText(answer, label);
      return { type, selected_date_time: text === null ? null : Number(text) };
    }
    case 'rich_text_input': {
      const text = asText(answer, label);
      return { type, rich_text_value: richText(text ?? '') };
    }
    case 'file_input': {
      // The answer is the IDs of files already in the double's workspace (slack.addFile), as Slack sends them.
      const ids = asList(answer);
      const max = typeof element.max_files === 'number' ? element.max_files : 10;
      if (ids.length > max) throw new Error(`"${label}" takes at most ${max} files`);
      return { type, files: ids.map((id) => ({ id })) };
    }
    default:
      throw new Error(`"${label}" is a ${type}, which fillView does not know how to answer`);
  }
}

function initialState(element: ViewElement): ViewStateValue {
  const type = element.type;
  if (TEXT_INPUTS.has(type)) return { type, value: typeof element.initial_value === 'string' && element.initial_value !== '' ? element.initial_value : null };
  if (SINGLE_SELECTS.has(type)) return { type, selected_option: element.initial_option ?? null };
  if (MULTI_OPTION_SELECTS.has(type)) return { type, selected_options: element.initial_options ?? [] };
  switch (type) {
    case 'users_select':
      return { type, selected_user: element.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: element.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: element.initial_conversation ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: element.initial_conversations ?? [] };
    case 'channels_select':
      return { type, selected_channel: element.initial_channel ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: element.initial_channels ?? [] };
    case 'datepicker':
      return { type, selected_date: element.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: element.initial_time ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: element.initial_date_time ?? null };
    case 'rich_text_input':
      return { type, rich_text_value: element.initial_value ?? richText('') };
    case 'file_input':
      return { type, files: [] };
    default:
      return { type };
  }
}

function richText(text: string): unknown {
  return { type: 'rich_text', elements: text ? [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] : [] };
}

function isEmpty(state: ViewStateValue | undefined): boolean {
  if (!state) return true;
  if (Object.keys(state).length === 1) return false; // an element fillView does not model: let Slack decide
  if ('value' in state) return state.value === null || state.value === undefined || state.value === '';
  if ('selected_option' in state) return !state.selected_option;
  if ('selected_options' in state) return (state.selected_options ?? []).length === 0;
  const single = state.selected_user ?? state.selected_conversation ?? state.selected_channel ?? state.selected_date ?? state.selected_time ?? state.selected_date_time;
  const multi = state.selected_users ?? state.selected_conversations ?? state.selected_channels;
  if (multi) return multi.length === 0;
  if ('files' in state) return (state.files ?? []).length === 0;
  if ('rich_text_value' in state) return JSON.stringify(state.rich_text_value).indexOf('"text":') === -1;
  return single === null || single === undefined;
}
