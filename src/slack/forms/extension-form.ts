import { z } from 'zod';
import type { FieldIssue } from '../../domain/errors.js';
import { DEVICE_TYPES, type DeviceType } from '../../domain/extension.js';
import type { CreateExtensionInput } from '../../services/create-extension.js';
import { BLOCKS } from '../ids.js';
import { DEVICE_NAME_MAX_LENGTH, EXTENSION_NUMBER_MAX_LENGTH, EXTENSION_SWITCHES, SWITCH_ON } from '../views/extension-modal.js';
import type { NewExtensionDraft } from '../views/model.js';
import { checkboxesBlock, errorsByBlock, joinIssues, readableBlocks, selectBlock, textBlock, textOrUndefined, type BlockErrors, type FormResult, type ViewStateValues } from './view-state.js';

/**
 * What the extension form submits: the `createExtensionInput` of `/provision extension`, and equally
 * the NewExtensionDraft an agent request keeps from its Extension step.
 */
export interface ExtensionFormInput {
  /** As typed (trimmed); undefined = the next free number. The domain checks digits and ranges. */
  extensionNumber?: string;
  deviceName: string;
  deviceType: DeviceType;
  callerIdKey?: string;
  e911LocationKey?: string;
  multiLine: boolean;
  callRecording: boolean;
  monitoring: boolean;
  voicemailAccess: boolean;
}

type Assignable<T, U> = T extends U ? true : never;
const _matchesUseCase: Assignable<ExtensionFormInput, CreateExtensionInput> = true;
const _matchesDraft: Assignable<ExtensionFormInput, NewExtensionDraft> = true;

const switchBlock = (label: string) => checkboxesBlock(label, [SWITCH_ON]).optional();

/** The extension form's values (standalone and agent step alike). */
const extensionValues = z.object({
  [BLOCKS.extensionNumber]: textBlock('Extension Number', EXTENSION_NUMBER_MAX_LENGTH, { required: false }).optional(),
  [BLOCKS.deviceName]: textBlock('Device Name', DEVICE_NAME_MAX_LENGTH, { required: true }),
  [BLOCKS.deviceType]: selectBlock('Device Type', { required: true, element: 'radio_buttons', pattern: new RegExp(`^(?:${DEVICE_TYPES.join('|')})$`) }),
  [BLOCKS.callerId]: selectBlock('CallerID', { required: false }).optional(),
  [BLOCKS.e911Location]: selectBlock('E911 Location', { required: false }).optional(),
  [BLOCKS.multiLine]: switchBlock('Multi-Line Profile'),
  [BLOCKS.callRecording]: switchBlock('Call Recording'),
  [BLOCKS.monitoring]: switchBlock('Monitoring'),
  [BLOCKS.voicemailAccess]: switchBlock('Voicemail Access'),
});

/**
 * Reads a submitted extension form. Never throws: shape problems (a missing block, another element
 * type, an oversized value) become errors on their block, and what the other blocks hold comes back
 * as `partial` for the use case to check too; the rules are the use case's.
 */
export function parseExtensionValues(values: ViewStateValues): FormResult<ExtensionFormInput> {
  const parsed = extensionValues.safeParse(values);
  if (!parsed.success && parsed.error.issues.some((i) => typeof i.path[0] !== 'string')) {
    return { ok: false, errors: errorsByBlock(parsed.error.issues, BLOCKS.extensionNumber) };
  }
  const errors: BlockErrors = parsed.success ? {} : errorsByBlock(parsed.error.issues, BLOCKS.extensionNumber);
  const v: Partial<z.output<typeof extensionValues>> = parsed.success ? parsed.data : readableBlocks(extensionValues.shape, values);
  const on = (b: { value: { selected_options?: { value: string }[] | undefined } } | undefined): boolean => (b?.value.selected_options?.length ?? 0) > 0;
  const deviceType = v[BLOCKS.deviceType]?.value.selected_option?.value;
  if (deviceType === undefined) errors[BLOCKS.deviceType] ??= 'Device Type is required';
  const input: ExtensionFormInput = {
    extensionNumber: textOrUndefined(v[BLOCKS.extensionNumber]?.value.value)?.trim(),
    deviceName: v[BLOCKS.deviceName]?.value.value ?? '',
    // Without a readable type (its block has the error) the rest is checked as a softphone: the
    // type changes no other rule.
    deviceType: (deviceType ?? 'softphone') as DeviceType,
    callerIdKey: v[BLOCKS.callerId]?.value.selected_option?.value ?? undefined,
    e911LocationKey: v[BLOCKS.e911Location]?.value.selected_option?.value ?? undefined,
    multiLine: on(v[BLOCKS.multiLine]),
    callRecording: on(v[BLOCKS.callRecording]),
    monitoring: on(v[BLOCKS.monitoring]),
    voicemailAccess: on(v[BLOCKS.voicemailAccess]),
  };
  return Object.keys(errors).length === 0 ? { ok: true, input } : { ok: false, errors, partial: input };
}

const FIELD_BLOCKS: Readonly<Record<string, string>> = {
  extensionNumber: BLOCKS.extensionNumber,
  deviceName: BLOCKS.deviceName,
  deviceType: BLOCKS.deviceType,
  callerIdKey: BLOCKS.callerId,
  e911LocationKey: BLOCKS.e911Location,
  ...Object.fromEntries(EXTENSION_SWITCHES.map((s) => [s.field, s.blockId])),
};

/**
 * The use case's issues on the extension form's blocks. A field with no block (`input`, anything
 * unexpected) goes on Extension Number, the first input, so no problem is dropped.
 */
export function extensionFieldErrorsToBlocks(issues: readonly FieldIssue[]): BlockErrors {
  // Own keys only, so `__proto__` or `constructor` never read Object's prototype.
  return joinIssues(issues, (field) => (Object.hasOwn(FIELD_BLOCKS, field) ? FIELD_BLOCKS[field] : undefined) ?? BLOCKS.extensionNumber);
}
