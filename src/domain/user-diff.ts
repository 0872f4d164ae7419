import type { UserType } from './user-types.js';

/**
 * Edit User: what a user looks like in the fields the Edit form can change, the changes between two
 * such looks, and how a change reads to people ("Site: Austin → Denver", "Collections: +Billing
 * queue, −Sales queue"). Pure: names of reference data come in as maps, so an approval message, a
 * DM and a failure reason all render the same list the same way.
 */

/** In a wanted look: the extension the request itself sets up (created on approval). */
export const NEW_EXTENSION = 'new';

export interface EditableUser {
  firstName: string;
  lastName: string;
  /** E.164, as stored. */
  phone: string;
  email: string | null;
  description: string | null;
  siteKey: string | null;
  departmentKey: string | null;
  billingUnitKey: string | null;
  profileKey: string;
  clusterKey: string | null;
  userType: UserType;
  /** The assigned extension; `new` in a wanted look when the request sets one up. */
  extensionNumber: number | null | typeof NEW_EXTENSION;
  voicemailAccess: boolean;
  recordingAccess: boolean;
  notes: string | null;
  /** The user's active collections, ascending. */
  collectionIds: readonly number[];
}

/** The scalar fields in the Edit form's order (collections come last, as their step does). */
const SCALAR_FIELDS = [
  'firstName',
  'lastName',
  'phone',
  'email',
  'description',
  'siteKey',
  'departmentKey',
  'billingUnitKey',
  'profileKey',
  'clusterKey',
  'userType',
  'extensionNumber',
  'voicemailAccess',
  'recordingAccess',
  'notes',
] as const satisfies readonly (keyof EditableUser)[];
export type ScalarField = (typeof SCALAR_FIELDS)[number];
type Scalar = string | number | boolean | null;

export type FieldChange =
  | { field: ScalarField; before: Scalar; after: Scalar }
  | { field: 'collectionIds'; added: number[]; removed: number[] };

/** Every field that differs from `before` to `after`, in the form's order; empty when nothing does. */
export function diffUser(before: EditableUser, after: EditableUser): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of SCALAR_FIELDS) {
    if (before[field] !== after[field]) changes.push({ field, before: before[field], after: after[field] });
  }
  const was = new Set(before.collectionIds);
  const now = new Set(after.collectionIds);
  const added = [...now].filter((id) => !was.has(id)).sort((a, b) => a - b);
  const removed = [...was].filter((id) => !now.has(id)).sort((a, b) => a - b);
  if (added.length > 0 || removed.length > 0) changes.push({ field: 'collectionIds', added, removed });
  return changes;
}

/** Display names by key (a key missing from its map is shown as itself). */
export interface DiffNames {
  sites: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, string>;
  billingUnits: ReadonlyMap<string, string>;
  profiles: ReadonlyMap<string, string>;
  clusters: ReadonlyMap<string, string>;
  collections: ReadonlyMap<number, string>;
  /** How the request's new extension reads, e.g. "new extension 1500"; default "new extension". */
  newExtension?: string;
}

export interface ChangeLine {
  label: string;
  /** "Austin → Denver", or for collections "+Billing queue, −Sales queue". */
  value: string;
  /** The value alone as it is after the change ("Denver"); for collections the same as `value`. */
  after: string;
}

export const FIELD_LABELS: Readonly<Record<ScalarField | 'collectionIds', string>> = {
  firstName: 'First Name',
  lastName: 'Last Name',
  phone: 'Phone Number',
  email: 'Email',
  description: 'Description',
  siteKey: 'Site',
  departmentKey: 'Department',
  billingUnitKey: 'Billing Unit',
  profileKey: 'Profile',
  clusterKey: 'Clusters',
  userType: 'User Type',
  extensionNumber: 'Primary Phone (Extension)',
  voicemailAccess: 'Voicemail Access',
  recordingAccess: 'Recording Access',
  notes: 'Notes',
  collectionIds: 'Collections',
};

/** The issue's own words: "User Type: agent → supervisor". */
export const USER_TYPE_WORDS: Readonly<Record<UserType, string>> = { agent: 'agent', supervisor: 'supervisor', admin: 'admin', non_agent: 'non-agent' };

const NONE = '—';
/** At most this many collections are named in one line; the rest are counted. */
export const COLLECTIONS_NAMED_MAX = 10;
/** And the named ones stay within this many characters (an approval field holds 300). */
const COLLECTIONS_TEXT_MAX = 240;

/** How each change reads, in order. */
export function changeLines(changes: readonly FieldChange[], names: DiffNames): ChangeLine[] {
  return changes.map((c) => {
    if (c.field === 'collectionIds') {
      const value = collectionsText(c.added, c.removed, names.collections);
      return { label: FIELD_LABELS.collectionIds, value, after: value };
    }
    const before = valueText(c.field, c.before, names);
    const after = valueText(c.field, c.after, names);
    return { label: FIELD_LABELS[c.field], value: `${before} → ${after}`, after };
  });
}

/** "Site: Austin → Denver". */
export function changeLineText(line: ChangeLine): string {
  return `${line.label}: ${line.value}`;
}

/** The first `max` items and how many were left out; `andMore` words the count. */
export function clipList<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  if (items.length <= max) return { shown: [...items], more: 0 };
  return { shown: items.slice(0, Math.max(0, max)), more: items.length - Math.max(0, max) };
}

export function andMore(n: number): string {
  return `and ${n} more`;
}

/**
 * Why an approved edit is no longer applied: what differs between the look the request was made
 * against and the user now, e.g. "Site is now Denver; Collections: +Billing queue". At most `max`
 * changes are named, the rest counted.
 */
export function changedMeanwhileText(before: EditableUser, now: EditableUser, names: DiffNames, max = 3): string | null {
  const lines = changeLines(diffUser(before, now), names);
  if (lines.length === 0) return null;
  const { shown, more } = clipList(lines, max);
  const parts = shown.map((l) => (l.label === FIELD_LABELS.collectionIds ? `${l.label}: ${l.value}` : `${l.label} is now ${cut(l.after, REASON_VALUE_MAX)}`));
  return more > 0 ? `${parts.join('; ')}; ${andMore(more)}` : parts.join('; ');
}

/** A value named in a reason stays short: notes can run to 2000 characters. */
const REASON_VALUE_MAX = 80;

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function valueText(field: ScalarField, value: Scalar, names: DiffNames): string {
  if (value === null || value === '') return NONE;
  switch (field) {
    case 'siteKey':
      return nameOf(names.sites, value);
    case 'departmentKey':
      return nameOf(names.departments, value);
    case 'billingUnitKey':
      return nameOf(names.billingUnits, value);
    case 'profileKey':
      return nameOf(names.profiles, value);
    case 'clusterKey':
      return nameOf(names.clusters, value);
    case 'userType':
      return typeof value === 'string' && Object.hasOwn(USER_TYPE_WORDS, value) ? USER_TYPE_WORDS[value as UserType] : String(value);
    case 'extensionNumber':
      return value === NEW_EXTENSION ? (names.newExtension ?? 'new extension') : String(value);
    case 'voicemailAccess':
    case 'recordingAccess':
      return value === true ? 'Yes' : 'No';
    default:
      return String(value);
  }
}

function nameOf(map: ReadonlyMap<string, string>, key: Scalar): string {
  const k = String(key);
  return map.get(k) ?? k;
}

/** "+A, +B, −C", at most COLLECTIONS_NAMED_MAX names and COLLECTIONS_TEXT_MAX characters, then "and N more". */
function collectionsText(added: readonly number[], removed: readonly number[], names: ReadonlyMap<number, string>): string {
  const items = [...added.map((id) => `+${names.get(id) ?? `collection ${id}`}`), ...removed.map((id) => `−${names.get(id) ?? `collection ${id}`}`)];
  const kept: string[] = [];
  let length = 0;
  for (const item of items) {
    if (kept.length >= COLLECTIONS_NAMED_MAX || length + item.length + 2 > COLLECTIONS_TEXT_MAX) break;
    kept.push(item);
    length += item.length + 2;
  }
  // One over-long name alone still shows, cut: the line is never only "and N more". The budget above
  // counts a separator after every item, so a first name of 239 or 240 characters lands here uncut.
  const first = items[0];
  if (kept.length === 0 && first !== undefined) kept.push(first.length <= COLLECTIONS_TEXT_MAX ? first : `${first.slice(0, COLLECTIONS_TEXT_MAX - 1)}…`);
  const more = items.length - kept.length;
  return more > 0 ? `${kept.join(', ')} ${andMore(more)}` : kept.join(', ');
}
