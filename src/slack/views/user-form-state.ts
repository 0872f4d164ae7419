import { z } from 'zod';
import type { DeviceType } from '../../domain/extension.js';
import type { NewExtensionDraft, UserFormState } from './model.js';

/**
 * The User Info modal's state in its private_metadata. Slack caps private_metadata at 3000 characters
 * and sends it back with every interaction, so it is packed small and checked on the way in like any
 * other input from the network: anything that is not exactly what `encodeUserFormState` writes is
 * refused with a plain Error (`invalid private_metadata`).
 *
 * Packed form: `{"m":"a","s":"jdoe","c":"all","x":["1234","Jane Doe desk","s","main","hq",5]}`
 * - `m`: mode, `u` user, `a` agent, `c` clone, `e` edit; `s`: the clone source's (or edited user's)
 *   username; `v`: for an edit, the user's version when the form was opened.
 * - `c`: `all`, or the selected collection IDs sorted ascending, comma-separated, each written in
 *   base 36 as the gap from the previous ID; `gap.n` stands for a run of n more consecutive IDs.
 *   IDs 1–24 are `1.n`, and 500 IDs spread over 1–100 000 take about 1 500 characters.
 * - `x`: the new extension draft: number as typed ('' = next free), device name, device type
 *   (`s` softphone, `w` webrtc), CallerID key, E911 location key ('' = none), and the four switches
 *   as bits (1 multi-line, 2 call recording, 4 monitoring, 8 voicemail access).
 *
 * Size: with the longest draft (a 64-character device name made of characters JSON must escape,
 * 40-character keys, a 20-character number) everything but the IDs takes under 700 characters,
 * leaving 2 300 for them. An ID costs its gap's base-36 digits plus a comma, so 500 IDs take at most
 * 2 000 characters whenever no gap exceeds 46 655 (three digits) — always true for IDs below 46 656 —
 * and far less for the usual runs of neighbouring IDs. `encodeUserFormState` throws rather than let
 * Slack refuse a longer one.
 */
export const PRIVATE_METADATA_MAX_LENGTH = 3000;
/** The use case takes at most 1000 collection IDs; a longer list can only be forged. */
const MAX_COLLECTION_IDS = 1000;
/** Collection IDs live in a 32-bit integer column. */
const MAX_COLLECTION_ID = 2_147_483_647;
const USERNAME_MAX = 20;
const DEVICE_NAME_MAX = 64;
const EXTENSION_NUMBER_MAX = 20;
const REFERENCE_KEY_MAX = 40;

const MODE_CODES = { user: 'u', agent: 'a', clone: 'c', edit: 'e' } as const;
const MODES_BY_CODE = { u: 'user', a: 'agent', c: 'clone', e: 'edit' } as const;
/** users.version is a 32-bit integer. */
const MAX_VERSION = 2_147_483_647;
const DEVICE_CODES = { softphone: 's', webrtc: 'w' } as const satisfies Record<DeviceType, string>;
const DEVICES_BY_CODE = { s: 'softphone', w: 'webrtc' } as const satisfies Record<string, DeviceType>;
const FLAG = { multiLine: 1, callRecording: 2, monitoring: 4, voicemailAccess: 8 } as const;

const codePoints = (s: string): number => [...s].length;

const idsText = z
  .string()
  .max(PRIVATE_METADATA_MAX_LENGTH)
  .transform((text, ctx) => {
    if (text === 'all') return 'all' as const;
    const ids = decodeIds(text);
    if (ids === null) {
      ctx.addIssue({ code: 'custom', message: 'bad collection IDs' });
      return z.NEVER;
    }
    return ids;
  });

/** A reference data key (see domain/reference-data.ts), or '' for none. */
const referenceKeyOrNone = z
  .string()
  .max(REFERENCE_KEY_MAX)
  .regex(/^(?:[a-z0-9][a-z0-9._-]*)?$/);

const draftTuple = z.tuple([
  z.string().max(EXTENSION_NUMBER_MAX),
  z
    .string()
    .max(DEVICE_NAME_MAX * 2)
    .refine((s) => codePoints(s) <= DEVICE_NAME_MAX),
  z.enum(['s', 'w']),
  referenceKeyOrNone,
  referenceKeyOrNone,
  z.number().int().min(0).max(15),
]);

const packedParent = {
  m: z.enum(['u', 'a', 'c', 'e']),
  s: z.string().min(1).max(USERNAME_MAX).optional(),
  v: z.number().int().min(1).max(MAX_VERSION).optional(),
  x: draftTuple.optional(),
};
const packedState = z.strictObject({ ...packedParent, c: idsText });
type PackedParent = { m: 'u' | 'a' | 'c' | 'e'; s?: string; v?: number; x?: z.input<typeof draftTuple> };
type PackedState = PackedParent & { c: string };

/** The User Info state as the modal's private_metadata; throws if it would not fit (see above). */
export function encodeUserFormState(state: UserFormState): string {
  const packed: PackedState = { ...packParent(state), c: state.collectionIds === 'all' ? 'all' : encodeIds(state.collectionIds) };
  const text = JSON.stringify(packed);
  if (text.length > PRIVATE_METADATA_MAX_LENGTH) {
    throw new Error(`User form state takes ${text.length} characters, more than private_metadata's ${PRIVATE_METADATA_MAX_LENGTH}`);
  }
  // What we write must read back: a state that would be refused on the way in is a bug here.
  decodeUserFormState(text);
  return text;
}

/** Reads a User Info modal's private_metadata; throws `invalid private_metadata` on anything forged or broken. */
export function decodeUserFormState(text: string): UserFormState {
  const parsed = packedState.safeParse(parseJson(text));
  if (!parsed.success) throw invalid();
  return { ...unpackParent(parsed.data), collectionIds: parsed.data.c };
}

/**
 * The User Info state without its collection choice, for the Collections step's private_metadata:
 * that step's own values replace the choice, and the User Info view is rebuilt from this on "Done".
 */
export type ParentFormState = Omit<UserFormState, 'collectionIds'>;

export function packParent(state: ParentFormState): PackedParent {
  const packed: PackedParent = { m: MODE_CODES[state.mode] };
  if (state.sourceUsername !== undefined) packed.s = state.sourceUsername;
  if (state.editVersion !== undefined) packed.v = state.editVersion;
  if (state.newExtension) packed.x = packDraft(state.newExtension);
  return packed;
}

/** The schema of what `packParent` writes, to nest in another view's metadata schema. */
export const packedParentSchema = z.strictObject(packedParent);

export function unpackParent(packed: z.output<typeof packedParentSchema>): ParentFormState {
  const state: ParentFormState = { mode: MODES_BY_CODE[packed.m] };
  if (packed.s !== undefined) state.sourceUsername = packed.s;
  if (packed.v !== undefined) state.editVersion = packed.v;
  if (packed.x) state.newExtension = unpackDraft(packed.x);
  return state;
}

function packDraft(d: NewExtensionDraft): z.input<typeof draftTuple> {
  const flags =
    (d.multiLine ? FLAG.multiLine : 0) |
    (d.callRecording ? FLAG.callRecording : 0) |
    (d.monitoring ? FLAG.monitoring : 0) |
    (d.voicemailAccess ? FLAG.voicemailAccess : 0);
  return [d.extensionNumber ?? '', d.deviceName, DEVICE_CODES[d.deviceType], d.callerIdKey ?? '', d.e911LocationKey ?? '', flags];
}

function unpackDraft([number, deviceName, type, callerIdKey, e911LocationKey, flags]: z.output<typeof draftTuple>): NewExtensionDraft {
  const draft: NewExtensionDraft = {
    deviceName,
    deviceType: DEVICES_BY_CODE[type],
    multiLine: (flags & FLAG.multiLine) !== 0,
    callRecording: (flags & FLAG.callRecording) !== 0,
    monitoring: (flags & FLAG.monitoring) !== 0,
    voicemailAccess: (flags & FLAG.voicemailAccess) !== 0,
  };
  if (number !== '') draft.extensionNumber = number;
  if (callerIdKey !== '') draft.callerIdKey = callerIdKey;
  if (e911LocationKey !== '') draft.e911LocationKey = e911LocationKey;
  return draft;
}

/**
 * Sorted, de-duplicated IDs as base-36 gaps, runs of consecutive IDs folded (`gap.n`). Why this
 * encoding: the modal's whole state must travel in private_metadata (3000 characters, sent back by
 * Slack with every interaction), and a requester may pick hundreds of collections. Writing each ID as
 * its distance from the previous one keeps the numbers small however large the IDs grow, base 36 packs
 * each gap into the fewest JSON-safe characters, and folding a run of neighbours into `gap.n` makes the
 * common "a block of IDs" choice cost one token instead of one per ID (`1,2,3,4,5` is `1.4`). Example:
 * [1, 2, 3, 10, 11, 40] → `1.2,7.1,t`. It is kept over a draft row in Postgres keyed by the view
 * because it needs no table, no expiry and nothing shared between instances; `decodeIds` is its exact
 * inverse and refuses any text this function would not write.
 */
export function encodeIds(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  for (const id of sorted) {
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_COLLECTION_ID) throw new Error(`collection ID ${id} cannot be encoded`);
  }
  const tokens: string[] = [];
  let previous = 0;
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as number;
    let last = first;
    while (sorted[i + 1] === last + 1) {
      last += 1;
      i += 1;
    }
    i += 1;
    const gap = (first - previous).toString(36);
    tokens.push(last > first ? `${gap}.${(last - first).toString(36)}` : gap);
    previous = last;
  }
  return tokens.join(',');
}

const TOKEN = /^([1-9a-z][0-9a-z]{0,6})(?:\.([1-9a-z][0-9a-z]{0,6}))?$/;

/** The inverse of `encodeIds`, or null for anything it would not have written (or too many IDs). */
export function decodeIds(text: string): number[] | null {
  if (text === '') return [];
  const ids: number[] = [];
  let previous = 0;
  for (const token of text.split(',')) {
    const match = TOKEN.exec(token);
    if (!match?.[1]) return null;
    const first = previous + parseInt(match[1], 36);
    const last = first + (match[2] ? parseInt(match[2], 36) : 0);
    if (last > MAX_COLLECTION_ID || ids.length + (last - first) + 1 > MAX_COLLECTION_IDS) return null;
    for (let id = first; id <= last; id++) ids.push(id);
    previous = last;
  }
  return ids;
}

export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.length > PRIVATE_METADATA_MAX_LENGTH) throw invalid();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid();
  }
}

export function invalid(): Error {
  return new Error('invalid private_metadata');
}

/** What a person is told when a view's private_metadata is not what the bot wrote (forged, or from an older bot). */
export const UNREADABLE_FORM_TEXT = 'This form could not be read. Nothing was saved: close it and start again with /provision.';

/** A decoder's result, or undefined when the metadata is forged or broken (the decoders throw on it). */
export function readMetadata<T>(decode: (text: string) => T, text: string): T | undefined {
  try {
    return decode(text);
  } catch {
    return undefined;
  }
}
