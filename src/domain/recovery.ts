import type { PasswordPolicy } from './password.js';
import { isOneTimePasswordExpired } from './password.js';

/**
 * Recovery of a user's access (issue 10, item 1): a reset of their sign-in, or the welcome sent again.
 * Pure rules: who may ask, and whether it takes an approval; what a resend of the welcome sends.
 */
export type RecoveryRoute = 'needs_approval' | 'at_once' | 'not_allowed';

/**
 * RESET_NEEDS_APPROVAL true: anyone who may make requests may ask, and an approver decides, as for any
 * request. False: only approvers may ask (a reset hands out a new password, so someone trusted with
 * approving must be the one asking), and theirs is carried out at once.
 */
export function recoveryRoute(needsApproval: boolean, asker: { canRequest: boolean; isApprover: boolean }): RecoveryRoute {
  if (needsApproval) return asker.canRequest ? 'needs_approval' : 'not_allowed';
  return asker.isApprover ? 'at_once' : 'not_allowed';
}

/**
 * What a resend of the welcome does with the password:
 * - `chosen`: the user signed in and chose their own password: refused (a reset is what they need);
 * - `fresh`: a new one-time password comes with it: the current one has expired, there is none, or it
 *   cannot be sent again (PASSWORD_POLICY=random: only its hash is kept, and the DM that had it erased it);
 * - `check_current`: under the default policy an unexpired one-time password may still be the default
 *   rule's for the user's phone today, which the welcome describes; the caller checks it against the hash
 *   (a typed one, or one made before the phone was edited, is not) and makes a fresh one otherwise.
 */
export type ResendPassword = 'chosen' | 'fresh' | 'check_current';

export function resendPassword(
  user: { passwordHash: string | null; passwordOneTime: boolean; passwordExpiresAt: Date | null },
  policy: PasswordPolicy,
  now: Date,
): ResendPassword {
  if (user.passwordHash !== null && !user.passwordOneTime) return 'chosen';
  if (user.passwordHash === null || isOneTimePasswordExpired(user.passwordExpiresAt, now)) return 'fresh';
  return policy === 'random' ? 'fresh' : 'check_current';
}
