import type { KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { RequestKind } from '../../domain/request-state.js';
import type { UserType } from '../../domain/user-types.js';
import { isEditPayload } from '../../services/edit-payload.js';
import type { ExtensionRequestPayload, StoredPayload, UserRequestPayload } from '../../services/request-payload.js';
import { typedExtensionNumber } from '../../domain/extension-number.js';
import { clipText } from '../../text/clip.js';
import { deviceTypeLabel } from '../../text/device-type.js';
import { mrkdwnCode, mrkdwnLiteral } from '../../text/mrkdwn.js';
import { isExtensionAssignmentPayload } from '../../services/extension-assignment-payload.js';
import { describeEdit } from './edit-summary.js';
import { describeExtensionAssignment } from './extension-assignment-summary.js';
import { describeImport, isImportPayload } from './import-summary.js';
import { describeLifecycle, isLifecycleShape } from './lifecycle-summary.js';
import { isRotationPayload, type RotationPayload } from '../../services/rotation-payload.js';
import { describeRecovery } from './recovery-summary.js';
import { isRecoveryPayload } from '../../services/recovery-payload.js';

/**
 * How a request reads to people: a one-line title and the seed's fields, as plain text (not mrkdwn:
 * whoever shows them escapes them, see `requestFieldsBlocks`). The summary is built field by field from
 * the keys it knows, so a password, a password hash or a device secret in the payload can never reach
 * it, whatever else the payload holds.
 */

export interface RequestField {
  label: string;
  value: string;
}

export interface RequestSummary {
  /** e.g. "New agent jdoe (Jane Doe)". */
  title: string;
  fields: RequestField[];
}

/** Display names of the reference data, by key; a key missing here is shown as the key itself. */
export interface ReferenceNames {
  sites: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, string>;
  billingUnits: ReadonlyMap<string, string>;
  profiles: ReadonlyMap<string, string>;
  clusters: ReadonlyMap<string, string>;
  callerIds: ReadonlyMap<string, string>;
  e911Locations: ReadonlyMap<string, string>;
  /** How many collections exist: "all 24" when the request keeps every collection. */
  collectionCount: number;
  /** Collection names by ID, for an edit's "Collections: +Billing queue, −Sales queue". */
  collections?: ReadonlyMap<number, string>;
}

const NONE = '—';

const USER_TYPE_LABELS: Readonly<Record<UserType, string>> = {
  agent: 'Agent',
  supervisor: 'Supervisor',
  admin: 'Admin',
  non_agent: 'Non-agent',
};

const TITLE_NOUNS: Readonly<Record<UserType, string>> = {
  agent: 'agent',
  supervisor: 'supervisor',
  admin: 'admin',
  non_agent: 'user',
};

type NewExtension = ExtensionRequestPayload;

const KIND_NOUNS: Readonly<Record<RequestKind, string>> = {
  create_user: 'New user request',
  clone_user: 'Clone user request',
  create_extension: 'New extension request',
  edit_user: 'Change user request',
  deactivate_user: 'Offboarding request',
  reactivate_user: 'Reactivation request',
  reset_sign_in: 'Sign-in reset request',
  resend_welcome: 'Resend welcome request',
  rotate_device_secret: 'Device secret rotation request',
  reassign_extension: 'Extension reassignment request',
  unassign_extension: 'Extension unassignment request',
  import_batch: 'New-hire import request',
};

/** A request whose stored details cannot be read (see parseStoredPayload): said so, nothing guessed. */
export const UNREADABLE_DETAILS = 'The stored details of this request cannot be read. It was logged; an operator can look it up by its request ID.';

export function describeRequest(kind: RequestKind, payload: StoredPayload | null, names: ReferenceNames): RequestSummary {
  if (payload === null) return { title: `${KIND_NOUNS[kind]} (unreadable)`, fields: [{ label: 'Details', value: UNREADABLE_DETAILS }] };
  if (isEditPayload(payload)) return describeEdit(payload, names);
  if (isExtensionAssignmentPayload(payload)) return describeExtensionAssignment(payload);
  if (isLifecycleShape(payload)) return describeLifecycle(kind, payload);
  if (isRotationPayload(payload)) return describeRotation(payload);
  if (isRecoveryPayload(payload)) return describeRecovery(kind, payload);
  if (isImportPayload(payload)) return describeImport(payload, names);
  // The payload's shape decides (a kind that disagrees with it cannot make fields appear that the
  // payload does not have); the kind tells a clone from a request made from scratch.
  return isUserPayload(payload) ? describeUser(kind, payload, names) : describeExtension(payload, names);
}

/** A rotation names the extension and its holder; the secret is not in the request, old or new. */
function describeRotation(p: RotationPayload): RequestSummary {
  return {
    title: `New device secret for extension ${p.extensionNumber}`,
    fields: [
      { label: 'Extension Number', value: String(p.extensionNumber) },
      { label: 'Held by', value: p.holderUsername ?? 'nobody' },
      { label: 'What happens', value: 'A new device secret replaces the old one at approval: the old one stops working at once; the holder shows the new one once on the account page.' },
    ],
  };
}

function isUserPayload(p: UserRequestPayload | ExtensionRequestPayload): p is UserRequestPayload {
  return typeof (p as Partial<UserRequestPayload>).username === 'string';
}

function describeUser(kind: RequestKind, p: UserRequestPayload, names: ReferenceNames): RequestSummary {
  const fullName = `${p.firstName} ${p.lastName}`.trim();
  const who = fullName === '' ? p.username : `${p.username} (${fullName})`;
  const title =
    kind === 'clone_user'
      ? p.sourceUsername
        ? `Clone of ${p.sourceUsername}: ${who}`
        : `Clone: ${who}`
      : `New ${TITLE_NOUNS[p.userType] ?? 'user'} ${who}`;

  const fields: RequestField[] = [
    { label: 'Username', value: p.username },
    { label: 'First Name', value: p.firstName },
    { label: 'Last Name', value: p.lastName },
    { label: 'Phone Number', value: p.phone },
    { label: 'Email', value: orNone(p.email) },
  ];
  if (present(p.description)) fields.push({ label: 'Description', value: p.description });
  // Only whether a password was typed: never the hash, which the payload carries for the approval.
  fields.push({ label: 'Password', value: present(p.passwordHash) ? 'set by requester' : 'default one-time password' });
  fields.push(
    { label: 'Site', value: nameOf(names.sites, p.siteKey) },
    { label: 'Department', value: nameOf(names.departments, p.departmentKey) },
    { label: 'Billing Unit', value: nameOf(names.billingUnits, p.billingUnitKey) },
    { label: 'Profile', value: present(p.profileKey) ? nameOf(names.profiles, p.profileKey) : 'default profile' },
  );
  if (present(p.clusterKey)) fields.push({ label: 'Clusters', value: nameOf(names.clusters, p.clusterKey) });
  fields.push(
    { label: 'User Type', value: USER_TYPE_LABELS[p.userType] ?? String(p.userType) },
    { label: 'Primary Phone (Extension)', value: primaryPhone(p) },
    { label: 'Voicemail/Recording Access', value: accessText(p.voicemailAccess, p.recordingAccess) },
    {
      label: 'Collections',
      value: collectionsText(kind, p, names.collectionCount),
    },
  );
  if (present(p.notes)) fields.push({ label: 'Notes', value: p.notes });
  if (p.newExtension) fields.push(...extensionFields(p.newExtension, names));
  return { title, fields };
}

/** A clone stored without a choice copies the source's collections; otherwise none given means all. */
function collectionsText(kind: RequestKind, p: UserRequestPayload, count: number): string {
  if (p.collectionIds === 'all') return `all ${count}`;
  if (p.collectionIds !== undefined) return String(p.collectionIds.length);
  return kind === 'clone_user' ? `same as ${p.sourceUsername ?? 'the source user'}` : `all ${count}`;
}

function describeExtension(p: NewExtension, names: ReferenceNames): RequestSummary {
  const number = extensionNumberText(p.extensionNumber);
  const title = number === null ? 'New extension (next free number)' : `New extension ${number} (${p.deviceType})`;
  return { title, fields: extensionFields(p, names) };
}

/** The extension form's fields, in the seed's order. There is no device secret field: it is generated. */
function extensionFields(p: NewExtension, names: ReferenceNames): RequestField[] {
  return [
    { label: 'Extension Number', value: extensionNumberText(p.extensionNumber) ?? 'next free number' },
    { label: 'Device Name', value: p.deviceName },
    { label: 'Device Type', value: deviceTypeLabel(String(p.deviceType)) },
    { label: 'CallerID', value: nameOf(names.callerIds, p.callerIdKey) },
    { label: 'E911 Location', value: nameOf(names.e911Locations, p.e911LocationKey) },
    { label: 'Multi-Line Profile', value: yesNo(p.multiLine) },
    { label: 'Call Recording', value: yesNo(p.callRecording) },
    { label: 'Monitoring', value: yesNo(p.monitoring) },
    { label: 'Voicemail Access', value: yesNo(p.voicemailAccess) },
  ];
}

function primaryPhone(p: UserRequestPayload): string {
  if (p.newExtension) {
    const n = extensionNumberText(p.newExtension.extensionNumber);
    return n === null ? 'new extension (next free number)' : `new extension ${n}`;
  }
  return extensionNumberText(p.extensionNumber) ?? NONE;
}

function extensionNumberText(n: string | number | null | undefined): string | null {
  const text = typedExtensionNumber(n);
  return text === '' ? null : text;
}

function accessText(voicemail: boolean, recordings: boolean): string {
  if (voicemail && recordings) return 'Voicemail and recordings';
  if (voicemail) return 'Voicemail only';
  if (recordings) return 'Recordings only';
  return 'No';
}

function nameOf(map: ReadonlyMap<string, string>, key: string | null | undefined): string {
  if (!present(key)) return NONE;
  return map.get(key) ?? key;
}

function present(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

function orNone(s: string | null | undefined): string {
  return present(s) ? s : NONE;
}

function yesNo(b: boolean | undefined): string {
  return b ? 'Yes' : 'No';
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Slack: at most 10 fields per section, each at most 2000 characters. */
const FIELDS_PER_SECTION = 10;
// Raw characters kept per value: escaping can grow text five-fold (& → &amp;), 300 × 5 + label < 2000.
const FIELD_VALUE_MAX = 300;

/**
 * The fields as section blocks, ten to a section: label in bold, value escaped. For every message that
 * shows a request (the requester's DM, the approvals channel).
 */
export function requestFieldsBlocks(fields: readonly RequestField[]): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) {
    const chunk = fields.slice(i, i + FIELDS_PER_SECTION);
    blocks.push({
      type: 'section',
      fields: chunk.map((f) => mrkdwn(`*${mrkdwnLiteral(clipText(f.label, 75))}*\n${mrkdwnLiteral(clipText(f.value === '' ? NONE : f.value, FIELD_VALUE_MAX))}`)),
    });
  }
  return blocks;
}

const TITLE_MAX = 300;

/** The DM to the requester once the request is stored: what was asked, and the ID to quote. */
export function requestConfirmationMessage(input: { requestId: string; title: string; fields: RequestField[] }): {
  text: string;
  blocks: KnownBlock[];
} {
  const title = clipText(input.title, TITLE_MAX);
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`:inbox_tray: Your request is waiting for approval: *${mrkdwnLiteral(title)}*`) },
    ...requestFieldsBlocks(input.fields),
    {
      type: 'context',
      elements: [mrkdwn(`Request ID ${mrkdwnCode(clipText(input.requestId, 100))} · You will get a message here when an approver decides.`)],
    },
  ];
  return { text: `Your request is waiting for approval: ${mrkdwnLiteral(title)}`, blocks };
}
