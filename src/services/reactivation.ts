import { z } from 'zod';
import { InvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { validateOptionalText } from '../domain/person.js';
import { recordAudit } from '../db/repositories/audit.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { findUserById, markUserReactivated } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import type { Actor, ServiceDeps } from './context.js';
import type { InitialCredential } from './create-user.js';
import { parseInput } from './input.js';
import { freshOneTimeCredential } from './one-time-credential.js';
import { reactivatedNotices } from '../notifications/lifecycle-notices.js';
import { requestSubject } from './request-notices.js';
import { welcomeOf } from './welcome.js';
import { CHANGE_REASON_MAX_LENGTH, reactivationPayload, type ReactivationPayload } from './lifecycle-payload.js';
import { storeChange } from './offboarding.js';
import type { ExecutionResult } from './request-execution.js';
import type { SubmittedRequest } from './submit-request.js';
import { changeTargetById, changeTargetByUsername, openChangeIssue, versionIssue, type ChangeTarget } from './user-change-target.js';

/**
 * Reactivation (issue 9, item 4): a deactivated user becomes active again once an approver agrees,
 * with a fresh one-time password under PASSWORD_POLICY (hashed before the transaction) and the welcome
 * email and DM sent again. The extension was freed at deactivation and may be someone else's now, so
 * the reactivated user has none: an edit assigns one.
 */

/** The user to reactivate, for the modal: refused at once when they cannot be (nobody, active, a change open). */
export async function reactivationTarget(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<ChangeTarget> {
  const target = await changeTargetByUsername(deps, username);
  if (target.status !== 'deactivated') reject('username', 'not_deactivated', notDeactivated(target.username));
  const open = await openChangeIssue(deps, target);
  if (open) throw new InvalidInput([open]);
  return target;
}

function notDeactivated(username: string): string {
  return `${username} is active: only a deactivated user can be reactivated`;
}

export const reactivationInput = z.object({
  userId: z.number().int().positive(),
  version: z.number().int().positive(),
  note: z.string().nullish(),
});

export async function submitReactivation(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<ReactivationPayload>> {
  const input = parseInput(reactivationInput, raw);
  const target = await changeTargetById(deps, input.userId);
  const issues: FieldIssue[] = [];
  const userIssue = target.status !== 'deactivated' ? issue('username', 'not_deactivated', notDeactivated(target.username)) : (versionIssue(target, input.version) ?? (await openChangeIssue(deps, target)));
  if (userIssue) issues.push(userIssue);
  const note = validateOptionalText('note', input.note ?? '', CHANGE_REASON_MAX_LENGTH);
  if (!note.ok) issues.push(note.issue.code === 'too_long' ? issue('note', 'too_long', `A note can be at most ${CHANGE_REASON_MAX_LENGTH} characters`) : note.issue);
  if (issues.length > 0 || !note.ok) throw new InvalidInput(issues);
  const payload = reactivationPayload.parse({ username: target.username, firstName: target.firstName, lastName: target.lastName, userVersion: target.version, note: note.value });
  return storeChange(deps, actor, 'reactivate_user', target, payload, null);
}

export interface ReactivationPlan {
  kind: 'reactivate';
  userId: number;
  version: number;
  payload: ReactivationPayload;
  credential: InitialCredential;
  /** Only under PASSWORD_POLICY=random: the one-time password in clear, for the user's DM. */
  oneTimePassword?: string;
}

/** Checked again at approval; the slow hash of the new one-time password runs here, before any transaction. */
export async function planReactivation(deps: ServiceDeps, request: RequestRow): Promise<ReactivationPlan> {
  const payload = parseInput(reactivationPayload, request.payload);
  const user = request.targetUserId === null ? undefined : await findUserById(deps.db, request.targetUserId);
  if (!user) reject('username', 'not_found', `There is no user ${payload.username} any more`);
  if (user.status !== 'deactivated') reject('username', 'not_deactivated', notDeactivated(user.username));
  if (user.version !== payload.userVersion) reject('username', 'user_changed', `${user.username} was changed after the request was made; ask again`);
  const { credential, oneTimePassword } = await freshOneTimeCredential(deps, user);
  return { kind: 'reactivate', userId: user.id, version: payload.userVersion, payload, credential, ...(oneTimePassword === undefined ? {} : { oneTimePassword }) };
}

/** The reactivation's writes, in the caller's transaction: the user (once: only while deactivated, at the version), audit, welcome, notice. */
export async function executeReactivation(tx: Db, actor: Actor, request: RequestRow, plan: ReactivationPlan, context: { now: Date; tenantSuffix: string; accountUrl: string }): Promise<ExecutionResult> {
  const user = await markUserReactivated(tx, {
    userId: plan.userId,
    version: plan.version,
    passwordHash: plan.credential.hash,
    passwordOneTime: plan.credential.oneTime,
    passwordExpiresAt: plan.credential.oneTime ? plan.credential.expiresAt : null,
  });
  if (!user) reject('username', 'user_changed', `${plan.payload.username} was reactivated or changed meanwhile`);
  await recordAudit(tx, {
    actor: actor.id,
    action: 'user.reactivated',
    entityType: 'user',
    entityId: user.id,
    details: { requestId: request.id, username: user.username, requestedBy: request.requesterId, approvedBy: request.approverId, passwordKind: plan.credential.kind, note: plan.payload.note },
  });
  const welcome = welcomeOf(request.id, user, { credential: plan.credential, oneTimePassword: plan.oneTimePassword, reactivated: true }, context);
  const signIn = welcome.signInName;
  const notifications = [
    ...welcome.notifications,
    ...reactivatedNotices(request, requestSubject(request), { username: user.username, signInName: signIn, hasEmail: user.email !== null }),
  ];
  return { user, notifications };
}
