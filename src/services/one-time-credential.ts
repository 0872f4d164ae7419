import { initialPassword, oneTimePasswordExpiresAt } from '../domain/password.js';
import { hashPassword } from '../domain/password-hash.js';
import { nationalDigits } from '../domain/phone.js';
import type { UserRow } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import type { InitialCredential } from './create-user.js';

export interface FreshCredential {
  credential: InitialCredential;
  /** Only under PASSWORD_POLICY=random: the one-time password in clear, for the user's DM (never stored). */
  oneTimePassword?: string;
}

/**
 * A new one-time password for an existing user under PASSWORD_POLICY, hashed (slow: call it before any
 * transaction): a reactivation, a reset of their sign-in, a resend of the welcome. The phone's typed form
 * is long gone: the default rule is applied to its national digits.
 */
export async function freshOneTimeCredential(deps: Pick<ServiceDeps, 'settings' | 'now'>, user: Pick<UserRow, 'firstName' | 'lastName' | 'phone'>): Promise<FreshCredential> {
  const password = defaultRulePassword(deps, user);
  const credential: InitialCredential = {
    hash: await hashPassword(password.password),
    kind: password.kind,
    oneTime: password.oneTime,
    expiresAt: oneTimePasswordExpiresAt(deps.now(), deps.settings.defaultPasswordTtlHours),
  };
  return { credential, ...(password.kind === 'random' ? { oneTimePassword: password.password } : {}) };
}

/** The password the policy gives this user today (the default rule on their phone, or a random one). */
export function defaultRulePassword(deps: Pick<ServiceDeps, 'settings'>, user: Pick<UserRow, 'firstName' | 'lastName' | 'phone'>) {
  return initialPassword(deps.settings.passwordPolicy, { firstName: user.firstName, lastName: user.lastName, phoneAsTyped: nationalDigits(user.phone) });
}
