import type { View } from '@slack/types';

/**
 * Slack's documented Block Kit limits, checked on a built view so a test fails where Slack would
 * answer `invalid_arguments` at run time. Not exhaustive: the limits our builders come near.
 * https://docs.slack.dev/reference/block-kit/blocks, …/block-elements, …/composition-objects
 */
const LIMITS = {
  blocks: 100,
  modalButtonText: 24,
  privateMetadata: 3000,
  callbackId: 255,
  blockId: 255,
  actionId: 255,
  optionText: 75,
  optionValue: 75,
  selectOptions: 100,
  optionGroups: 100,
  optionGroupLabel: 75,
  checkboxOptions: 10,
  radioOptions: 10,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  sectionText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
  actionsElements: 25,
  plainTextInputMaxLength: 3000,
} as const;

interface Opt {
  text?: { text?: string };
  value?: string;
}
interface Element {
  type?: string;
  action_id?: string;
  text?: { text?: string };
  value?: string;
  options?: Opt[];
  option_groups?: { label?: { text?: string }; options?: Opt[] }[];
  initial_option?: Opt;
  initial_options?: Opt[];
  placeholder?: { text?: string };
  max_length?: number;
  initial_value?: string;
}
interface AnyBlock {
  type: string;
  block_id?: string;
  label?: { text?: string };
  hint?: { text?: string };
  text?: { text?: string };
  element?: Element;
  elements?: Element[];
  accessory?: Element;
}

/** Every limit the view breaks, in words; empty when it is within Slack's limits. */
export function slackLimitViolations(view: View): string[] {
  const problems: string[] = [];
  const over = (what: string, actual: number, max: number): void => {
    if (actual > max) problems.push(`${what}: ${actual} > ${max}`);
  };
  const blocks = view.blocks as AnyBlock[];
  over('blocks', blocks.length, LIMITS.blocks);
  if (view.type === 'modal') {
    over('title', view.title.text.length, LIMITS.modalButtonText);
    if (view.submit) over('submit', view.submit.text.length, LIMITS.modalButtonText);
    if (view.close) over('close', view.close.text.length, LIMITS.modalButtonText);
    if (blocks.some((b) => b.type === 'input') && !view.submit) problems.push('a modal with input blocks needs a submit button');
  }
  over('private_metadata', view.private_metadata?.length ?? 0, LIMITS.privateMetadata);
  over('callback_id', view.callback_id?.length ?? 0, LIMITS.callbackId);

  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    const where = `block ${index} (${block.block_id ?? block.type})`;
    if (block.block_id !== undefined) {
      over(`${where} block_id`, block.block_id.length, LIMITS.blockId);
      if (blockIds.has(block.block_id)) problems.push(`${where}: duplicate block_id`);
      blockIds.add(block.block_id);
    }
    const elements: Element[] = [];
    switch (block.type) {
      case 'input':
        over(`${where} label`, block.label?.text?.length ?? 0, LIMITS.inputLabel);
        over(`${where} hint`, block.hint?.text?.length ?? 0, LIMITS.inputHint);
        if (!block.element) problems.push(`${where}: input without element`);
        else elements.push(block.element);
        break;
      case 'section':
        over(`${where} text`, block.text?.text?.length ?? 0, LIMITS.sectionText);
        if (block.accessory) elements.push(block.accessory);
        break;
      case 'context':
        over(`${where} elements`, block.elements?.length ?? 0, LIMITS.contextElements);
        break;
      case 'actions':
        over(`${where} elements`, block.elements?.length ?? 0, LIMITS.actionsElements);
        elements.push(...(block.elements ?? []));
        break;
    }
    const actionIds = new Set<string>();
    for (const element of elements) {
      if (element.action_id !== undefined) {
        over(`${where} action_id`, element.action_id.length, LIMITS.actionId);
        if (actionIds.has(element.action_id)) problems.push(`${where}: duplicate action_id ${element.action_id}`);
        actionIds.add(element.action_id);
      }
      checkElement(element, where, over, problems);
    }
  });
  return problems;
}

function checkElement(element: Element, where: string, over: (what: string, actual: number, max: number) => void, problems: string[]): void {
  const type = element.type ?? '?';
  over(`${where} placeholder`, element.placeholder?.text?.length ?? 0, LIMITS.placeholder);
  if (type === 'button') {
    over(`${where} button text`, element.text?.text?.length ?? 0, LIMITS.buttonText);
    over(`${where} button value`, element.value?.length ?? 0, LIMITS.buttonValue);
  }
  if (type === 'plain_text_input') {
    const max = element.max_length ?? LIMITS.plainTextInputMaxLength;
    over(`${where} max_length`, max, LIMITS.plainTextInputMaxLength);
    over(`${where} initial_value`, element.initial_value?.length ?? 0, max);
  }

  const options = element.options ?? [];
  const groups = element.option_groups ?? [];
  if (element.options !== undefined && element.option_groups !== undefined) problems.push(`${where}: both options and option_groups`);
  const isSelect = type === 'static_select' || type === 'multi_static_select';
  if (isSelect || type === 'checkboxes' || type === 'radio_buttons') {
    if (options.length === 0 && groups.length === 0) problems.push(`${where}: ${type} without options`);
  }
  const perElement = type === 'checkboxes' ? LIMITS.checkboxOptions : type === 'radio_buttons' ? LIMITS.radioOptions : LIMITS.selectOptions;
  over(`${where} ${type} options`, options.length, perElement);
  over(`${where} option_groups`, groups.length, LIMITS.optionGroups);
  const all = [...options];
  groups.forEach((g, i) => {
    over(`${where} option group ${i} label`, g.label?.text?.length ?? 0, LIMITS.optionGroupLabel);
    over(`${where} option group ${i} options`, g.options?.length ?? 0, LIMITS.selectOptions);
    all.push(...(g.options ?? []));
  });
  const values = new Set<string>();
  for (const o of all) {
    over(`${where} option text "${o.text?.text ?? ''}"`, o.text?.text?.length ?? 0, LIMITS.optionText);
    over(`${where} option value "${o.value ?? ''}"`, o.value?.length ?? 0, LIMITS.optionValue);
    if (o.value !== undefined && values.has(o.value)) problems.push(`${where}: duplicate option value ${o.value}`);
    if (o.value !== undefined) values.add(o.value);
  }
  // Slack refuses initial options that are not exactly among the options, and an empty initial list.
  const initials = [...(element.initial_option ? [element.initial_option] : []), ...(element.initial_options ?? [])];
  if (element.initial_options?.length === 0) problems.push(`${where}: empty initial_options`);
  for (const initial of initials) {
    if (!all.some((o) => o.value === initial.value && o.text?.text === initial.text?.text)) {
      problems.push(`${where}: initial option ${initial.value ?? '?'} is not among the options`);
    }
  }
}

/** Throws, listing every broken limit, unless the view is within Slack's limits. */
export function assertWithinSlackLimits(view: View): void {
  const problems = slackLimitViolations(view);
  if (problems.length > 0) throw new Error(`View breaks Slack's Block Kit limits:\n- ${problems.join('\n- ')}`);
}
