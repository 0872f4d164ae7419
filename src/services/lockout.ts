import type { Db } from '../db/client.js';
import { clearAttempts } from '../db/repositories/sign-in-attempts.js';
import { clearLockout } from '../db/repositories/sign-in.js';
import type { UserRow } from '../db/repositories/users.js';
import { signInName } from '../domain/sign-in-name.js';
import { accountKey } from './sign-in-throttle.js';

/** Whether a lock holds at `now`: one whose time has passed locks nothing. */
export function lockHolds(lockedUntil: Date | null | undefined, now: Date): boolean {
  return lockedUntil != null && lockedUntil.getTime() > now.getTime();
}

/**
 * Lets a locked-out person try again at once, in the caller's transaction: their run of failures and
 * the lock end, and so does the window of attempts counted under their sign-in name
 * (sign-in-throttle.ts), which would otherwise refuse them until it ends. The password is not touched.
 * Unlock (unlock-account.ts) does only this; a reset (reset-sign-in.ts) does it beside its new password.
 * The user as they now are (undefined: no such user).
 */
export async function endLockout(tx: Db, user: { id: number; username: string }, tenantSuffix: string): Promise<UserRow | undefined> {
  const unlocked = await clearLockout(tx, user.id);
  const key = accountKey(signInName(user.username, tenantSuffix), tenantSuffix);
  if (key !== undefined) await clearAttempts(tx, 'account', key);
  return unlocked;
}
