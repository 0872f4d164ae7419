import type { NewNotification } from '../db/repositories/notifications.js';
import type { UserRow } from '../db/repositories/users.js';
import { signInName } from '../domain/sign-in-name.js';
import { welcomeNotifications } from '../notifications/messages.js';
import type { InitialCredential } from './create-user.js';

/**
 * The welcome email and DM for a user who has just been given a one-time password: a new user, or a
 * reactivated one, or one whose welcome is sent again. Returns the sign-in name too, which the requester's notice repeats.
 */
export function welcomeOf(
  requestId: string,
  user: Pick<UserRow, 'username' | 'firstName' | 'lastName' | 'email'>,
  password: { credential: InitialCredential; oneTimePassword?: string | undefined; reactivated?: boolean; resent?: boolean; extensionNumber?: number | null },
  context: { tenantSuffix: string; accountUrl: string },
): { signInName: string; notifications: NewNotification[] } {
  const signIn = signInName(user.username, context.tenantSuffix);
  const { credential, oneTimePassword } = password;
  const notifications = welcomeNotifications({
    requestId,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    signInName: signIn,
    accountUrl: context.accountUrl,
    passwordExpiresAt: credential.oneTime ? credential.expiresAt : null,
    ...(password.reactivated ? { reactivated: true } : { passwordFromRequester: credential.kind === 'typed' }),
    ...(password.resent ? { resent: true } : {}),
    ...(oneTimePassword === undefined ? {} : { oneTimePassword }),
    ...(password.extensionNumber ? { extensionNumber: password.extensionNumber } : {}),
  });
  return { signInName: signIn, notifications };
}
