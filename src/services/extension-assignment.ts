import { z } from 'zod';
import { generateDeviceSecret } from '../domain/device-secret.js';
import { InvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { holderChangedText, recipientIssue, unassignIssue, type AssignmentRecipient } from '../domain/extension-assignment.js';
import { validateOptionalText } from '../domain/person.js';
import { recordAudit } from '../db/repositories/audit.js';
import { assignFreeExtension, findExtensionById, findExtensionByNumber, findExtensionOfUser, freeExtensionHeldBy, type ExtensionRow } from '../db/repositories/extensions.js';
import { findOpenChangeForExtension, insertRequest, type RequestRow } from '../db/repositories/requests.js';
import { bumpUserVersion, findUserById, findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import { extensionAssignmentNotices } from '../notifications/extension-notices.js';
import type { RequestSubject } from '../notifications/requester-notices.js';
import type { Actor, ServiceDeps } from './context.js';
import {
  reassignExtensionPayload,
  unassignExtensionPayload,
  type AssignmentPerson,
  type ExtensionAssignmentKind,
  type ExtensionAssignmentPayload,
} from './extension-assignment-payload.js';
import { parseInput } from './input.js';
import { CHANGE_REASON_MAX_LENGTH } from './lifecycle-payload.js';
import type { ExecutionResult } from './request-execution.js';
import type { SubmittedRequest } from './submit-request.js';

/**
 * Extension management (issue 10, item 3): an extension moves from its holder (or from nobody) to
 * another agent, or is taken from its holder, once an approver agrees. Checked when asked and again when
 * carried out; carried out in one transaction: the holder's row freed (guarded by who holds it), then
 * the recipient's assigned (guarded by it being free), with a new device secret from the CSPRNG so the
 * phone set up before cannot register; each user's version bumped, so an edit made before fails.
 */

/** The extension, its holder and the recipient, as the confirmation modal shows them (never the secret). */
export interface AssignmentView {
  extension: { id: number; number: number; deviceName: string; deviceType: ExtensionRow['deviceType'] };
  holder: AssignmentPerson | null;
  recipient?: AssignmentPerson;
}

function personOf(user: UserRow): AssignmentPerson {
  return { userId: user.id, username: user.username, firstName: user.firstName, lastName: user.lastName, version: user.version };
}

async function extensionByNumber(deps: Pick<ServiceDeps, 'db'>, number: number): Promise<ExtensionRow> {
  const extension = await findExtensionByNumber(deps.db, number);
  if (!extension) reject('extension', 'not_found', `There is no extension ${number}`);
  return extension;
}

async function holderOf(deps: Pick<ServiceDeps, 'db'>, extension: ExtensionRow): Promise<UserRow | undefined> {
  return extension.assignedUserId === null ? undefined : findUserById(deps.db, extension.assignedUserId);
}

async function recipientByUsername(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<UserRow> {
  const typed = username.trim().replace(/^@/, '');
  const user = typed === '' || typed.includes('\u0000') ? undefined : await findUserByUsername(deps.db, typed);
  if (!user) reject('recipient', 'not_found', `There is no user ${typed}`);
  return user;
}

async function asRecipient(deps: Pick<ServiceDeps, 'db'>, user: UserRow): Promise<AssignmentRecipient> {
  const held = await findExtensionOfUser(deps.db, user.id);
  return { id: user.id, username: user.username, status: user.status, userType: user.userType, heldExtensionNumber: held?.number ?? null };
}

async function openChangeIssue(deps: Pick<ServiceDeps, 'db'>, extension: ExtensionRow): Promise<FieldIssue | null> {
  const open = await findOpenChangeForExtension(deps.db, extension.id);
  return open ? openChangeIssueFor(extension.number) : null;
}

function openChangeIssueFor(number: number): FieldIssue {
  return issue('extension', 'change_pending', `A change of extension ${number} is already waiting for approval: one change per extension at a time`);
}

function viewOf(extension: ExtensionRow, holder: UserRow | undefined, recipient?: UserRow): AssignmentView {
  return {
    extension: { id: extension.id, number: extension.number, deviceName: extension.deviceName, deviceType: extension.deviceType },
    holder: holder ? personOf(holder) : null,
    ...(recipient ? { recipient: personOf(recipient) } : {}),
  };
}

/** For the reassignment modal: refused at once (nothing stored) when it cannot be done. */
export async function reassignmentTarget(deps: Pick<ServiceDeps, 'db'>, input: { number: number; recipientUsername: string }): Promise<AssignmentView> {
  const extension = await extensionByNumber(deps, input.number);
  const recipient = await recipientByUsername(deps, input.recipientUsername);
  const problem = recipientIssue({ number: extension.number, holderId: extension.assignedUserId }, await asRecipient(deps, recipient)) ?? (await openChangeIssue(deps, extension));
  if (problem) throw new InvalidInput([problem]);
  return viewOf(extension, await holderOf(deps, extension), recipient);
}

/** For the unassignment modal, by number (the command) or by holder (the user card's button). */
export async function unassignmentTarget(deps: Pick<ServiceDeps, 'db'>, input: { number: number } | { username: string }): Promise<AssignmentView> {
  let extension: ExtensionRow;
  if ('number' in input) {
    extension = await extensionByNumber(deps, input.number);
  } else {
    const user = await findUserByUsername(deps.db, input.username);
    if (!user) reject('extension', 'not_found', `There is no user ${input.username}`);
    const held = await findExtensionOfUser(deps.db, user.id);
    if (!held) reject('extension', 'not_found', `${user.username} has no extension`);
    extension = held;
  }
  const problem = unassignIssue({ number: extension.number, holderId: extension.assignedUserId }) ?? (await openChangeIssue(deps, extension));
  if (problem) throw new InvalidInput([problem]);
  return viewOf(extension, await holderOf(deps, extension));
}

export const reassignmentInput = z.object({
  extensionId: z.number().int().positive(),
  /** The holder when the form was opened (null: free). */
  holderId: z.number().int().positive().nullable(),
  recipientId: z.number().int().positive(),
  reason: z.string().nullish(),
});

export const unassignmentInput = z.object({
  extensionId: z.number().int().positive(),
  holderId: z.number().int().positive(),
  reason: z.string().nullish(),
});

function reasonOf(raw: string | null | undefined, issues: FieldIssue[]): string | null {
  const reason = validateOptionalText('reason', raw ?? '', CHANGE_REASON_MAX_LENGTH);
  if (reason.ok) return reason.value;
  issues.push(reason.issue.code === 'too_long' ? issue('reason', 'too_long', `A reason can be at most ${CHANGE_REASON_MAX_LENGTH} characters`) : reason.issue);
  return null;
}

/** The extension as the form was opened against it: still there, still with the same holder. */
async function sameExtension(deps: Pick<ServiceDeps, 'db'>, extensionId: number, holderId: number | null): Promise<{ extension: ExtensionRow; holder: UserRow | undefined }> {
  const extension = await findExtensionById(deps.db, extensionId);
  if (!extension) reject('extension', 'not_found', 'That extension no longer exists');
  if (extension.assignedUserId !== holderId) reject('extension', 'user_changed', `Extension ${extension.number} changed hands since this form was opened: open it again`);
  return { extension, holder: await holderOf(deps, extension) };
}

/**
 * Checks a reassignment and stores it as pending: every problem at once. Two submissions at once leave
 * one request: the database's one-open-change-per-extension index.
 */
export async function submitReassignment(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<ExtensionAssignmentPayload>> {
  const input = parseInput(reassignmentInput, raw);
  const { extension, holder } = await sameExtension(deps, input.extensionId, input.holderId);
  const recipient = await findUserById(deps.db, input.recipientId);
  if (!recipient) reject('recipient', 'not_found', 'That user no longer exists');
  const issues: FieldIssue[] = [];
  const problem = recipientIssue({ number: extension.number, holderId: extension.assignedUserId }, await asRecipient(deps, recipient)) ?? (await openChangeIssue(deps, extension));
  if (problem) issues.push(problem);
  const reason = reasonOf(input.reason, issues);
  if (issues.length > 0) throw new InvalidInput(issues);
  const payload = reassignExtensionPayload.parse({
    assignment: 'reassign',
    ...extensionFacts(extension),
    reason,
    holder: holder ? personOf(holder) : null,
    recipient: personOf(recipient),
  });
  return storeAssignment(deps, actor, 'reassign_extension', extension, payload);
}

/** What either payload keeps of the extension itself, for showing the request after it has changed. */
function extensionFacts(extension: { id: number; number: number; deviceName: string; deviceType: ExtensionRow['deviceType'] }) {
  return { extensionId: extension.id, extensionNumber: extension.number, deviceName: extension.deviceName, deviceType: extension.deviceType };
}

export async function submitUnassignment(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<ExtensionAssignmentPayload>> {
  const input = parseInput(unassignmentInput, raw);
  const { extension, holder } = await sameExtension(deps, input.extensionId, input.holderId);
  if (!holder) throw new Error('an assigned extension without its holder');
  const issues: FieldIssue[] = [];
  const problem = await openChangeIssue(deps, extension);
  if (problem) issues.push(problem);
  const reason = reasonOf(input.reason, issues);
  if (issues.length > 0) throw new InvalidInput(issues);
  const payload = unassignExtensionPayload.parse({
    assignment: 'unassign',
    ...extensionFacts(extension),
    reason,
    holder: personOf(holder),
  });
  return storeAssignment(deps, actor, 'unassign_extension', extension, payload);
}

async function storeAssignment(deps: ServiceDeps, actor: Actor, kind: ExtensionAssignmentKind, extension: ExtensionRow, payload: ExtensionAssignmentPayload): Promise<SubmittedRequest<ExtensionAssignmentPayload>> {
  try {
    const row = await deps.db.transaction(async (tx) => {
      const created = await insertRequest(tx, { kind, payload, requesterId: actor.id, createdAt: deps.now(), targetExtensionId: extension.id });
      await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind, extensionId: extension.id, number: extension.number } });
      return created;
    });
    return { id: row.id, kind, payload };
  } catch (err) {
    if (violatedUniqueConstraint(err) === 'requests_open_change_per_extension') throw new InvalidInput([openChangeIssueFor(extension.number)]);
    throw err;
  }
}

export interface ExtensionAssignmentPlan {
  kind: 'extension_assignment';
  payload: ExtensionAssignmentPayload;
}

function payloadOf(request: RequestRow): ExtensionAssignmentPayload {
  return request.kind === 'reassign_extension' ? parseInput(reassignExtensionPayload, request.payload) : parseInput(unassignExtensionPayload, request.payload);
}

/** Checked again at approval: the extension still there with the same holder, the recipient still eligible. */
export async function planExtensionAssignment(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<ExtensionAssignmentPlan> {
  const payload = payloadOf(request);
  const extension = request.targetExtensionId === null ? undefined : await findExtensionById(deps.db, request.targetExtensionId);
  if (!extension) reject('extension', 'not_found', `Extension ${payload.extensionNumber} no longer exists`);
  const expected = payload.holder?.userId ?? null;
  if (extension.assignedUserId !== expected) throw await holderChanged(deps.db, extension, payload);
  if (payload.assignment === 'reassign') {
    const recipient = await findUserById(deps.db, payload.recipient.userId);
    if (!recipient) reject('recipient', 'not_found', `There is no user ${payload.recipient.username} any more`);
    const problem = recipientIssue({ number: extension.number, holderId: extension.assignedUserId }, await asRecipient(deps, recipient));
    if (problem) throw new InvalidInput([problem]);
  }
  return { kind: 'extension_assignment', payload };
}

async function holderChanged(db: Db, extension: Pick<ExtensionRow, 'number' | 'assignedUserId'>, payload: ExtensionAssignmentPayload): Promise<InvalidInput> {
  const now = extension.assignedUserId === null ? undefined : await findUserById(db, extension.assignedUserId);
  return new InvalidInput([issue('extension', 'user_changed', holderChangedText(extension.number, payload.holder?.username ?? null, now?.username ?? null))]);
}

/**
 * The writes, in the approval's transaction. The users' rows first (in ID order, as edits and
 * offboardings take a user's row before its extension's, so no two changes wait on each other in a
 * circle), then the extension: freed only while the old holder holds it, assigned only while free.
 */
export async function executeExtensionAssignment(tx: Db, actor: Actor, request: RequestRow, plan: ExtensionAssignmentPlan): Promise<ExecutionResult> {
  const { payload } = plan;
  const holderId = payload.holder?.userId ?? null;
  const recipientId = payload.assignment === 'reassign' ? payload.recipient.userId : null;
  const bumped = new Map<number, UserRow>();
  for (const id of [holderId, recipientId].filter((x): x is number => x !== null).sort((a, b) => a - b)) {
    const user = await bumpUserVersion(tx, id, { activeAgent: id === recipientId });
    if (!user) {
      if (id === recipientId && payload.assignment === 'reassign') reject('recipient', 'invalid_transition', `${payload.recipient.username} was deactivated or is no longer an agent`);
      reject('extension', 'not_found', `There is no user ${payload.holder?.username ?? ''} any more`);
    }
    bumped.set(id, user);
  }
  // One new secret for the extension's new life: the old holder's phone has the previous one.
  const secret = generateDeviceSecret();
  let row: ExtensionRow | undefined;
  if (holderId !== null) {
    row = await freeExtensionHeldBy(tx, payload.extensionId, holderId, secret);
    if (!row) throw await holderChanged(tx, (await findExtensionById(tx, payload.extensionId)) ?? { number: payload.extensionNumber, assignedUserId: null }, payload);
  }
  if (recipientId !== null) {
    row = await assignFreeExtension(tx, payload.extensionId, recipientId, secret);
    if (!row) throw await holderChanged(tx, (await findExtensionById(tx, payload.extensionId)) ?? { number: payload.extensionNumber, assignedUserId: null }, payload);
  }
  if (!row) throw new Error('an extension change that changes nobody');

  const from = holderId === null ? undefined : bumped.get(holderId);
  const to = recipientId === null ? undefined : bumped.get(recipientId);
  const action = payload.assignment === 'reassign' ? 'extension.reassigned' : 'extension.unassigned';
  const common = {
    requestId: request.id,
    number: row.number,
    requestedBy: request.requesterId,
    approvedBy: request.approverId,
    reason: payload.reason,
    deviceSecretRotated: true,
  };
  const fromTo = { fromUserId: from?.id ?? null, fromUsername: from?.username ?? null, toUserId: to?.id ?? null, toUsername: to?.username ?? null };
  await recordAudit(tx, { actor: actor.id, action, entityType: 'extension', entityId: row.id, details: { ...common, ...fromTo } });
  if (from) await recordAudit(tx, { actor: actor.id, action, entityType: 'user', entityId: from.id, details: { ...common, username: from.username, extensionGivenUp: row.number, ...(to ? { to: to.username } : {}), version: from.version } });
  if (to) await recordAudit(tx, { actor: actor.id, action, entityType: 'user', entityId: to.id, details: { ...common, username: to.username, extensionReceived: row.number, from: from?.username ?? null, version: to.version } });

  const party = (u: UserRow | undefined) => (u ? { username: u.username, email: u.email } : null);
  const notifications = extensionAssignmentNotices(request, assignmentSubject(payload), { number: row.number, from: party(from), to: party(to) });
  const user = to ?? from;
  return { ...(user ? { user } : {}), extension: row, notifications };
}

/** A concurrent change won between the checks and the writes: said as the checks would have said it. */
export function explainAssignmentConflict(err: unknown, plan: ExtensionAssignmentPlan): unknown {
  if (violatedUniqueConstraint(err) === 'extensions_assigned_user' && plan.payload.assignment === 'reassign') {
    return new InvalidInput([issue('recipient', 'user_has_extension', `${plan.payload.recipient.username} got another extension meanwhile; unassign it first`)]);
  }
  return err;
}

/** What the request asked for, for the requester's notices. */
export function assignmentSubject(payload: ExtensionAssignmentPayload): RequestSubject {
  return {
    kind: 'extension_assignment',
    change: payload.assignment,
    number: payload.extensionNumber,
    from: payload.holder?.username ?? null,
    to: payload.assignment === 'reassign' ? payload.recipient.username : null,
  };
}

/** What the approval message says a completed one did. */
export function extensionAssignmentResult(request: RequestRow): string | null {
  if (request.state !== 'completed') return null;
  const parsed = (request.kind === 'reassign_extension' ? reassignExtensionPayload : unassignExtensionPayload).safeParse(request.payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  if (p.assignment === 'reassign') return `Extension ${p.extensionNumber} is now ${p.recipient.username}’s${p.holder ? ` (was ${p.holder.username}’s)` : ''}; its device secret was replaced`;
  return `Extension ${p.extensionNumber} is free (was ${p.holder.username}’s); its device secret was replaced`;
}
