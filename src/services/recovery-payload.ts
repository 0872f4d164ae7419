import { z } from 'zod';

/**
 * What a reset of a user's sign-in or a resend of their welcome stores: whom it is for
 * (requests.recovery_user_id is the source of truth; the names are kept for showing the request). No
 * password: the new one is made when it is carried out. The username is under `account`, not `username`: a payload's `username`
 * falls under requests_open_username, which would make a reset wait for an open edit of the same user.
 */
export const recoveryPayload = z.object({
  account: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
});
export type RecoveryPayload = z.output<typeof recoveryPayload>;

export function isRecoveryPayload(p: object): p is RecoveryPayload {
  return 'account' in p && !('userVersion' in p);
}
