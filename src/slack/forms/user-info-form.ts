import { z } from 'zod';
import type { FieldIssue } from '../../domain/errors.js';
import { EMAIL_MAX_LENGTH } from '../../domain/email.js';
import { PASSWORD_MAX_LENGTH } from '../../domain/password.js';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, NOTES_MAX_LENGTH } from '../../domain/person.js';
import type { UserType } from '../../domain/user-types.js';
import { USERNAME_MAX_LENGTH } from '../../domain/username.js';
import type { userInfoSchema } from '../../services/user-fields.js';
import { BLOCKS } from '../ids.js';
import type { FormProblem } from '../views/form-problems-modal.js';
import type { UserFormState } from '../views/model.js';
import { ACCESS_OPTIONS, AGENT_USER_TYPES, NEW_EXTENSION_OPTION, PHONE_INPUT_MAX_LENGTH, PRIMARY_PHONE_LABEL } from '../views/user-info-modal.js';
import { checkboxesBlock, errorsByBlock, joinIssues, readableBlocks, selectBlock, textBlock, textOrUndefined, type BlockErrors, type FormResult, type ViewStateValues } from './view-state.js';

/** What the User Info step submits, in the shape of the use cases' `userInfoFields` input. */
export interface UserInfoFormInput {
  username: string;
  firstName: string;
  lastName: string;
  phone: string;
  email?: string;
  description?: string;
  /** As typed, never trimmed; undefined = the policy's one-time password. */
  password?: string;
  siteKey?: string;
  departmentKey?: string;
  billingUnitKey?: string;
  profileKey?: string;
  clusterKey?: string;
  /** `non_agent` for the user and clone forms. */
  userType: UserType;
  /** The chosen free extension; undefined when none (an agent then has a new extension in the state). */
  extensionNumber?: string;
  voicemailAccess: boolean;
  recordingAccess: boolean;
  notes?: string;
  /** `all` when the state says so (every collection, for a clone too), else the chosen IDs. */
  collectionIds?: number[] | 'all';
}

// Compile-time proof that the form's output is the use cases' input.
type Assignable<T, U> = T extends U ? true : never;
const _matchesUseCase: Assignable<UserInfoFormInput, z.input<typeof userInfoSchema>> = true;

/**
 * Errors that belong to no input of the User Info view itself (see `placeUserFormErrors`):
 * - `collections`: the Collections step's choice (`collectionIds`), made in a pushed view;
 * - `new_extension`: the agent's new extension, set up in the pushed Extension step and chosen in the
 *   primary phone select, where its problems are shown;
 * - `clone_source`: the user a clone copies (gone since the form was opened);
 * - `form`: anything about the request as a whole, or a field the form does not know.
 */
export const USER_FORM_OFF_VIEW_KEYS = { collections: 'collections', newExtension: 'new_extension', cloneSource: 'clone_source', form: 'form' } as const;
const OFF_VIEW = new Set<string>(Object.values(USER_FORM_OFF_VIEW_KEYS));

/** Extension numbers as the primary phone select offers them: 2 to 9 digits, no leading zero. */
const EXTENSION_VALUE = /^[1-9]\d{1,8}$/;
/** An agent's primary phone may also be the new extension of the Extension step. */
export const AGENT_EXTENSION_VALUE = new RegExp(`^(?:[1-9]\\d{1,8}|${NEW_EXTENSION_OPTION})$`);
const AGENT_TYPES = AGENT_USER_TYPES.map(([type]) => type) as ['agent', 'supervisor', 'admin'];

export const commonBlocks = {
  [BLOCKS.username]: textBlock('Username', USERNAME_MAX_LENGTH, { required: true }),
  [BLOCKS.firstName]: textBlock('First Name', NAME_MAX_LENGTH, { required: true }),
  [BLOCKS.lastName]: textBlock('Last Name', NAME_MAX_LENGTH, { required: true }),
  [BLOCKS.phone]: textBlock('Phone Number', PHONE_INPUT_MAX_LENGTH, { required: true }),
  [BLOCKS.email]: textBlock('Email', EMAIL_MAX_LENGTH, { required: false, element: 'email_text_input' }).optional(),
  [BLOCKS.description]: textBlock('Description', DESCRIPTION_MAX_LENGTH, { required: false }).optional(),
  [BLOCKS.password]: textBlock('Password', PASSWORD_MAX_LENGTH, { required: false }).optional(),
  // Selects are left out of the view when there is nothing to offer, so each may be absent.
  [BLOCKS.site]: selectBlock('Site', { required: false }).optional(),
  [BLOCKS.department]: selectBlock('Department', { required: false }).optional(),
  [BLOCKS.billingUnit]: selectBlock('Billing Unit', { required: false }).optional(),
  [BLOCKS.profile]: selectBlock('Profile', { required: false }).optional(),
  [BLOCKS.cluster]: selectBlock('Clusters', { required: false }).optional(),
  [BLOCKS.extension]: selectBlock(PRIMARY_PHONE_LABEL, { required: false, pattern: EXTENSION_VALUE }).optional(),
};

/** The User Info view's values, one schema per kind of form (agent fields only exist on the agent form). */
const userValues = z.object(commonBlocks);
const agentValues = z.object({
  ...commonBlocks,
  [BLOCKS.userType]: selectBlock('User Type', { required: true, pattern: new RegExp(`^(?:${AGENT_TYPES.join('|')})$`) }),
  [BLOCKS.access]: checkboxesBlock('Voicemail/Recording Access', [ACCESS_OPTIONS.voicemail, ACCESS_OPTIONS.recording]).optional(),
  [BLOCKS.notes]: textBlock('Notes', NOTES_MAX_LENGTH, { required: false }).optional(),
  [BLOCKS.extension]: selectBlock(PRIMARY_PHONE_LABEL, { required: false, pattern: AGENT_EXTENSION_VALUE }).optional(),
});

/**
 * Reads a submitted User Info view into the use-case input. Never throws: a missing block, another
 * element type or an oversized value becomes an error on its block, and the input read from the other
 * blocks comes back as `partial`, for the use case to check too (every problem in one answer). Only
 * the shape is checked here; the use case applies the rules (username format, phone digits, …) and its
 * issues come back through `fieldErrorsToBlocks`. Also checks what only the form knows: an agent needs
 * one extension, either a free one chosen here or a new one set up in the Extension step, not both.
 */
export function parseUserInfoValues(values: ViewStateValues, state: UserFormState): FormResult<UserInfoFormInput> {
  const agent = state.mode === 'agent';
  const parsed = (agent ? agentValues : userValues).safeParse(values);
  const errors: BlockErrors = parsed.success ? {} : errorsByBlock(parsed.error.issues, BLOCKS.username);
  // A payload that is not even an object of blocks gives nothing to check further.
  if (!parsed.success && parsed.error.issues.some((i) => typeof i.path[0] !== 'string')) return { ok: false, errors };
  const blocks: AgentBlocks = parsed.success ? parsed.data : readableBlocks(agent ? agentValues.shape : userValues.shape, values);
  const input = agent ? agentInput(blocks, state) : commonInput(blocks, state);
  // An unreadable primary phone already has its error; otherwise the agent's extension is checked.
  if (agent && !Object.hasOwn(errors, BLOCKS.extension)) {
    const extensionError = agentExtensionError(selected(blocks[BLOCKS.extension]), state.newExtension !== undefined);
    if (extensionError) errors[BLOCKS.extension] = extensionError;
  }
  return Object.keys(errors).length === 0 ? { ok: true, input } : { ok: false, errors, partial: input };
}

export type AgentBlocks = Partial<z.output<typeof agentValues>>;

export function agentInput(v: AgentBlocks, state: UserFormState): UserInfoFormInput {
  const access = new Set((v[BLOCKS.access]?.value.selected_options ?? []).map((o) => o.value));
  return {
    ...commonInput(v, state),
    // The pattern admits only the agent-kind types.
    userType: (selected(v[BLOCKS.userType]) ?? 'agent') as UserType,
    voicemailAccess: access.has(ACCESS_OPTIONS.voicemail),
    recordingAccess: access.has(ACCESS_OPTIONS.recording),
    notes: textOrUndefined(v[BLOCKS.notes]?.value.value),
  };
}

export function selected(b: { value: { selected_option?: { value: string } | null | undefined } } | undefined): string | undefined {
  return b?.value.selected_option?.value ?? undefined;
}

/** The fields every User Info form has; a user or clone is a non-agent without agent settings. */
function commonInput(v: Partial<z.output<typeof userValues>>, state: UserFormState): UserInfoFormInput {
  return {
    username: v[BLOCKS.username]?.value.value ?? '',
    firstName: v[BLOCKS.firstName]?.value.value ?? '',
    lastName: v[BLOCKS.lastName]?.value.value ?? '',
    phone: v[BLOCKS.phone]?.value.value ?? '',
    email: textOrUndefined(v[BLOCKS.email]?.value.value),
    description: textOrUndefined(v[BLOCKS.description]?.value.value),
    // A password is taken as typed: spaces may be part of it.
    password: v[BLOCKS.password]?.value.value || undefined,
    siteKey: selected(v[BLOCKS.site]),
    departmentKey: selected(v[BLOCKS.department]),
    billingUnitKey: selected(v[BLOCKS.billingUnit]),
    profileKey: selected(v[BLOCKS.profile]),
    clusterKey: selected(v[BLOCKS.cluster]),
    userType: 'non_agent',
    // "New extension" is not a number: the new extension travels in the state's draft.
    extensionNumber: extensionChoice(selected(v[BLOCKS.extension])),
    voicemailAccess: false,
    recordingAccess: false,
    collectionIds: state.collectionIds === 'all' ? 'all' : [...state.collectionIds],
  };
}

/**
 * An agent has one extension: a free one chosen, or the new one set up in the Extension step (chosen
 * as "New extension", or left unchosen once it is set up).
 */
function extensionChoice(value: string | undefined): string | undefined {
  return value === NEW_EXTENSION_OPTION ? undefined : value;
}

export function agentExtensionError(choice: string | undefined, draft: boolean): string | null {
  if (choice === NEW_EXTENSION_OPTION) return draft ? null : 'Set up the new extension first: press “Set up a new extension…” below';
  if (choice !== undefined && draft) return 'Choose a free extension or the new one you set up, not both';
  if (choice === undefined && !draft) return 'An agent needs an extension: choose a free one, or New extension and set it up below';
  return null;
}

/** Use-case field → User Info block. */
const FIELD_BLOCKS: Readonly<Record<string, string>> = {
  username: BLOCKS.username,
  firstName: BLOCKS.firstName,
  lastName: BLOCKS.lastName,
  phone: BLOCKS.phone,
  email: BLOCKS.email,
  description: BLOCKS.description,
  password: BLOCKS.password,
  siteKey: BLOCKS.site,
  departmentKey: BLOCKS.department,
  billingUnitKey: BLOCKS.billingUnit,
  profileKey: BLOCKS.profile,
  clusterKey: BLOCKS.cluster,
  userType: BLOCKS.userType,
  extensionNumber: BLOCKS.extension,
  voicemailAccess: BLOCKS.access,
  recordingAccess: BLOCKS.access,
  notes: BLOCKS.notes,
  collectionIds: USER_FORM_OFF_VIEW_KEYS.collections,
  sourceUsername: USER_FORM_OFF_VIEW_KEYS.cloneSource,
  // The new extension's own fields: they were typed in the Extension step, not in this view.
  deviceName: USER_FORM_OFF_VIEW_KEYS.newExtension,
  deviceType: USER_FORM_OFF_VIEW_KEYS.newExtension,
  callerIdKey: USER_FORM_OFF_VIEW_KEYS.newExtension,
  e911LocationKey: USER_FORM_OFF_VIEW_KEYS.newExtension,
  multiLine: USER_FORM_OFF_VIEW_KEYS.newExtension,
  callRecording: USER_FORM_OFF_VIEW_KEYS.newExtension,
  monitoring: USER_FORM_OFF_VIEW_KEYS.newExtension,
  newExtension: USER_FORM_OFF_VIEW_KEYS.newExtension,
};

/**
 * The use case's issues on the User Info blocks, for `response_action: 'errors'`. Several issues on
 * one block are joined. Paths such as `newExtension.deviceName` follow their first segment. A field
 * with no block of its own (`input`, anything unexpected) goes under `form`, never under another
 * field, and is never dropped: the off-view keys are shown apart (see USER_FORM_OFF_VIEW_KEYS and
 * `placeUserFormErrors`).
 */
export function fieldErrorsToBlocks(issues: readonly FieldIssue[]): BlockErrors {
  return joinIssues(issues, (field) => ownBlock(field) ?? ownBlock(field.split('.')[0] ?? '') ?? USER_FORM_OFF_VIEW_KEYS.form);
}

/** The block of a field: own keys only, so `__proto__` or `constructor` never read Object's prototype. */
function ownBlock(field: string): string | undefined {
  return Object.hasOwn(FIELD_BLOCKS, field) ? FIELD_BLOCKS[field] : undefined;
}

/** What a person calls each place an error can belong to, for problems shown away from the form. */
const PLACE_LABELS: Readonly<Record<string, string>> = {
  [BLOCKS.username]: 'Username',
  [BLOCKS.firstName]: 'First Name',
  [BLOCKS.lastName]: 'Last Name',
  [BLOCKS.phone]: 'Phone Number',
  [BLOCKS.email]: 'Email',
  [BLOCKS.description]: 'Description',
  [BLOCKS.password]: 'Password',
  [BLOCKS.site]: 'Site',
  [BLOCKS.department]: 'Department',
  [BLOCKS.billingUnit]: 'Billing Unit',
  [BLOCKS.profile]: 'Profile',
  [BLOCKS.cluster]: 'Clusters',
  [BLOCKS.userType]: 'User Type',
  [BLOCKS.extension]: PRIMARY_PHONE_LABEL,
  [BLOCKS.access]: 'Voicemail/Recording Access',
  [BLOCKS.notes]: 'Notes',
  [USER_FORM_OFF_VIEW_KEYS.collections]: 'Collections',
  [USER_FORM_OFF_VIEW_KEYS.newExtension]: 'New extension',
  [USER_FORM_OFF_VIEW_KEYS.cloneSource]: 'Clone source',
  [USER_FORM_OFF_VIEW_KEYS.form]: 'This request',
};

/**
 * Where each error of a User Info submission is shown. Slack shows errors only under the view's input
 * blocks, and an error is only ever shown under its own field: a problem with the new extension (set
 * up in its pushed step) under the primary phone select it is chosen in, which every agent form has.
 * Everything else with no input in this view (the collections, a select the view left out) is
 * `elsewhere`, for the listener to show apart from the fields.
 */
export function placeUserFormErrors(errors: BlockErrors, inputBlockIds: readonly string[]): { onFields: BlockErrors; elsewhere: FormProblem[] } {
  const inputs = new Set(inputBlockIds);
  const onFields: BlockErrors = {};
  const elsewhere: FormProblem[] = [];
  const add = (blockId: string, message: string) => {
    onFields[blockId] = onFields[blockId] ? `${onFields[blockId]} ${message}` : message;
  };
  for (const [key, message] of Object.entries(errors)) {
    if (key === USER_FORM_OFF_VIEW_KEYS.newExtension && inputs.has(BLOCKS.extension)) add(BLOCKS.extension, `New extension: ${message}`);
    else if (inputs.has(key) && !OFF_VIEW.has(key)) add(key, message);
    else {
      elsewhere.push({ label: Object.hasOwn(PLACE_LABELS, key) ? (PLACE_LABELS[key] ?? key) : 'This request', message });
    }
  }
  return { onFields, elsewhere };
}
