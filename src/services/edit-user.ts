import { z } from 'zod';
import { emailInUseMessage } from '../domain/email.js';
import { InvalidInput, isInvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { parseExtensionNumber, typedExtensionNumber } from '../domain/extension-number.js';
import type { RequestKind } from '../domain/request-state.js';
import { diffUser, NEW_EXTENSION, type DiffNames, type EditableUser } from '../domain/user-diff.js';
import { isAgentType } from '../domain/user-types.js';
import { recordAudit } from '../db/repositories/audit.js';
import { findExtensionByNumber, findExtensionOfUser } from '../db/repositories/extensions.js';
import type { Choice, ReferenceChoices } from '../db/repositories/reference-data.js';
import { cachedReferenceChoices } from '../db/repositories/reference-data-cache.js';
import { findOpenChangeForUser, insertRequest } from '../db/repositories/requests.js';
import { activeCollectionIdsOfUser, findUserByEmail, findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { databaseErrorFacts, violatedUniqueConstraint } from '../db/errors.js';
import type { Actor, ServiceDeps } from './context.js';
import { prepareExtension } from './create-extension.js';
import { editRequestPayload, type EditRequestPayload } from './edit-payload.js';
import { userFormData } from './form-data.js';
import { referenceNames } from './form-data.js';
import { parseInput } from './input.js';
import { resolveReferences } from './reference-checks.js';
import { RequestNotStored, type SubmittedRequest } from './submit-request.js';
import { userInfoSchema, validatePerson } from './user-fields.js';

/**
 * Edit User: a requester asks to change an existing user (a move, a new type, other collections). The
 * form is the User Info and Collections steps of creation, prefilled from the user as they are now; the
 * username is shown, never changed. The submission is checked as creation checks (the same rules and
 * reference checks; a taken email or extension is one held by somebody else) and stored with the
 * version of the user it was made against. See edit-execution.ts for the approval.
 */

/** How each kind of open change reads in a refusal. */
const OPEN_CHANGE_WORDS: Partial<Record<RequestKind, string>> = {
  edit_user: 'an edit',
  deactivate_user: 'an offboarding',
  reactivate_user: 'a reactivation',
};

/** The user as the Edit form can change them, read now: their active collections and extension too. */
export async function editableLookOf(db: Db, user: UserRow): Promise<EditableUser> {
  const [collectionIds, extension] = await Promise.all([activeCollectionIdsOfUser(db, user.id), findExtensionOfUser(db, user.id)]);
  return {
    firstName: user.firstName,
    lastName: user.lastName,
    phone: user.phone,
    email: user.email,
    description: user.description,
    siteKey: user.siteKey,
    departmentKey: user.departmentKey,
    billingUnitKey: user.billingUnitKey,
    profileKey: user.profileKey,
    clusterKey: user.clusterKey,
    userType: user.userType,
    extensionNumber: extension?.number ?? null,
    voicemailAccess: user.voicemailAccess,
    recordingAccess: user.recordingAccess,
    notes: user.notes,
    collectionIds,
  };
}

/**
 * The user an edit is for, refused with a clear message when there is none, they are deactivated, or a
 * change of theirs already waits (one open change per user at a time).
 */
export async function editTarget(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<{ user: UserRow; look: EditableUser }> {
  // Postgres text cannot hold NUL (it refuses it as a parameter), so no stored user has such a name.
  const user = username.includes('\u0000') ? undefined : await findUserByUsername(deps.db, username);
  if (!user) return reject('username', 'not_found', `There is no user ${username} to edit`);
  if (user.status !== 'active') reject('username', 'already_deactivated', `${user.username} is deactivated, so there is nothing to edit`);
  const open = await findOpenChangeForUser(deps.db, user.id);
  if (open) throw new InvalidInput([openChangeIssue(user.username, open.kind)]);
  return { user, look: await editableLookOf(deps.db, user) };
}

function openChangeIssue(username: string, kind: RequestKind | undefined): FieldIssue {
  const what = (kind && OPEN_CHANGE_WORDS[kind]) ?? 'a change';
  return issue('username', 'not_allowed', `${username} already has ${what} waiting for approval: one change per user at a time. Wait for it to be decided.`);
}

/**
 * What the Edit form opens with: the user as they are now, and what the form offers: the active
 * choices, and, first in its list, the user's own site, department, billing unit or profile where a
 * reload has retired it (`retired`), so the form shows it and keeps it. Throws InvalidInput, ReferenceDataMissing.
 */
export async function editFormData(deps: ServiceDeps, actor: Actor, username: string) {
  const { user, look } = await editTarget(deps, username);
  const { choices, showClusters } = await userFormData(deps, actor);
  return { user: { id: user.id, username: user.username, version: user.version, agentId: user.agentId }, look, choices: keepingRetired(choices, look), showClusters };
}

type UserReferenceField = 'siteKey' | 'departmentKey' | 'billingUnitKey' | 'profileKey';
type UserReferenceLists = Pick<ReferenceChoices, 'sites' | 'departments' | 'billingUnits' | 'profiles' | 'retiredNames'>;
const LIST_OF: Readonly<Record<UserReferenceField, keyof ReferenceChoices['retiredNames']>> = { siteKey: 'sites', departmentKey: 'departments', billingUnitKey: 'billingUnits', profileKey: 'profiles' };

/** The user's reference keys that the active lists no longer hold (a reload retired them). */
function retiredOf(choices: UserReferenceLists, look: EditableUser): Partial<Record<UserReferenceField, string>> {
  const retired: Partial<Record<UserReferenceField, string>> = {};
  for (const field of Object.keys(LIST_OF) as UserReferenceField[]) {
    const key = look[field];
    const list: readonly Choice[] = choices[LIST_OF[field]];
    if (key !== null && !list.some((c) => c.key === key)) retired[field] = key;
  }
  return retired;
}

/**
 * The lists with the user's own retired values put back, first and marked `retired` (named as the
 * retired row is, else by their key). Only for this user's edit: their value may stay as it is, as a
 * cluster may (below), but no form or check of anyone else's offers or accepts it, and choosing
 * another value leaves it behind for good.
 */
export function keepingRetired<C extends UserReferenceLists>(choices: C, look: EditableUser): C {
  const retired = retiredOf(choices, look);
  const put = (field: UserReferenceField): Choice[] => {
    const key = retired[field];
    const name = choices.retiredNames[LIST_OF[field]].find((c) => c.key === key)?.name;
    return key === undefined ? [] : [{ key, name: name ?? key, retired: true }];
  };
  return {
    ...choices,
    sites: [...put('siteKey'), ...choices.sites],
    departments: [...put('departmentKey'), ...choices.departments],
    billingUnits: [...put('billingUnitKey'), ...choices.billingUnits],
    profiles: [...put('profileKey').map((c) => ({ ...c, isDefault: false })), ...choices.profiles],
  };
}

const editRequestInput = z.object({
  username: z.string().min(1).max(100),
  /** The user's version the form was opened at: a user changed since is not overwritten unseen. */
  version: z.number().int().min(1),
  /** The User Info fields; `clusterKey` undefined means "not on the form": keep the user's. */
  input: z.unknown(),
  newExtension: z.unknown().optional(),
});

/**
 * Checks an edit and stores it as pending, with the user's version and look. Every problem is reported
 * at once, as for creation; a submission that changes nothing is refused ("nothing changed"), so is one
 * for a user changed since the form was opened, or who already has a change waiting. Nothing is stored
 * from a refused edit.
 */
export async function submitEditRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<EditRequestPayload>> {
  const payload = await checkEditRequest(deps, actor, raw);
  try {
    const row = await deps.db.transaction(async (tx) => {
      const created = await insertRequest(tx, { kind: 'edit_user', payload, requesterId: actor.id, createdAt: deps.now(), targetUserId: payload.userId });
      await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind: 'edit_user', userId: payload.userId } });
      return created;
    });
    return { id: row.id, kind: 'edit_user', payload };
  } catch (err) {
    // A twin submission won the race: the database keeps one open change per user (and, as the payload
    // names the user, one open request per username).
    const violated = violatedUniqueConstraint(err);
    if (violated === 'requests_open_change_per_user' || violated === 'requests_open_username') {
      const open = await findOpenChangeForUser(deps.db, payload.userId);
      throw new InvalidInput([openChangeIssue(payload.username, open?.kind)]);
    }
    const database = databaseErrorFacts(err);
    throw database ? new RequestNotStored(database) : err;
  }
}

/** Every check of an edit, without storing it: the payload it would store. */
export async function checkEditRequest(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<EditRequestPayload> {
  const request = parseInput(editRequestInput, raw);
  const { user, look: before } = await editTarget(deps, request.username);
  if (user.version !== request.version) {
    reject('username', 'invalid_transition', `${user.username} was changed since you opened this form. Nothing was stored: close it and open the edit again to see them as they are now.`);
  }
  // The username is the user's own, never the form's.
  const base = parseInput(userInfoSchema, { ...(request.input as object), username: user.username, password: null });
  const { person, issues } = validatePerson(base, deps.settings.phoneDefaultCountry);
  const choices = await cachedReferenceChoices(deps.db);
  const clusterKey = base.clusterKey === undefined ? before.clusterKey : base.clusterKey;
  const references = resolveEditReferences(choices, { ...base, clusterKey, collectionIds: base.collectionIds ?? [...before.collectionIds] }, before, actor);
  issues.push(...references.issues);

  const email = person?.email ?? null;
  const sameEmail = email ? await findUserByEmail(deps.db, email) : undefined;
  if (email && sameEmail && sameEmail.id !== user.id) issues.push(issue('email', 'email_in_use', emailInUseMessage(email)));

  const userType = person?.userType ?? base.userType;
  const extension = await checkExtensionChoice(deps, user, before, { userType, extensionNumber: base.extensionNumber, newExtension: request.newExtension });
  issues.push(...extension.issues);
  if (issues.length > 0) throw new InvalidInput(issues);
  if (!person || !references.resolved) throw new Error('validation passed without a result');

  const { resolved } = references;
  const after: EditRequestPayload['after'] = {
    firstName: person.firstName,
    lastName: person.lastName,
    phone: person.phoneE164,
    email: person.email,
    description: person.description,
    siteKey: resolved.siteKey,
    departmentKey: resolved.departmentKey,
    billingUnitKey: resolved.billingUnitKey,
    profileKey: resolved.profileKey,
    clusterKey: resolved.clusterKey,
    userType: person.userType,
    extensionNumber: extension.after,
    voicemailAccess: base.voicemailAccess,
    recordingAccess: base.recordingAccess,
    notes: person.notes,
    collectionIds: resolved.collectionIds,
  };
  if (diffUser(before, after).length === 0) reject('changes', 'invalid_format', `Nothing changed: this is how ${user.username} is now. Change a field, or Cancel.`);
  return editRequestPayload.parse({
    userId: user.id,
    username: user.username,
    version: user.version,
    agentId: user.agentId,
    before,
    after,
    ...(extension.newExtension ? { newExtension: extension.newExtension } : {}),
  });
}

/**
 * The reference checks of creation. A cluster the user already has is kept without asking whether this
 * requester may choose one: only a change of cluster is a portal admin's. Likewise a site, department,
 * billing unit or profile the user already has is accepted though a reload retired it: left as it is,
 * it stays; no other retired value is accepted.
 */
export function resolveEditReferences(choices: ReferenceChoices, selection: Parameters<typeof resolveReferences>[1], before: EditableUser, actor: Actor) {
  const keepsCluster = (selection.clusterKey ?? null) === before.clusterKey;
  const result = resolveReferences(keepingRetired(choices, before), { ...selection, clusterKey: keepsCluster ? null : selection.clusterKey }, actor);
  if (!keepsCluster || !result.resolved) return result;
  return { ...result, resolved: { ...result.resolved, clusterKey: before.clusterKey } };
}

/**
 * The primary phone after the edit. An agent-kind user needs one: the one they hold, a free one, or a
 * new one set up in the same form; a non-agent may keep or choose one, and an agent who becomes a
 * non-agent gives theirs up (it is freed on approval). Issues as creation words them.
 */
async function checkExtensionChoice(
  deps: ServiceDeps,
  user: UserRow,
  before: EditableUser,
  choice: { userType: UserRow['userType']; extensionNumber: string | number | null | undefined; newExtension: unknown },
): Promise<{ issues: FieldIssue[]; after: EditRequestPayload['after']['extensionNumber']; newExtension?: EditRequestPayload['newExtension'] }> {
  const issues: FieldIssue[] = [];
  const agent = isAgentType(choice.userType);
  const typed = typedExtensionNumber(choice.extensionNumber);
  if (choice.newExtension !== undefined) {
    if (!agent) issues.push(issue('extensionNumber', 'invalid_format', 'Only agents get a new extension with their request'));
    if (typed !== '') issues.push(issue('extensionNumber', 'invalid_format', 'Choose an existing extension or set up a new one, not both'));
    try {
      const prepared = await prepareExtension(deps, choice.newExtension, { allowNextFree: true });
      return { issues, after: NEW_EXTENSION, newExtension: prepared.input };
    } catch (err) {
      if (!isInvalidInput(err)) throw err;
      issues.push(...err.issues.map((i) => ({ ...i, field: `newExtension.${i.field}` })));
      return { issues, after: null };
    }
  }
  // An agent who becomes a non-agent frees the extension, whatever the select still shows.
  if (!agent && isAgentType(before.userType)) return { issues, after: null };
  if (typed === '') {
    if (agent) issues.push(issue('extensionNumber', 'extension_required', 'An agent needs an extension: choose a free one, or New extension and set it up below'));
    return { issues, after: null };
  }
  const parsed = parseExtensionNumber(typed, []);
  if (!parsed.ok) return { issues: [...issues, parsed.issue], after: null };
  if (parsed.number === before.extensionNumber) return { issues, after: parsed.number };
  const extension = await findExtensionByNumber(deps.db, parsed.number);
  if (!extension) issues.push(issue('extensionNumber', 'not_found', `Extension ${typed} does not exist: create it first`));
  else if (extension.assignedUserId !== null && extension.assignedUserId !== user.id) {
    issues.push(issue('extensionNumber', 'extension_assigned', `Extension ${extension.number} is already assigned to another user`));
  }
  return { issues, after: parsed.number };
}

/** Names for rendering an edit's changes, from the reference data as it is now. */
export async function editNames(db: Db, newExtension?: string): Promise<DiffNames> {
  const { sites, departments, billingUnits, profiles, clusters, collections } = await referenceNames({ db });
  return { sites, departments, billingUnits, profiles, clusters, collections, ...(newExtension ? { newExtension } : {}) };
}
