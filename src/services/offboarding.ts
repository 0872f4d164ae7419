import { z } from 'zod';
import { generateDeviceSecret } from '../domain/device-secret.js';
import { InvalidInput, issue, reject, type FieldIssue } from '../domain/errors.js';
import { effectiveTimeIssue } from '../domain/offboarding.js';
import { validateOptionalText } from '../domain/person.js';
import { recordAudit } from '../db/repositories/audit.js';
import { releaseExtensionOfUser } from '../db/repositories/extensions.js';
import { insertRequest, type RequestRow } from '../db/repositories/requests.js';
import { activeUsersNamed, collectionsOfUser, findUserByEmail, findUserById, markUserDeactivated } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { violatedUniqueConstraint } from '../db/errors.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import { deactivatedNotices } from '../notifications/lifecycle-notices.js';
import { requestSubject } from './request-notices.js';
import { CHANGE_REASON_MAX_LENGTH, deactivationPayload, type DeactivationPayload } from './lifecycle-payload.js';
import type { ExecutionResult } from './request-execution.js';
import type { SubmittedRequest } from './submit-request.js';
import { changeTargetById, changeTargetByUsername, openChangeIssue, openChangeIssueFor, toChangeTarget, versionIssue, type ChangeTarget } from './user-change-target.js';

/**
 * Offboarding (issue 9, item 3): a request to deactivate a user, effective now (at approval) or at a
 * date and time. Users are deactivated, never deleted: sign-in is refused, the extension is freed and
 * its device secret rotated (the old phone cannot register), and the username, the collections and the
 * history stay. A scheduled one is approved ahead and carried out by the sweeper (scheduled-changes.ts).
 */

/** The user to offboard, for the modal: refused at once when they cannot be (nobody, inactive, a change open). */
export async function offboardingTarget(deps: Pick<ServiceDeps, 'db'>, username: string): Promise<ChangeTarget> {
  return checkedTarget(deps, await changeTargetByUsername(deps, username));
}

async function checkedTarget(deps: Pick<ServiceDeps, 'db'>, target: ChangeTarget): Promise<ChangeTarget> {
  if (target.status !== 'active') reject('username', 'already_deactivated', `${target.username} is already deactivated`);
  const open = await openChangeIssue(deps, target);
  if (open) throw new InvalidInput([open]);
  return target;
}

/** Whom an HR leaver post names: one user, several (the requester picks), or nobody (said why). */
export type LeaverMatch = { kind: 'one'; target: ChangeTarget } | { kind: 'several'; candidates: ChangeTarget[]; more: boolean } | { kind: 'none'; why: string };

const CANDIDATES_MAX = 25;

/**
 * The email in the post first (it names one person), then the first and last name among active users.
 * A user found by email who cannot be offboarded (already deactivated, a change open) is "none", with why.
 */
export async function findLeaver(deps: Pick<ServiceDeps, 'db'>, post: { email?: string; firstName?: string; lastName?: string }): Promise<LeaverMatch> {
  if (post.email) {
    const user = await findUserByEmail(deps.db, post.email);
    if (user) return oneOrWhy(deps, await toChangeTarget(deps, user));
  }
  if (post.firstName && post.lastName) {
    const named = await activeUsersNamed(deps.db, post.firstName, post.lastName, CANDIDATES_MAX + 1);
    const [only] = named;
    if (named.length === 1 && only) return oneOrWhy(deps, await toChangeTarget(deps, only));
    if (named.length > 1) {
      const candidates = await Promise.all(named.slice(0, CANDIDATES_MAX).map((u) => toChangeTarget(deps, u)));
      return { kind: 'several', candidates, more: named.length > CANDIDATES_MAX };
    }
  }
  const looked = [post.email, post.firstName && post.lastName ? `${post.firstName} ${post.lastName}` : undefined].filter(Boolean);
  return {
    kind: 'none',
    why: looked.length === 0 ? 'The post names nobody I can recognise (no email address and no first and last name).' : `No active user matches ${looked.join(' or ')}.`,
  };
}

async function oneOrWhy(deps: Pick<ServiceDeps, 'db'>, target: ChangeTarget): Promise<LeaverMatch> {
  try {
    return { kind: 'one', target: await checkedTarget(deps, target) };
  } catch (err) {
    if (err instanceof InvalidInput) return { kind: 'none', why: err.issues.map((i) => i.message).join('. ') };
    throw err;
  }
}

export const deactivationInput = z.object({
  userId: z.number().int().positive(),
  /** users.version when the form was opened. */
  version: z.number().int().positive(),
  reason: z.string(),
  /** Null: now, at approval. */
  effectiveAt: z.date().nullable(),
});
export type DeactivationInput = z.input<typeof deactivationInput>;

/**
 * Checks an offboarding request and stores it as pending: every problem at once (the user, the reason,
 * the time). Two submissions at once leave one request: the database's one-open-change-per-user index.
 */
export async function submitDeactivation(deps: ServiceDeps, actor: Actor, raw: unknown): Promise<SubmittedRequest<DeactivationPayload>> {
  const input = parseInput(deactivationInput, raw);
  const target = await changeTargetById(deps, input.userId);
  const issues: FieldIssue[] = [];
  const userIssue = target.status !== 'active' ? issue('username', 'already_deactivated', `${target.username} is already deactivated`) : (versionIssue(target, input.version) ?? (await openChangeIssue(deps, target)));
  if (userIssue) issues.push(userIssue);
  const reason = validateOptionalText('reason', input.reason, CHANGE_REASON_MAX_LENGTH);
  if (!reason.ok) issues.push(reason.issue.code === 'too_long' ? issue('reason', 'too_long', `A reason can be at most ${CHANGE_REASON_MAX_LENGTH} characters`) : reason.issue);
  else if (reason.value === null) issues.push(issue('reason', 'required', 'Say why this person is offboarded: the approvers read it'));
  const now = deps.now();
  const timeIssue = effectiveTimeIssue('effectiveAt', input.effectiveAt, now);
  if (timeIssue) issues.push(timeIssue);
  if (issues.length > 0 || !reason.ok || reason.value === null) throw new InvalidInput(issues);

  const payload = deactivationPayload.parse({
    username: target.username,
    firstName: target.firstName,
    lastName: target.lastName,
    userVersion: target.version,
    reason: reason.value,
    effectiveAt: input.effectiveAt?.toISOString() ?? null,
  });
  return storeChange(deps, actor, 'deactivate_user', target, payload, input.effectiveAt);
}

/** Stores a user change as pending, with its audit row; a second open change for the user is refused. */
export async function storeChange<P>(deps: ServiceDeps, actor: Actor, kind: 'deactivate_user' | 'reactivate_user', target: ChangeTarget, payload: P, effectiveAt: Date | null): Promise<SubmittedRequest<P>> {
  try {
    const row = await deps.db.transaction(async (tx) => {
      const created = await insertRequest(tx, { kind, payload, requesterId: actor.id, createdAt: deps.now(), targetUserId: target.id, effectiveAt });
      await recordAudit(tx, { actor: actor.id, action: 'request.submitted', entityType: 'request', entityId: created.id, details: { kind, userId: target.id, username: target.username } });
      return created;
    });
    return { id: row.id, kind, payload };
  } catch (err) {
    // The payload's username falls under requests_open_username too: either index means a twin is open.
    const violated = violatedUniqueConstraint(err);
    if (violated === 'requests_open_change_per_user' || violated === 'requests_open_username') throw new InvalidInput([openChangeIssueFor(target.username, undefined)]);
    throw err;
  }
}

export interface DeactivationPlan {
  kind: 'deactivate';
  userId: number;
  version: number;
  payload: DeactivationPayload;
}

/** Checked again when approved, and when a scheduled one runs: the user is still there, active, unchanged. */
export async function planDeactivation(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<DeactivationPlan> {
  const payload = parseInput(deactivationPayload, request.payload);
  const user = request.targetUserId === null ? undefined : await findUserById(deps.db, request.targetUserId);
  if (!user) reject('username', 'not_found', `There is no user ${payload.username} any more`);
  if (user.status !== 'active') reject('username', 'already_deactivated', `${user.username} is already deactivated`);
  if (user.version !== payload.userVersion) reject('username', 'user_changed', `${user.username} was changed after the request was made; ask again`);
  return { kind: 'deactivate', userId: user.id, version: payload.userVersion, payload };
}

/**
 * The deactivation's writes, inside the caller's transaction: the user (only while active and at the
 * request's version, so it happens once however many carry it out), the extension freed with a new
 * device secret, the audit row with the collections and extension it had, and the notices.
 */
export async function executeDeactivation(tx: Db, actor: Actor, request: RequestRow, plan: DeactivationPlan, now: Date): Promise<ExecutionResult> {
  const user = await markUserDeactivated(tx, { userId: plan.userId, version: plan.version, by: request.approverId ?? actor.id, at: now });
  if (!user) reject('username', 'user_changed', `${plan.payload.username} was deactivated or changed meanwhile`);
  const kept = await collectionsOfUser(tx, user.id);
  const freed = await releaseExtensionOfUser(tx, user.id, generateDeviceSecret());
  await recordAudit(tx, {
    actor: actor.id,
    action: 'user.deactivated',
    entityType: 'user',
    entityId: user.id,
    details: {
      requestId: request.id,
      username: user.username,
      requestedBy: request.requesterId,
      approvedBy: request.approverId,
      reason: plan.payload.reason,
      effectiveAt: plan.payload.effectiveAt,
      freedExtension: freed?.number ?? null,
      deviceSecretRotated: freed !== undefined,
      // Kept in history: the user_collections rows stay too.
      collections: kept,
    },
  });
  if (freed) {
    await recordAudit(tx, { actor: actor.id, action: 'extension.released', entityType: 'extension', entityId: freed.id, details: { number: freed.number, fromUserId: user.id, requestId: request.id, deviceSecretRotated: true } });
  }
  return { user, ...(freed ? { extension: freed } : {}), notifications: deactivatedNotices(request, requestSubject(request), { username: user.username, freedExtension: freed?.number ?? null }) };
}
