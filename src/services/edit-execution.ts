import { generateDeviceSecret } from '../domain/device-secret.js';
import { emailInUseMessage } from '../domain/email.js';
import { InvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { typedExtensionNumber } from '../domain/extension-number.js';
import { changedMeanwhileText, changeLines, changeLineText, clipList, diffUser, NEW_EXTENSION, type DiffNames, type FieldChange } from '../domain/user-diff.js';
import { isAgentType } from '../domain/user-types.js';
import { recordAudit } from '../db/repositories/audit.js';
import { assignExtensionIfFree, findExtensionByNumber, findExtensionOfUser, releaseExtensionOfUser, type ExtensionRow } from '../db/repositories/extensions.js';
import type { NewNotification } from '../db/repositories/notifications.js';
import { listReferenceChoices } from '../db/repositories/reference-data.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { addUserCollections, findUserByEmail, findUserById, nextAgentIdSql, removeUserCollections, updateUserAtVersion, type UserRow } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { requesterOutcomeNotice, type AppliedEdit, type RequesterNoticeFacts } from '../notifications/requester-notices.js';
import { clipText } from '../text/clip.js';
import type { Actor, ServiceDeps } from './context.js';
import { prepareExtension, writeExtension, type PreparedExtension } from './create-extension.js';
import { editRequestPayload, type EditRequestPayload } from './edit-payload.js';
import { editableLookOf, editNames, resolveEditReferences } from './edit-user.js';
import { parseInput, throwIfAny } from './input.js';
import { requestSubject } from './request-notices.js';

/**
 * Carrying out an approved edit, in request-execution's two halves. `planEdit` checks before any
 * transaction that the user still looks as they did when the request was made (active, same version)
 * and that the wanted look is still possible (reference data, email, extension); `executeEdit` writes
 * inside the approval's transaction with `UPDATE … WHERE version = $v AND status = 'active'`, so an edit
 * made against an older look — or of a user deactivated meanwhile — writes nothing and fails with a
 * reason naming what changed. No lock is held while a human decides.
 */
export interface EditPlan {
  kind: 'edit';
  payload: EditRequestPayload;
  changes: FieldChange[];
  names: DiffNames;
  /** The existing extension the user moves to, when the edit names one they do not hold. */
  assign?: ExtensionRow;
  /** The extension the request sets up (same shape as request-execution's, so a drawn number is drawn again when taken). */
  newExtension?: { prepared: PreparedExtension & { number: number }; drawn: boolean };
}

/** Lines of the diff shown in the requester's DM; the rest are counted. */
const NOTICE_LINES_MAX = 10;
/** Characters of one line (a note can run to 2000). */
const NOTICE_LINE_MAX = 300;

export async function planEdit(deps: ServiceDeps, request: RequestRow): Promise<EditPlan> {
  const payload = parseInput(editRequestPayload, request.payload);
  const { before, after } = payload;
  const names = await editNames(deps.db);
  const user = await findUserById(deps.db, payload.userId);
  if (!user) return reject('username', 'not_found', `There is no user ${payload.username} any more`);
  if (user.status !== 'active' || user.version !== payload.version) throw await changedMeanwhile(deps.db, user, payload, names);

  // The wanted look is checked again against today's directory, as a creation's approval does.
  const issues: FieldIssue[] = [];
  const choices = await listReferenceChoices(deps.db);
  const checker: Actor = { id: request.requesterId, portalAdmin: true };
  issues.push(...resolveEditReferences(choices, after, before, checker).issues);
  if (after.email !== null && after.email !== before.email) {
    const holder = await findUserByEmail(deps.db, after.email);
    if (holder && holder.id !== user.id) issues.push(issue('email', 'email_in_use', emailInUseMessage(after.email)));
  }
  let assign: ExtensionRow | undefined;
  if (typeof after.extensionNumber === 'number' && after.extensionNumber !== before.extensionNumber) {
    assign = await findExtensionByNumber(deps.db, after.extensionNumber);
    if (!assign) issues.push(issue('extensionNumber', 'not_found', `Extension ${after.extensionNumber} no longer exists`));
    else if (assign.assignedUserId !== null && assign.assignedUserId !== user.id) issues.push(extensionAssignedIssue(assign.number));
  }
  let newExtension: EditPlan['newExtension'];
  if (after.extensionNumber === NEW_EXTENSION) {
    if (!payload.newExtension) reject('newExtension', 'required', 'The request does not say which extension to set up');
    const prepared = await prepareExtension(deps, payload.newExtension, { allowNextFree: false });
    if (prepared.number === null) throw new Error('validation passed without a number');
    newExtension = { prepared: { ...prepared, number: prepared.number }, drawn: typedExtensionNumber(prepared.input.extensionNumber) === '' };
  }
  throwIfAny(issues);
  const withNew = newExtension ? { ...names, newExtension: `new extension ${newExtension.prepared.number}` } : names;
  return { kind: 'edit', payload, changes: diffUser(before, after), names: withNew, ...(assign ? { assign } : {}), ...(newExtension ? { newExtension } : {}) };
}

/** The edit's writes and the requester's notice, inside the approval's transaction. */
export async function executeEdit(tx: Db, actor: Actor, request: RequestRow, plan: EditPlan, context: { now: Date }) {
  const { payload, changes } = plan;
  const { before, after, userId } = payload;
  const becomesAgent = !isAgentType(before.userType) && isAgentType(after.userType);
  const leavesAgents = isAgentType(before.userType) && !isAgentType(after.userType);
  const user = await updateUserAtVersion(tx, userId, payload.version, {
    firstName: after.firstName,
    lastName: after.lastName,
    phone: after.phone,
    email: after.email,
    description: after.description,
    siteKey: after.siteKey,
    departmentKey: after.departmentKey,
    billingUnitKey: after.billingUnitKey,
    profileKey: after.profileKey,
    clusterKey: after.clusterKey,
    userType: after.userType,
    // A new agent draws an agent ID; an agent who leaves gives theirs up (the audit row keeps it).
    ...(becomesAgent ? { agentId: nextAgentIdSql } : leavesAgents ? { agentId: null } : {}),
    voicemailAccess: after.voicemailAccess,
    recordingAccess: after.recordingAccess,
    notes: after.notes,
  });
  if (!user) {
    const now = await findUserById(tx, userId);
    throw now ? await changedMeanwhile(tx, now, payload, plan.names) : new InvalidInput([issue('username', 'not_found', `There is no user ${payload.username} any more`)]);
  }

  let extension: ExtensionRow | undefined;
  if (after.extensionNumber !== before.extensionNumber) {
    // One extension per user: the old one is freed before another is assigned, with a new device
    // secret, so the phone set up for this user cannot register on it once someone else holds it.
    if (before.extensionNumber !== null) await releaseExtensionOfUser(tx, userId, generateDeviceSecret());
    const target = plan.newExtension ? await writeExtension(tx, actor, plan.newExtension.prepared, context.now) : plan.assign;
    if (target) {
      if (!(await assignExtensionIfFree(tx, target.id, userId))) throw new InvalidInput([extensionAssignedIssue(target.number)]);
      extension = { ...target, assignedUserId: userId };
    }
  }
  const collections = changes.find((c) => c.field === 'collectionIds');
  if (collections?.field === 'collectionIds') {
    await removeUserCollections(tx, userId, collections.removed);
    await addUserCollections(tx, userId, collections.added);
  }

  await recordAudit(tx, {
    actor: actor.id,
    action: 'user.edited',
    entityType: 'user',
    entityId: userId,
    details: {
      requestId: request.id,
      requestedBy: request.requesterId,
      username: user.username,
      version: user.version,
      changes: changes.map((c) => (c.field === 'collectionIds' ? c : { field: c.field, before: c.before, after: c.field === 'extensionNumber' && c.after === NEW_EXTENSION ? (extension?.number ?? null) : c.after })),
      ...(leavesAgents ? { previousAgentId: payload.agentId } : {}),
      ...(becomesAgent ? { agentId: user.agentId } : {}),
    },
  });
  const notifications: NewNotification[] = [
    requesterOutcomeNotice(completedEditFacts(request, actor.id, plan, user)),
  ];
  return extension ? { user, extension, notifications } : { user, notifications };
}

/**
 * Why the edit is no longer applied: the user was deactivated, or what differs between the look the
 * request was made against and the user now ("The user changed since this request was made: Site is
 * now Denver").
 */
async function changedMeanwhile(db: Db, user: UserRow, payload: EditRequestPayload, names: DiffNames): Promise<InvalidInput> {
  if (user.status !== 'active') return new InvalidInput([issue('username', 'already_deactivated', `${user.username} was deactivated since this request was made`)]);
  const what = changedMeanwhileText(payload.before, await editableLookOf(db, user), names);
  const message = what
    ? `The user changed since this request was made: ${what}. Nothing was changed; make a new edit from how ${user.username} is now`
    : `${user.username} was changed by another request since this one was made. Nothing was changed; make a new edit from how they are now`;
  return new InvalidInput([issue('username', 'invalid_transition', message)]);
}

function extensionAssignedIssue(number: number): FieldIssue {
  return issue('extensionNumber', 'extension_assigned', `Extension ${number} is already assigned to another user`);
}

/** A concurrent change won between the checks and the writes: said as the checks would have said it. */
export function explainEditConflict(err: unknown, plan: EditPlan): unknown {
  switch (violatedUniqueConstraint(err)) {
    case 'users_email_ci':
      return new InvalidInput([issue('email', 'email_in_use', emailInUseMessage(plan.payload.after.email ?? ''))]);
    case 'extensions_assigned_user':
      return new InvalidInput([issue('extensionNumber', 'extension_assigned', 'The extension was assigned to another user meanwhile')]);
    default:
      return err;
  }
}

/** The requester's notice of an applied edit: its change lines, clipped; notifications/ words it. */
function completedEditFacts(request: RequestRow, approverId: string, plan: EditPlan, user: UserRow): RequesterNoticeFacts {
  const { shown, more } = clipList(changeLines(plan.changes, plan.names), NOTICE_LINES_MAX);
  const newAgentId = user.agentId !== null && !isAgentType(plan.payload.before.userType) ? user.agentId : null;
  const applied: AppliedEdit = { kind: 'edit', lines: shown.map((l) => clipText(changeLineText(l), NOTICE_LINE_MAX)), more, newAgentId };
  return { requestId: request.id, requesterId: request.requesterId, subject: requestSubject(request), outcome: 'completed', approverId, created: applied };
}

/** What the approval message says an applied edit did, e.g. "Changes applied to jdoe (agent ID 1003, extension 1500)". */
export async function editResultText(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<string | null> {
  if (request.state !== 'completed' || request.resultUserId === null) return null;
  const user = await findUserById(deps.db, request.resultUserId);
  if (!user) return null;
  const extension = await findExtensionOfUser(deps.db, user.id);
  const facts = [user.agentId === null ? null : `agent ID ${user.agentId}`, extension ? `extension ${extension.number}` : null].filter(Boolean);
  return `Changes applied to ${user.username}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}
