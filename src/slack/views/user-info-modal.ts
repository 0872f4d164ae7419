import type { KnownBlock, ModalView, PlainTextOption, SectionBlock } from '@slack/types';
import { PASSWORD_MAX_LENGTH } from '../../domain/password.js';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, NOTES_MAX_LENGTH } from '../../domain/person.js';
import type { UserType } from '../../domain/user-types.js';
import { USERNAME_MAX_LENGTH } from '../../domain/username.js';
import { ACTIONS, BLOCKS, VIEWS } from '../ids.js';
import { DEVICE_TYPE_LABELS } from '../../text/device-type.js';
import { escapeMrkdwn } from '../../text/mrkdwn.js';
import { inputBlock, option, OPTION_TEXT_MAX_LENGTH, OPTIONS_PER_SELECT, plain, staticSelect, textInput } from './form-kit.js';
import { clipText } from '../../text/clip.js';
import type { Choice, NewExtensionDraft, UserFormChoices, UserFormPrefill, UserFormState } from './model.js';
import { encodeUserFormState } from './user-form-state.js';

export const USER_INFO_TITLES = { user: 'New User', agent: 'New Agent', clone: 'Clone User', edit: 'Edit User' } as const;

/** The agent-kind user types the agent form offers (the HCC seed: "agent, supervisor, admin, etc."). */
export const AGENT_USER_TYPES = [
  ['agent', 'Agent'],
  ['supervisor', 'Supervisor'],
  ['admin', 'Admin'],
] as const satisfies readonly (readonly [UserType, string])[];

/** The Edit form may also make an agent a non-agent (and a non-agent an agent). */
export const EDIT_USER_TYPES = [...AGENT_USER_TYPES, ['non_agent', 'Non-agent']] as const satisfies readonly (readonly [UserType, string])[];

/** Values of the Voicemail/Recording Access checkboxes. */
export const ACCESS_OPTIONS = { voicemail: 'voicemail', recording: 'recording' } as const;

export const PRIMARY_PHONE_LABEL = 'Primary Phone (Extension)';
/** The agent's primary phone option for the extension set up in the Extension step. */
export const NEW_EXTENSION_OPTION = 'new';

/** A generous bound: the domain counts the digits (at most 15) and checks the format. */
export const PHONE_INPUT_MAX_LENGTH = 30;

export interface UserInfoModalInput {
  state: UserFormState;
  choices: UserFormChoices;
  prefill?: UserFormPrefill;
  /** The requester is a portal admin (config PORTAL_ADMIN_IDS); Clusters also needs several clusters. */
  showClusters: boolean;
  /** The operator's tenant suffix, named in the Username hint when given. */
  tenantSuffix?: string;
}

/**
 * The User Info step of a new user, a new agent, a clone or an edit: the seeds' User Info tab in a modal.
 * An edit shows the agent's fields whatever the user is now (the User Type may change, Non-agent
 * included), shows the username without letting it change, has no Password, and is prefilled with the
 * user's extension, access and notes.
 * Typed values live in Slack's view state; what the pushed steps decided (collections, a new
 * extension) lives in `state`, kept in private_metadata. Block IDs never change between rebuilds, so
 * `views.update` after a step keeps what was typed. The password is never prefilled.
 */
export function userInfoModal(input: UserInfoModalInput): ModalView {
  const { state, choices, prefill = {}, showClusters } = input;
  const edit = state.mode === 'edit';
  const agent = state.mode === 'agent' || edit;
  const blocks: KnownBlock[] = [];

  if (state.mode === 'clone' && state.sourceUsername !== undefined) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Settings and collections copied from *${escapeMrkdwn(state.sourceUsername)}*` }],
    });
  }

  const signIn = input.tenantSuffix ? `username@${input.tenantSuffix}` : 'username@tenant-suffix';
  blocks.push(
    edit
      ? { type: 'section', text: { type: 'mrkdwn', text: `*Username*\n${escapeMrkdwn(state.sourceUsername ?? '')} (cannot be changed)` } }
      : inputBlock(BLOCKS.username, 'Username', textInput(prefill.username, USERNAME_MAX_LENGTH), {
          hint: `Unique, up to ${USERNAME_MAX_LENGTH} characters. The user signs in as ${signIn}.`,
        }),
    inputBlock(BLOCKS.firstName, 'First Name', textInput(prefill.firstName, NAME_MAX_LENGTH)),
    inputBlock(BLOCKS.lastName, 'Last Name', textInput(prefill.lastName, NAME_MAX_LENGTH)),
    inputBlock(BLOCKS.phone, 'Phone Number', textInput(prefill.phone, PHONE_INPUT_MAX_LENGTH), {
      hint: 'Up to 15 digits; international numbers start with +',
    }),
    inputBlock(
      BLOCKS.email,
      'Email',
      { type: 'email_text_input', ...(prefill.email ? { initial_value: prefill.email } : {}) },
      { optional: true },
    ),
    inputBlock(BLOCKS.description, 'Description', { ...textInput(prefill.description, DESCRIPTION_MAX_LENGTH), multiline: true }, { optional: true }),
  );
  // An edit never touches the password: the user changes it themselves at /account.
  if (!edit) {
    blocks.push(
      inputBlock(BLOCKS.password, 'Password', textInput(undefined, PASSWORD_MAX_LENGTH), {
        optional: true,
        hint: 'Leave empty for the default one-time password; the user must change it at first sign-in',
      }),
    );
  }

  pushSelect(blocks, BLOCKS.site, 'Site', choices.sites, prefill.siteKey, { optional: true });
  pushSelect(blocks, BLOCKS.department, 'Department', choices.departments, prefill.departmentKey, { optional: true });
  pushSelect(blocks, BLOCKS.billingUnit, 'Billing Unit', choices.billingUnits, prefill.billingUnitKey, { optional: true });
  const profileKey = choices.profiles.some((p) => p.key === prefill.profileKey) ? prefill.profileKey : choices.profiles.find((p) => p.isDefault)?.key;
  pushSelect(blocks, BLOCKS.profile, 'Profile', choices.profiles, profileKey, { optional: false });
  // The clone seed: portal admins see Clusters above the primary phone, only when several are configured.
  if (showClusters && choices.clusters.length > 1) {
    pushSelect(blocks, BLOCKS.cluster, 'Clusters', choices.clusters, prefill.clusterKey, { optional: true });
  }

  if (agent) {
    const types = edit ? EDIT_USER_TYPES : AGENT_USER_TYPES;
    const initialType = types.find(([type]) => type === prefill.userType) ?? types[0];
    const typeOptions = types.map(([value, label]) => option(label, value));
    blocks.push(
      inputBlock(
        BLOCKS.userType,
        'User Type',
        {
          type: 'static_select',
          options: typeOptions,
          initial_option: option(initialType[1], initialType[0]),
        },
        edit ? { hint: 'A non-agent who becomes an agent gets an agent ID and needs an extension; an agent who becomes a non-agent gives up their extension.' } : {},
      ),
    );
  }

  blocks.push(agent ? agentPrimaryPhone(choices.freeExtensions, state.newExtension, edit ? prefill.extensionNumber : undefined) : primaryPhone(choices.freeExtensions));
  if (agent) blocks.push(newExtensionSummary(state.newExtension));

  if (agent) {
    const accessOptions = [
      { text: plain('Voicemail'), value: ACCESS_OPTIONS.voicemail },
      { text: plain('Recording'), value: ACCESS_OPTIONS.recording },
    ];
    // Slack refuses an empty initial_options: none checked means none given.
    const initialAccess = accessOptions.filter((o) => (o.value === ACCESS_OPTIONS.voicemail ? prefill.voicemailAccess : prefill.recordingAccess) === true);
    blocks.push(
      inputBlock(
        BLOCKS.access,
        'Voicemail/Recording Access',
        {
          type: 'checkboxes',
          options: accessOptions,
          ...(initialAccess.length > 0 ? { initial_options: initialAccess } : {}),
        },
        { optional: true },
      ),
      inputBlock(BLOCKS.notes, 'Notes', { ...textInput(prefill.notes, NOTES_MAX_LENGTH), multiline: true }, { optional: true, hint: 'Visible to other admins' }),
    );
  }

  blocks.push(collectionsSummary(choices, state.collectionIds));

  return {
    type: 'modal',
    callback_id: edit ? VIEWS.userEdit : VIEWS.userInfo,
    private_metadata: encodeUserFormState(state),
    title: plain(USER_INFO_TITLES[state.mode]),
    submit: plain('Submit request'),
    close: plain('Cancel'),
    blocks,
  };
}

/**
 * A static select of reference choices; left out when there is nothing to choose (Slack refuses an
 * empty one). An edited user's retired value is offered as "Old site (retired)", so the select can show
 * it (Slack's initial_option must be one of the options), and the hint says what keeping it means.
 */
function pushSelect(blocks: KnownBlock[], blockId: string, label: string, list: readonly Choice[], initialKey: string | null | undefined, opts: { optional: boolean }): void {
  if (list.length === 0) return;
  const options = list.map((c) => option(c.retired ? `${clipText(c.name, OPTION_TEXT_MAX_LENGTH - RETIRED_SUFFIX.length)}${RETIRED_SUFFIX}` : c.name, c.key));
  const retired = list.find((c) => c.retired);
  const hint = retired ? `${clipText(retired.name, 60)} is retired: it stays while left as it is, but cannot be chosen again once changed.` : undefined;
  blocks.push(inputBlock(blockId, label, staticSelect(options, initialKey), { optional: opts.optional, ...(hint ? { hint } : {}) }));
}

const RETIRED_SUFFIX = ' (retired)';

/**
 * The primary phone of a user or clone: a free extension, optional. Slack takes at most 100 options,
 * so the lowest 100 are offered (the hint says so); with none free the select is replaced by a line
 * saying so (the user can get one later).
 */
function primaryPhone(freeExtensions: readonly number[]): KnownBlock {
  if (freeExtensions.length === 0) return { type: 'section', text: { type: 'mrkdwn', text: `*${PRIMARY_PHONE_LABEL}*\nNo free extension right now; the user can get one later.` } };
  const shown = freeExtensions.slice(0, OPTIONS_PER_SELECT);
  const options: PlainTextOption[] = shown.map((n) => option(String(n), String(n)));
  const hint = freeExtensions.length > shown.length ? `The lowest ${shown.length} of ${freeExtensions.length} free extensions.` : undefined;
  return inputBlock(BLOCKS.extension, PRIMARY_PHONE_LABEL, { type: 'static_select', options }, { optional: true, ...(hint ? { hint } : {}) });
}

/**
 * An agent's primary phone is always an input block, even with no free extension, so that "an agent
 * needs an extension" (or a problem with the new one) is shown on it: its select offers the free
 * extensions (the lowest 99) and "New extension", which the Extension step sets up (the button below).
 */
function agentPrimaryPhone(freeExtensions: readonly number[], draft: NewExtensionDraft | undefined, held?: number): KnownBlock {
  // The extension an edited user holds is always offered (it is not free), so it can stay chosen.
  const offered = held === undefined ? freeExtensions : [held, ...freeExtensions.filter((n) => n !== held)];
  const shown = offered.slice(0, OPTIONS_PER_SELECT - 1).sort((a, b) => a - b);
  // One text whatever the draft: Slack keeps the chosen option across views.update, and the summary
  // line below says which extension it is.
  const newOption = option('New extension (set up below)', NEW_EXTENSION_OPTION);
  const options: PlainTextOption[] = [...shown.map((n) => option(n === held ? `${n} (current)` : String(n), String(n))), newOption];
  const heldOption = held === undefined ? undefined : options.find((o) => o.value === String(held));
  const parts: string[] = [];
  if (offered.length === 0) parts.push('No free extension: choose New extension and set it up below.');
  else {
    if (offered.length > shown.length) parts.push(`The lowest ${shown.length} of ${offered.length} free extensions.`);
    parts.push('An agent needs one: choose a free extension, or New extension and set it up below.');
  }
  return inputBlock(
    BLOCKS.extension,
    PRIMARY_PHONE_LABEL,
    { type: 'static_select', options, ...(draft ? { initial_option: newOption } : heldOption ? { initial_option: heldOption } : {}) },
    { optional: true, hint: parts.join(' ') },
  );
}

export function newExtensionText(draft: NewExtensionDraft | undefined): string {
  if (!draft) return 'No new extension';
  const number = draft.extensionNumber ? escapeMrkdwn(draft.extensionNumber) : 'next free';
  return `New extension ${number} (${DEVICE_TYPE_LABELS[draft.deviceType]}) will be created on approval`;
}

function newExtensionSummary(draft: NewExtensionDraft | undefined): SectionBlock {
  return {
    type: 'section',
    block_id: BLOCKS.newExtensionSummary,
    text: { type: 'mrkdwn', text: newExtensionText(draft) },
    accessory: { type: 'button', action_id: ACTIONS.setUpNewExtension, text: plain('Set up a new extension…') },
  };
}

/** "Collections: all 24 selected" / "Collections: 5 of 24 selected (3 users, 2 agents)". */
export function collectionsSummaryText(collections: UserFormChoices['collections'], selected: number[] | 'all'): string {
  const total = collections.length;
  if (total === 0) return 'Collections: none available';
  const wanted = selected === 'all' ? null : new Set(selected);
  // Only offered collections count: an ID that is no longer offered is not "selected" in the form.
  const chosen = wanted === null ? collections : collections.filter((c) => wanted.has(c.id));
  if (chosen.length === total) return `Collections: all ${total} selected`;
  if (chosen.length === 0) return `Collections: none of ${total} selected`;
  const users = chosen.filter((c) => c.kind === 'user').length;
  const agents = chosen.length - users;
  return `Collections: ${chosen.length} of ${total} selected (${plural(users, 'user')}, ${plural(agents, 'agent')})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function collectionsSummary(choices: UserFormChoices, selected: number[] | 'all'): SectionBlock {
  return {
    type: 'section',
    block_id: BLOCKS.collectionsSummary,
    text: { type: 'mrkdwn', text: collectionsSummaryText(choices.collections, selected) },
    accessory: { type: 'button', action_id: ACTIONS.chooseCollections, text: plain('Choose collections…') },
  };
}
