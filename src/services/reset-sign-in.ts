import { InvalidInput, reject } from '../domain/errors.js';
import { recordAudit } from '../db/repositories/audit.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { setOneTimePassword } from '../db/repositories/sign-in.js';
import { findUserById } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { signInName } from '../domain/sign-in-name.js';
import { recoveryDoneNotice, signInResetNotifications } from '../notifications/recovery-notices.js';
import type { Actor, ServiceDeps } from './context.js';
import type { InitialCredential } from './create-user.js';
import { parseInput } from './input.js';
import { freshOneTimeCredential } from './one-time-credential.js';
import { recoveryPayload, type RecoveryPayload } from './recovery-payload.js';
import { recoveryUserIssue } from './recovery-target.js';
import type { ExecutionResult } from './request-execution.js';
import { endLockout, lockHolds } from './lockout.js';

/**
 * A reset of a user's sign-in (issue 10, item 1), carried out: the lockout and the name's window of
 * attempts end (lockout.ts, as for an unlock), the current password ends, and a fresh one-time password
 * under PASSWORD_POLICY takes its place, sent by email and DM (random: DM only) saying why it came.
 */
export interface ResetPlan {
  kind: 'reset_sign_in';
  userId: number;
  payload: RecoveryPayload;
  credential: InitialCredential;
  /** Only under PASSWORD_POLICY=random: the one-time password in clear, for the user's DM. */
  oneTimePassword?: string;
}

/** Checked again when carried out (the user may be gone or deactivated); the slow hash runs here, before any transaction. */
export async function planReset(deps: ServiceDeps, request: Pick<RequestRow, 'recoveryUserId' | 'payload'>): Promise<ResetPlan> {
  const payload = parseInput(recoveryPayload, request.payload);
  const user = request.recoveryUserId === null ? undefined : await findUserById(deps.db, request.recoveryUserId);
  if (!user) reject('username', 'not_found', `There is no user ${payload.account} any more`);
  const problem = recoveryUserIssue('reset_sign_in', user);
  if (problem) throw new InvalidInput([problem]);
  const { credential, oneTimePassword } = await freshOneTimeCredential(deps, user);
  return { kind: 'reset_sign_in', userId: user.id, payload, credential, ...(oneTimePassword === undefined ? {} : { oneTimePassword }) };
}

/** The reset's writes, in the caller's transaction (the request is locked there, so it runs once). */
export async function executeReset(tx: Db, actor: Actor, request: RequestRow, plan: ResetPlan, context: { now: Date; tenantSuffix: string; accountUrl: string }): Promise<ExecutionResult> {
  const before = await findUserById(tx, plan.userId);
  const wasLocked = lockHolds(before?.lockedUntil, context.now);
  const reset = await setOneTimePassword(tx, {
    userId: plan.userId,
    passwordHash: plan.credential.hash,
    passwordOneTime: plan.credential.oneTime,
    passwordExpiresAt: plan.credential.oneTime ? plan.credential.expiresAt : null,
  });
  if (!reset) reject('username', 'already_deactivated', `${plan.payload.account} was deactivated meanwhile, so nothing was reset`);
  // The row was just updated in this transaction, so it is there; `reset` only satisfies the type.
  const user = (await endLockout(tx, reset, context.tenantSuffix)) ?? reset;
  await recordAudit(tx, {
    actor: actor.id,
    action: 'user.sign_in_reset',
    entityType: 'user',
    entityId: user.id,
    details: { requestId: request.id, username: user.username, requestedBy: request.requesterId, approvedBy: request.approverId, passwordKind: plan.credential.kind, wasLocked, failedSignIns: before?.failedSignIns ?? 0 },
  });
  const signIn = signInName(user.username, context.tenantSuffix);
  const notifications = [
    ...signInResetNotifications({
      requestId: request.id,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      signInName: signIn,
      accountUrl: context.accountUrl,
      passwordExpiresAt: plan.credential.oneTime ? plan.credential.expiresAt : null,
      wasLocked,
      ...(plan.oneTimePassword === undefined ? {} : { oneTimePassword: plan.oneTimePassword }),
    }),
    recoveryDoneNotice(request, { kind: 'reset', username: user.username, signInName: signIn, freshPassword: true, wasLocked, byEmail: plan.oneTimePassword === undefined }),
  ];
  return { user, notifications };
}
