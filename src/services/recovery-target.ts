import { issue, type FieldIssue } from '../domain/errors.js';
import type { RecoveryKind } from '../domain/request-state.js';
import type { UserRow } from '../db/repositories/users.js';

/**
 * Whether a user's access can be recovered (a reset, a resend of the welcome): checked when it is asked
 * for, and again when it is carried out (the user may have been deactivated meanwhile). Null when it can.
 */
export function recoveryUserIssue(kind: RecoveryKind, user: Pick<UserRow, 'username' | 'status' | 'email'>): FieldIssue | null {
  const what = kind === 'reset_sign_in' ? 'their sign-in cannot be reset' : 'the welcome cannot be sent again';
  if (user.status !== 'active') return issue('username', 'already_deactivated', `${user.username} is deactivated, so ${what}: reactivate them instead`);
  // Both go by email, and the DM to the Slack member with that email: without one nothing can reach them.
  if (!user.email) return issue('username', 'required', `${user.username} has no email address on file, so ${what}: nothing could reach them. Add one with an edit first`);
  return null;
}

export function passwordChosenIssue(username: string): FieldIssue {
  return issue('username', 'not_allowed', `${username} has already signed in and chosen a password; use Reset sign-in`);
}
