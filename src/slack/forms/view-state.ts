import { z } from 'zod';
import type { FieldIssue } from '../../domain/errors.js';
import { ACTIONS } from '../ids.js';

/**
 * `view.state.values` as Slack sends it with a view_submission or block_actions payload: input values
 * by block ID, then by action ID. Declared here (structurally compatible with Bolt's
 * `ViewOutput['state']['values']`) so forms and builders stay free of Bolt. It comes from the network:
 * parsers treat it as untrusted and never throw on it.
 */
export interface ViewStateValueLike {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
}
export type ViewStateValues = Record<string, Record<string, ViewStateValueLike>>;

/** Field problems by block ID, ready for `ack({ response_action: 'errors', errors })`. */
export type BlockErrors = Record<string, string>;

/**
 * A parsed form. When some blocks could not be read, `partial` is the input built from the others
 * (the unreadable ones left empty), so the use case can still check them: a person learns every
 * problem in one answer, not one per submission. It must only be checked, never stored.
 */
export type FormResult<T> = { ok: true; input: T } | { ok: false; errors: BlockErrors; partial?: T };

/**
 * The blocks of `values` that each parse alone against their schema in `shape`; the others are left
 * out. For building a form's `partial` input after the whole object failed.
 */
export function readableBlocks<S extends z.ZodRawShape>(shape: S, values: ViewStateValues): Partial<z.output<z.ZodObject<S>>> {
  const readable: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const parsed = (schema as z.ZodType).safeParse(Object.hasOwn(values, key) ? values[key] : undefined);
    if (parsed.success) readable[key] = parsed.data;
  }
  return readable as Partial<z.output<z.ZodObject<S>>>;
}

/** Slack caps option values at 75 characters: a longer one was not sent by Slack. */
const OPTION_VALUE_MAX = 75;

export function unreadable(label: string): string {
  return `${label} could not be read — please fill it in again`;
}

/** In a `u` regex a paired surrogate is one code point, so only unpaired halves match. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export function codePointLength(s: string): number {
  return [...s].length;
}

/**
 * The schemas below describe one input block: `{ [ACTIONS.input]: element }`. Each takes the field's
 * label so every problem reads like the form ("Username can be at most 20 characters").
 */
function block<T extends z.ZodType>(element: T, label: string, required: boolean) {
  const shape = z.object({ [ACTIONS.input]: element }, { error: (iss) => (iss.input === undefined && required ? `${label} is required` : unreadable(label)) });
  return shape;
}

function elementOf<T extends string, S extends z.ZodRawShape>(type: T, fields: S, label: string) {
  return z.object({ type: z.literal(type, { error: unreadable(label) }), ...fields }, { error: unreadable(label) });
}

/**
 * A text input (`plain_text_input` or `email_text_input`): null or absent is empty. Length is counted
 * in code points after trimming, as the domain counts it; a string twice as long in UTF-16 units is
 * refused before it is even counted.
 */
export function textBlock(label: string, max: number, opts: { required: boolean; element?: 'plain_text_input' | 'email_text_input' }) {
  const tooLong = `${label} can be at most ${max} characters`;
  const value = z
    .string({ error: unreadable(label) })
    .max(max * 2, { error: tooLong })
    .refine((s) => codePointLength(s.trim()) <= max, { error: tooLong })
    // Half of a surrogate pair is not text: Postgres refuses it in the request's JSON payload.
    .refine((s) => !LONE_SURROGATE.test(s), { error: unreadable(label) })
    .nullish();
  return block(elementOf(opts.element ?? 'plain_text_input', { value }, label), label, opts.required);
}

const optionValue = (label: string) => z.object({ value: z.string({ error: unreadable(label) }).max(OPTION_VALUE_MAX, { error: unreadable(label) }) }, { error: unreadable(label) });

/** A static select or radio buttons: the chosen option's value, optionally checked against a pattern. */
export function selectBlock(label: string, opts: { required: boolean; element?: 'static_select' | 'radio_buttons'; pattern?: RegExp }) {
  let chosen = optionValue(label);
  if (opts.pattern) {
    const pattern = opts.pattern;
    chosen = chosen.refine((o) => pattern.test(o.value), { error: `Choose ${label} from the list` });
  }
  return block(elementOf(opts.element ?? 'static_select', { selected_option: chosen.nullish() }, label), label, opts.required);
}

/** Checkboxes: the values of the checked options, each one of `allowed`. */
export function checkboxesBlock<V extends string>(label: string, allowed: readonly [V, ...V[]]) {
  const checked = z
    .array(z.object({ value: z.enum(allowed, { error: unreadable(label) }) }, { error: unreadable(label) }), { error: unreadable(label) })
    .max(allowed.length, { error: unreadable(label) })
    .optional();
  return block(elementOf('checkboxes', { selected_options: checked }, label), label, false);
}

/** The first message per block (a block shows one); a problem with the whole payload goes on `fallbackBlock`. */
export function errorsByBlock(issues: z.ZodError['issues'], fallbackBlock: string): BlockErrors {
  const errors: BlockErrors = {};
  for (const i of issues) {
    const first = i.path[0];
    const blockId = typeof first === 'string' ? first : fallbackBlock;
    const message = typeof first === 'string' ? i.message : 'The form could not be read — please open it again';
    errors[blockId] ??= message;
  }
  return errors;
}

/** Empty text is no value. */
export function textOrUndefined(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v.trim() === '' ? undefined : v;
}

/** Use-case issues by block: several on one block are joined, in order, without repeats. */
export function joinIssues(issues: readonly FieldIssue[], blockOf: (field: string) => string): BlockErrors {
  const messages = new Map<string, string[]>();
  for (const i of issues) {
    const blockId = blockOf(i.field);
    const list = messages.get(blockId) ?? [];
    if (!list.includes(i.message)) list.push(i.message);
    messages.set(blockId, list);
  }
  return Object.fromEntries([...messages].map(([blockId, list]) => [blockId, list.join('; ')]));
}
