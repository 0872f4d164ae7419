import { InvalidInput, reject } from '../domain/errors.js';
import { verifyPassword } from '../domain/password-hash.js';
import { resendPassword } from '../domain/recovery.js';
import { recordAudit } from '../db/repositories/audit.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { setOneTimePassword } from '../db/repositories/sign-in.js';
import { findUserById, type UserRow } from '../db/repositories/users.js';
import type { Db } from '../db/client.js';
import { recoveryDoneNotice } from '../notifications/recovery-notices.js';
import type { Actor, ServiceDeps } from './context.js';
import type { InitialCredential } from './create-user.js';
import { parseInput } from './input.js';
import { defaultRulePassword, freshOneTimeCredential } from './one-time-credential.js';
import { recoveryPayload, type RecoveryPayload } from './recovery-payload.js';
import { passwordChosenIssue, recoveryUserIssue } from './recovery-target.js';
import type { ExecutionResult } from './request-execution.js';
import { welcomeOf } from './welcome.js';

/**
 * The welcome email and DM sent again (issue 10, item 1), for a user who never got it or lost it. A
 * user who has already chosen their own password is refused (a reset is what they need). The welcome
 * comes with a fresh one-time password unless the current one is unexpired and is the default rule's
 * for the user's phone today, which is what the welcome describes (domain/recovery.ts resendPassword).
 */
export interface ResendPlan {
  kind: 'resend_welcome';
  userId: number;
  payload: RecoveryPayload;
  /** Set when a fresh one-time password replaces the current one; absent when the current one is kept. */
  fresh?: { credential: InitialCredential; oneTimePassword?: string };
  /** The one-time password's expiry as it will be (the current one's when it is kept). */
  expiresAt: Date | null;
  /** The stored hash the plan was made against: a kept password must still be it when carried out. */
  currentHash: string | null;
}

export async function planResend(deps: ServiceDeps, request: Pick<RequestRow, 'recoveryUserId' | 'payload'>): Promise<ResendPlan> {
  const payload = parseInput(recoveryPayload, request.payload);
  const user = request.recoveryUserId === null ? undefined : await findUserById(deps.db, request.recoveryUserId);
  if (!user) reject('username', 'not_found', `There is no user ${payload.account} any more`);
  const problem = recoveryUserIssue('resend_welcome', user) ?? resendIssue(deps, user);
  if (problem) throw new InvalidInput([problem]);
  const base = { kind: 'resend_welcome' as const, userId: user.id, payload, currentHash: user.passwordHash };
  const decision = resendPassword(user, deps.settings.passwordPolicy, deps.now());
  // The slow checks and hash run here, before any transaction.
  if (decision === 'check_current' && user.passwordHash !== null && (await verifyPassword(defaultRulePassword(deps, user).password, user.passwordHash))) {
    return { ...base, expiresAt: user.passwordExpiresAt };
  }
  const fresh = await freshOneTimeCredential(deps, user);
  return { ...base, fresh, expiresAt: fresh.credential.oneTime ? fresh.credential.expiresAt : null };
}

/** Refused when asked for, and when carried out: the user has chosen their own password. */
export function resendIssue(deps: Pick<ServiceDeps, 'settings' | 'now'>, user: Pick<UserRow, 'username' | 'passwordHash' | 'passwordOneTime' | 'passwordExpiresAt'>) {
  return resendPassword(user, deps.settings.passwordPolicy, deps.now()) === 'chosen' ? passwordChosenIssue(user.username) : null;
}

export async function executeResend(tx: Db, actor: Actor, request: RequestRow, plan: ResendPlan, context: { now: Date; tenantSuffix: string; accountUrl: string }): Promise<ExecutionResult> {
  let user: UserRow | undefined;
  if (plan.fresh) {
    const { credential } = plan.fresh;
    // Only while the password is still a one-time one: a user who chose theirs meanwhile keeps it.
    user = await setOneTimePassword(tx, { userId: plan.userId, passwordHash: credential.hash, passwordOneTime: credential.oneTime, passwordExpiresAt: plan.expiresAt, onlyWhileOneTime: true });
  } else {
    const current = await findUserById(tx, plan.userId);
    user = current?.status === 'active' && current.passwordOneTime && current.passwordHash === plan.currentHash ? current : undefined;
  }
  if (!user) {
    const now = await findUserById(tx, plan.userId);
    if (now?.status === 'active' && !now.passwordOneTime) throw new InvalidInput([passwordChosenIssue(plan.payload.account)]);
    reject('username', 'already_deactivated', `${plan.payload.account} was deactivated or changed meanwhile, so the welcome was not sent again`);
  }
  const credential: InitialCredential = plan.fresh?.credential ?? { hash: user.passwordHash ?? '', kind: 'default', oneTime: true, expiresAt: plan.expiresAt ?? context.now };
  await recordAudit(tx, {
    actor: actor.id,
    action: 'user.welcome_resent',
    entityType: 'user',
    entityId: user.id,
    details: { requestId: request.id, username: user.username, requestedBy: request.requesterId, approvedBy: request.approverId, freshPassword: plan.fresh !== undefined, passwordKind: credential.kind },
  });
  const welcome = welcomeOf(request.id, user, { credential, oneTimePassword: plan.fresh?.oneTimePassword, resent: true }, context);
  const notifications = [
    ...welcome.notifications,
    recoveryDoneNotice(request, { kind: 'resend', username: user.username, signInName: welcome.signInName, freshPassword: plan.fresh !== undefined, wasLocked: false, byEmail: true }),
  ];
  return { user, notifications };
}
