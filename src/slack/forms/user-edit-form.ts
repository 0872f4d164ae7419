import { z } from 'zod';
import { isAgentType, type UserType } from '../../domain/user-types.js';
import { NOTES_MAX_LENGTH } from '../../domain/person.js';
import { BLOCKS } from '../ids.js';
import type { UserFormState } from '../views/model.js';
import { ACCESS_OPTIONS, EDIT_USER_TYPES, NEW_EXTENSION_OPTION, PRIMARY_PHONE_LABEL } from '../views/user-info-modal.js';
import { AGENT_EXTENSION_VALUE, agentExtensionError, agentInput, commonBlocks, selected, type AgentBlocks, type UserInfoFormInput } from './user-info-form.js';
import { checkboxesBlock, errorsByBlock, readableBlocks, selectBlock, textBlock, type BlockErrors, type FormResult, type ViewStateValues } from './view-state.js';

/**
 * The Edit User view's values: the creation form's blocks and rules (user-info-form.ts), without the
 * Username (shown, never changed: it comes from the state) and the Password (an edit never sets one),
 * with every user type offered, Non-agent included.
 */
const { [BLOCKS.username]: _username, [BLOCKS.password]: _password, ...editable } = commonBlocks;
const EDIT_TYPES = EDIT_USER_TYPES.map(([type]) => type);
const editValues = z.object({
  ...editable,
  [BLOCKS.userType]: selectBlock('User Type', { required: true, pattern: new RegExp(`^(?:${EDIT_TYPES.join('|')})$`) }),
  [BLOCKS.access]: checkboxesBlock('Voicemail/Recording Access', [ACCESS_OPTIONS.voicemail, ACCESS_OPTIONS.recording]).optional(),
  [BLOCKS.notes]: textBlock('Notes', NOTES_MAX_LENGTH, { required: false }).optional(),
  [BLOCKS.extension]: selectBlock(PRIMARY_PHONE_LABEL, { required: false, pattern: AGENT_EXTENSION_VALUE }).optional(),
});

/** The creation form's input; `clusterKey` null = cleared on the form, undefined = not on the form. */
export type UserEditFormInput = Omit<UserInfoFormInput, 'clusterKey'> & { clusterKey?: string | null };

/**
 * Reads a submitted Edit view, as `parseUserInfoValues` reads a creation (never throws; what it could
 * read comes back as `partial` so the use case checks it too). The extension rule is the agent form's
 * for an agent-kind type; a non-agent cannot take a new extension (a draft set up before the type was
 * changed to Non-agent is dropped by the listener, not created). `clusterKey` is null when the
 * Clusters select was on the form and left empty, undefined when it was not on the form at all (the
 * user keeps theirs).
 */
export function parseUserEditValues(values: ViewStateValues, state: UserFormState, clustersShown: boolean): FormResult<UserEditFormInput> {
  const parsed = editValues.safeParse(values);
  const errors: BlockErrors = parsed.success ? {} : errorsByBlock(parsed.error.issues, BLOCKS.firstName);
  if (!parsed.success && parsed.error.issues.some((i) => typeof i.path[0] !== 'string')) return { ok: false, errors };
  const blocks: AgentBlocks = parsed.success ? parsed.data : readableBlocks(editValues.shape, values);
  const read = agentInput(blocks, state);
  const cluster = selected(blocks[BLOCKS.cluster]);
  const input = { ...read, username: state.sourceUsername ?? '', userType: (selected(blocks[BLOCKS.userType]) ?? read.userType) as UserType, clusterKey: cluster ?? (clustersShown ? null : undefined) };
  if (!Object.hasOwn(errors, BLOCKS.extension)) {
    const choice = selected(blocks[BLOCKS.extension]);
    const draft = state.newExtension !== undefined;
    const extensionError = isAgentType(input.userType)
      ? agentExtensionError(choice, draft)
      : choice === NEW_EXTENSION_OPTION
        ? 'Only agents get a new extension: choose a free one, or none'
        : null;
    if (extensionError) errors[BLOCKS.extension] = extensionError;
  }
  return Object.keys(errors).length === 0 ? { ok: true, input } : { ok: false, errors, partial: input };
}
