import { z } from 'zod';
import type { AccessPolicy } from '../domain/access.js';
import { reject } from '../domain/errors.js';
import { recordAudit } from '../db/repositories/audit.js';
import { findUserByUsername } from '../db/repositories/users.js';
import type { Actor, ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import { endLockout, lockHolds } from './lockout.js';

export const unlockAccountInput = z.object({ username: z.string().min(1).max(254) });

export interface UnlockResult {
  readonly username: string;
  /** Whether the account was locked at the time (an unlock of an open account changes nothing else). */
  readonly wasLocked: boolean;
  readonly failedSignIns: number;
}

/**
 * An approver lets a locked-out person try again at once, instead of waiting out the lock: the run of
 * failures and the lock end, and so does the name's window of attempts (lockout.ts). The
 * password is not touched: the person signs in with the one they have. Who unlocked, and when, is in
 * the audit trail (actor, at). Only approvers may, by the caller's access policy, checked here.
 */
export async function unlockAccount(deps: ServiceDeps, access: AccessPolicy, actor: Actor, raw: unknown): Promise<UnlockResult> {
  const input = parseInput(unlockAccountInput, raw);
  if (!access.isApprover(actor.id)) reject('username', 'not_allowed', 'Only approvers can unlock an account');
  const user = await findUserByUsername(deps.db, input.username.trim());
  if (!user) reject('username', 'not_found', `There is no user ${input.username.trim()}`);
  const now = deps.now();
  const wasLocked = lockHolds(user.lockedUntil, now);
  return deps.db.transaction(async (tx) => {
    await endLockout(tx, user, deps.settings.tenantSuffix);
    await recordAudit(tx, {
      actor: actor.id,
      action: 'user.unlocked',
      entityType: 'user',
      entityId: user.id,
      details: { username: user.username, wasLocked, failedSignIns: user.failedSignIns, lockedUntil: user.lockedUntil?.toISOString() ?? null, unlockedAt: now.toISOString() },
    });
    return { username: user.username, wasLocked, failedSignIns: user.failedSignIns };
  });
}
