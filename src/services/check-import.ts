import { cloneDefaults } from '../domain/clone.js';
import { issue, type FieldIssue } from '../domain/errors.js';
import { emailInUseMessage } from '../domain/email.js';
import { DEVICE_TYPES, type DeviceType } from '../domain/extension.js';
import { parseExtensionNumber } from '../domain/extension-number.js';
import { isAgentType, USER_TYPES, type UserType } from '../domain/user-types.js';
import { suggestUsername, usernameBaseFromName, usernameTakenMessage } from '../domain/username.js';
import { rangesWithTakenNumbers } from '../db/repositories/extensions.js';
import { cloneSourcesByUsername, extensionsByNumbers, takenEmails, usernamesOfOpenRequests, usernamesStartingWithAny } from '../db/repositories/import-checks.js';
import type { ReferenceChoices } from '../db/repositories/reference-data.js';
import { referenceChoicesAt } from '../db/repositories/reference-data-cache.js';
import { mergeCloneDefaults } from './clone-user.js';
import type { Actor, ServiceDeps } from './context.js';
import { checkExtensionFields, createExtensionInput } from './create-extension.js';
import { AGENT_NEEDS_EXTENSION_ISSUE, extensionAssignedIssue, extensionMissingIssue, openRequestIssue } from './create-user.js';
import { isReferenceDataLoaded, ReferenceDataMissing } from './form-data.js';
import type { ImportCells, ImportColumn, ImportTable } from './import-file.js';
import type { ImportRowPayload } from './import-payload.js';
import { oneTimePasswordDeliveryIssue, type FindSlackMember } from './password-delivery.js';
import { resolveReferences } from './reference-checks.js';
import { userRequestPayload } from './request-payload.js';
import { ONLY_AGENTS_GET_NEW_EXTENSION_ISSUE } from './submit-request.js';
import { userInfoSchema, validatePerson, type UserInfoInput } from './user-fields.js';

/**
 * Every row of a new-hire file checked with the rules of the modal (validatePerson, resolveReferences,
 * the checks of prepareUser and of a new extension), reusing them rather than restating them, plus what
 * only a file can get wrong: two rows with one username, email or extension, and more `new` extensions
 * than the ranges have free numbers. The directory is read once for the whole file.
 */

export interface ImportProblem {
  row: number;
  column: ImportColumn | 'file';
  message: string;
}

export interface CheckedImport {
  /** Every data row of the file. */
  totalRows: number;
  /** The rows that passed, in file order, each shaped as the single request it stands for. */
  valid: ImportRowPayload[];
  /** Every problem, by row then in the order found. */
  problems: ImportProblem[];
  /** Rows with at least one problem. */
  invalidRows: number;
}

/** "row 14, phone: Phone Number can have at most 15 digits". */
export function describeProblem(p: ImportProblem): string {
  return p.column === 'file' ? `row ${p.row}: ${p.message}` : `row ${p.row}, ${p.column}: ${p.message}`;
}

/** Which column a use case's field stands for. */
const COLUMN_OF_FIELD: Readonly<Record<string, ImportColumn>> = {
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  email: 'email',
  description: 'description',
  siteKey: 'site',
  departmentKey: 'department',
  billingUnitKey: 'billing_unit',
  profileKey: 'profile',
  userType: 'user_type',
  sourceUsername: 'clone_from',
  collectionIds: 'collections',
  extensionNumber: 'extension',
  'newExtension.extensionNumber': 'extension',
  'newExtension.deviceName': 'extension',
  'newExtension.deviceType': 'device_type',
  'newExtension.callerIdKey': 'caller_id',
  'newExtension.e911LocationKey': 'e911_location',
};

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { yes: true, y: true, true: true, '1': true, x: true, no: false, n: false, false: false, '0': false };
const USER_TYPE_WORDS = new Map<string, UserType>(USER_TYPES.map((t) => [t.replace(/_/g, ''), t]));

/** A key or a name (any case) of a reference list; the typed text when neither matches, so resolveReferences reports it. */
function referenceKey(list: readonly { key: string; name: string }[], typed: string | undefined): string | undefined {
  if (typed === undefined) return undefined;
  const lower = typed.toLowerCase();
  return (list.find((c) => c.key === typed) ?? list.find((c) => c.key.toLowerCase() === lower) ?? list.find((c) => c.name.toLowerCase() === lower))?.key ?? typed;
}

interface RowDraft {
  row: number;
  /** The input as a request stores it (a clone's empty fields left empty). */
  storedInput: Record<string, unknown>;
  problems: ImportProblem[];
  kind: 'create_user' | 'clone_user';
  input: UserInfoInput & { sourceUsername?: string };
  /** Whether the username came from the file (else suggested from the name). */
  typedUsername: boolean;
  newExtension?: ReturnType<typeof createExtensionInput.parse>;
  email?: string | null;
}

export interface ImportPorts {
  findSlackMember?: FindSlackMember;
}

/** How many rows ask Slack about their email at once (PASSWORD_POLICY=random only). */
const SLACK_LOOKUPS_AT_ONCE = 8;

export async function checkImport(deps: ServiceDeps, actor: Actor, table: ImportTable, ports: ImportPorts = {}): Promise<CheckedImport> {
  const cells = table.rows;

  const sourceNames = cells.map((r) => r.cells.clone_from).filter((n): n is string => n !== undefined);
  const typedUsernames = cells.map((r) => r.cells.username?.trim()).filter((n): n is string => Boolean(n));
  const bases = cells.filter((r) => !r.cells.username).map((r) => usernameBaseFromName(r.cells.first_name ?? '', r.cells.last_name ?? ''));
  const emails = cells.map((r) => r.cells.email?.trim()).filter((e): e is string => Boolean(e));
  const numbers = cells.map((r) => r.cells.extension).filter((e): e is string => e !== undefined && /^\d+$/.test(e)).map(Number);
  // Candidates may cut the base to fit 20 characters, so look at a shorter common prefix (as usernameTakenIssue does).
  const [sources, directoryNames, takenMail, byNumber, { ranges, taken: takenInRanges, referenceVersion }] = await Promise.all([
    cloneSourcesByUsername(deps.db, sourceNames),
    usernamesStartingWithAny(deps.db, [...typedUsernames, ...bases].map((n) => n.slice(0, 15))),
    takenEmails(deps.db, emails),
    extensionsByNumbers(deps.db, numbers),
    // With the reference-data version, so the lists come from the cache (reference-data-cache.ts)
    // with no round trip of their own, as a single request's do.
    rangesWithTakenNumbers(deps.db),
  ]);
  const choices = await referenceChoicesAt(deps.db, referenceVersion);
  if (!isReferenceDataLoaded(choices)) throw new ReferenceDataMissing();

  const drafts = cells.map((r) => draftRow(choices, r.row, r.cells, sources));
  // Suggested usernames avoid the directory and every other row's name, typed or suggested before.
  const usedInFile = new Set(typedUsernames.map((n) => n.toLowerCase()));
  for (const draft of drafts) {
    if (draft.typedUsername) continue;
    const base = usernameBaseFromName(draft.input.firstName, draft.input.lastName);
    draft.input.username = suggestUsername(base, (c) => directoryNames.has(c) || usedInFile.has(c));
    usedInFile.add(draft.input.username.toLowerCase());
  }
  const openNames = await usernamesOfOpenRequests(deps.db, drafts.map((d) => d.input.username));

  const firstRowOf = { username: new Map<string, number>(), email: new Map<string, number>(), extension: new Map<number, number>() };
  let freeLeft = ranges.reduce((sum, r) => sum + (r.to - r.from + 1), 0) - takenInRanges.size;

  for (const draft of drafts) {
    const add = (issues: readonly FieldIssue[]) => {
      for (const i of issues) draft.problems.push({ row: draft.row, column: COLUMN_OF_FIELD[i.field] ?? 'file', message: i.message });
    };
    const has = (column: ImportColumn) => draft.problems.some((p) => p.column === column);
    const { person, issues } = validatePerson(draft.input, deps.settings.phoneDefaultCountry);
    add(issues);
    add(resolveReferences(choices, draft.input, actor).issues);

    const username = draft.input.username.trim();
    const key = username.toLowerCase();
    if (!has('username') && username !== '') {
      const earlier = firstRowOf.username.get(key);
      if (earlier !== undefined) add([issue('username', 'username_taken', `Username ${username} is also in row ${earlier}`)]);
      else if (directoryNames.has(key)) {
        const suggestion = suggestUsername(key, (c) => directoryNames.has(c) || usedInFile.has(c));
        add([issue('username', 'username_taken', usernameTakenMessage(username, suggestion), suggestion)]);
      } else if (openNames.has(key)) add([openRequestIssue(username)]);
      firstRowOf.username.set(key, firstRowOf.username.get(key) ?? draft.row);
    }
    const email = person?.email ?? null;
    if (email) {
      const earlier = firstRowOf.email.get(email.toLowerCase());
      if (earlier !== undefined) add([issue('email', 'email_in_use', `Email ${email} is also in row ${earlier}`)]);
      else if (takenMail.has(email.toLowerCase())) add([issue('email', 'email_in_use', emailInUseMessage(email))]);
      else firstRowOf.email.set(email.toLowerCase(), draft.row);
    }

    const agent = isAgentType(draft.input.userType);
    if (draft.newExtension) {
      if (!agent) add([ONLY_AGENTS_GET_NEW_EXTENSION_ISSUE]);
      add(checkExtensionFields(choices, draft.newExtension).issues.map((i) => ({ ...i, field: `newExtension.${i.field}` })));
      if (freeLeft <= 0) add([issue('extensionNumber', 'no_free_extension', 'Every extension number in the configured ranges is in use')]);
      freeLeft--;
    } else if (draft.input.extensionNumber !== undefined && draft.input.extensionNumber !== null && draft.input.extensionNumber !== '') {
      const typed = String(draft.input.extensionNumber);
      const parsed = parseExtensionNumber(typed, []);
      if (!parsed.ok) add([parsed.issue]);
      else {
        const found = byNumber.get(parsed.number);
        const earlier = firstRowOf.extension.get(parsed.number);
        if (!found) add([extensionMissingIssue(typed)]);
        else if (found.assigned) add([extensionAssignedIssue(found.number, found.holder ?? undefined)]);
        else if (earlier !== undefined) add([issue('extensionNumber', 'extension_assigned', `Extension ${parsed.number} is also in row ${earlier}`)]);
        else firstRowOf.extension.set(parsed.number, draft.row);
      }
    } else if (agent) add([AGENT_NEEDS_EXTENSION_ISSUE]);
    draft.email = email;
  }

  if (deps.settings.passwordPolicy === 'random') await checkDelivery(drafts, ports.findSlackMember);

  const valid: ImportRowPayload[] = [];
  const problems: ImportProblem[] = [];
  let invalidRows = 0;
  for (const draft of drafts) {
    if (draft.problems.length > 0) {
      invalidRows++;
      problems.push(...draft.problems);
      continue;
    }
    // The same shape checkUserRequest stores for one request: the input as given (a clone's empty
    // fields stay empty, so approval fills them from the source then), the username, no password.
    const { password: _none, ...withoutPassword } = draft.input;
    const stored = draft.kind === 'clone_user' ? draft.storedInput : withoutPassword;
    valid.push({
      row: draft.row,
      kind: draft.kind,
      payload: userRequestPayload.parse({ ...stored, username: draft.input.username.trim(), passwordHash: null, ...(draft.newExtension ? { newExtension: draft.newExtension } : {}) }),
    });
  }
  return { totalRows: drafts.length, valid, problems, invalidRows };
}

async function checkDelivery(drafts: RowDraft[], findSlackMember: FindSlackMember | undefined): Promise<void> {
  const pending = drafts.filter((d) => !d.problems.some((p) => p.column === 'email'));
  for (let i = 0; i < pending.length; i += SLACK_LOOKUPS_AT_ONCE) {
    await Promise.all(
      pending.slice(i, i + SLACK_LOOKUPS_AT_ONCE).map(async (d) => {
        const found = await oneTimePasswordDeliveryIssue('random', { email: d.input.email }, findSlackMember);
        if (found) d.problems.push({ row: d.row, column: 'email', message: found.message });
      }),
    );
  }
}

type Sources = Awaited<ReturnType<typeof cloneSourcesByUsername>>;

/** One row's cells as the use case's input (names and keys resolved to keys), and the problems only a file can have. */
function draftRow(choices: ReferenceChoices, row: number, cells: ImportCells, sources: Sources): RowDraft {
  const problems: ImportProblem[] = [];
  const flag = (column: ImportColumn, fallback = false): boolean => {
    const typed = cells[column];
    if (typed === undefined) return fallback;
    const value = BOOLEAN_WORDS[typed.toLowerCase()];
    if (value === undefined) {
      problems.push({ row, column, message: `Write yes or no, not "${typed.slice(0, 40)}"` });
      return fallback;
    }
    return value;
  };

  const source = cells.clone_from === undefined ? undefined : sources.get(cells.clone_from.toLowerCase());
  if (cells.clone_from !== undefined && !source) problems.push({ row, column: 'clone_from', message: `There is no user ${cells.clone_from.slice(0, 40)} to clone` });

  let userType: UserType = source?.userType ?? 'non_agent';
  if (cells.user_type !== undefined) {
    const found = USER_TYPE_WORDS.get(cells.user_type.toLowerCase().replace(/[^a-z]/g, ''));
    if (found) userType = found;
    else problems.push({ row, column: 'user_type', message: `User Type must be one of ${USER_TYPES.join(', ')}` });
  }

  let collectionIds: number[] | 'all' | undefined;
  if (cells.collections !== undefined) {
    const names = cells.collections.split(';').map((n) => n.trim()).filter((n) => n !== '');
    const ids: number[] = [];
    const unknown: string[] = [];
    for (const name of names) {
      const matches = choices.collections.filter((c) => c.name.toLowerCase() === name.toLowerCase());
      if (matches.length === 0) unknown.push(name);
      ids.push(...matches.map((c) => c.id));
    }
    if (unknown.length > 0) problems.push({ row, column: 'collections', message: `Unknown collection${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => u.slice(0, 60)).join(', ')}` });
    collectionIds = ids.length > 0 ? ids : undefined;
  }

  const voicemail = flag('voicemail');
  const recording = flag('recording');
  const typedExtension = cells.extension?.trim();
  const wantsNew = typedExtension?.toLowerCase() === 'new';
  const extensionOnly: ImportColumn[] = ['device_type', 'caller_id', 'e911_location', 'multi_line', 'monitoring'];
  let newExtension: RowDraft['newExtension'];
  if (wantsNew) {
    const deviceType = (cells.device_type?.toLowerCase() ?? 'softphone') as DeviceType;
    if (!DEVICE_TYPES.includes(deviceType)) problems.push({ row, column: 'device_type', message: `Device Type must be one of ${DEVICE_TYPES.join(', ')}` });
    newExtension = createExtensionInput.parse({
      extensionNumber: null,
      // The extension form asks for a device name; a file names the device after its user.
      deviceName: cells.username?.trim() || `${cells.first_name ?? ''} ${cells.last_name ?? ''}`.trim() || 'softphone',
      deviceType: DEVICE_TYPES.includes(deviceType) ? deviceType : 'softphone',
      callerIdKey: referenceKey(choices.callerIds, cells.caller_id) ?? null,
      e911LocationKey: referenceKey(choices.e911Locations, cells.e911_location) ?? null,
      multiLine: flag('multi_line'),
      callRecording: recording,
      monitoring: flag('monitoring'),
      voicemailAccess: voicemail,
    });
  } else {
    for (const column of extensionOnly) {
      if (cells[column] !== undefined) problems.push({ row, column, message: 'This applies only to a new extension: write new in the extension column' });
    }
  }

  const fromFile = {
    username: cells.username?.trim() ?? '',
    firstName: cells.first_name ?? '',
    lastName: cells.last_name ?? '',
    phone: cells.phone ?? '',
    email: cells.email ?? null,
    description: cells.description ?? null,
    userType,
    siteKey: referenceKey(choices.sites, cells.site),
    departmentKey: referenceKey(choices.departments, cells.department),
    billingUnitKey: referenceKey(choices.billingUnits, cells.billing_unit),
    profileKey: referenceKey(choices.profiles, cells.profile),
    extensionNumber: wantsNew ? null : (typedExtension ?? null),
    voicemailAccess: voicemail,
    recordingAccess: recording,
    collectionIds,
    ...(source ? { sourceUsername: source.username } : {}),
  };
  const storedInput = userInfoSchema.parse(fromFile) as UserInfoInput & { sourceUsername?: string };
  if (source) storedInput.sourceUsername = source.username;
  // What the rules see: a clone's empty fields filled from its source, as approval will (withCloneDefaults).
  const checked = source
    ? mergeCloneDefaults(storedInput, cloneDefaults({ siteKey: source.siteKey, departmentKey: source.departmentKey, billingUnitKey: source.billingUnitKey, profileKey: source.profileKey, collectionIds: source.collectionIds }))
    : { ...storedInput, collectionIds: storedInput.collectionIds ?? 'all' };
  return {
    row,
    problems,
    kind: source ? 'clone_user' : 'create_user',
    input: checked,
    storedInput: { ...storedInput },
    typedUsername: fromFile.username !== '',
    ...(newExtension ? { newExtension } : {}),
  };
}
