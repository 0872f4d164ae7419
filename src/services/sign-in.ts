import { z } from 'zod';
import { issue, InvalidInput } from '../domain/errors.js';
import { checkNewPassword, defaultPassword, isOneTimePasswordExpired } from '../domain/password.js';
import { hashPassword, unmatchableHash, verifyPassword } from '../domain/password-hash.js';
import { parseSignInName } from '../domain/sign-in-name.js';
import { validateUsername } from '../domain/username.js';
import { recordAudit } from '../db/repositories/audit.js';
import { recordFailedSignIn, recordSuccessfulSignIn, replacePassword } from '../db/repositories/sign-in.js';
import { findUserByUsername, type UserRow } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import { parseInput } from './input.js';
import { signInHashSlots } from './sign-in-hash-slots.js';
import { accountKey, throttleAttempt } from './sign-in-throttle.js';

/**
 * The new user's first sign-in (SPEC "The new user's first sign-in"): check a sign-in, and change the
 * password. No HTTP here; src/http/account.ts serves both as a page and as JSON.
 *
 * Outward there are only two answers: it worked, or `invalid_credentials`. An unknown sign-in name,
 * a wrong password, an expired one-time password, a locked or deactivated account all give the same
 * answer after the same slow hash, so nobody can learn which accounts exist. The reason is kept in
 * the audit trail for the admins.
 *
 * Before any of that, an attempt is counted per client address and per name (sign-in-throttle.ts:
 * TooManyAttempts, across instances), then waits for one of this process's hash slots
 * (sign-in-hash-slots.ts: SignInBusy when they and their queue are full). Neither refusal hashes.
 */

/** After this many failures in a row the account is locked… */
export const MAX_FAILED_SIGN_INS = 10;
/** …for this long. */
export const LOCK_MINUTES = 15;

/** Generous for any password and bounded, so a huge body cannot make the slow hash slower. */
const MAX_PASSWORD_INPUT = 1024;
const MAX_SIGN_IN_NAME = 254;

export const signInInput = z.object({
  signInName: z.string().max(MAX_SIGN_IN_NAME),
  password: z.string().min(1).max(MAX_PASSWORD_INPUT),
});
export type SignInInput = z.input<typeof signInInput>;

export const changePasswordInput = z.object({
  signInName: z.string().max(MAX_SIGN_IN_NAME),
  currentPassword: z.string().min(1).max(MAX_PASSWORD_INPUT),
  // The length rule itself is checkNewPassword's, so its message is the one a person reads.
  newPassword: z.string().max(MAX_PASSWORD_INPUT),
});
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

export type SignInResult = { ok: true; passwordChangeRequired: boolean } | { ok: false; error: 'invalid_credentials' };
export type ChangePasswordResult = { ok: true } | { ok: false; error: 'invalid_credentials' };

/** Where an attempt came from, for the audit trail. */
export interface AttemptContext {
  readonly channel: 'web' | 'api';
  /** The client's address as the HTTP layer decided it (src/http/client-address.ts), for the per-address limit. */
  readonly clientAddress?: string | undefined;
}

/** Why an attempt failed: audit only, never told to the person or the calling application. */
export type FailureReason = 'unknown_user' | 'wrong_password' | 'password_expired' | 'no_password' | 'deactivated' | 'locked';

/** The audit actor for sign-in events: the person is not known to be who they say until it worked. */
export const SIGN_IN_ACTOR = 'sign-in';

const INVALID: SignInResult & ChangePasswordResult = { ok: false, error: 'invalid_credentials' };

export async function signIn(deps: ServiceDeps, raw: unknown, context: AttemptContext = { channel: 'api' }): Promise<SignInResult> {
  const input = parseInput(signInInput, raw);
  await throttleAttempt(deps, input.signInName, context.clientAddress);
  return signInHashSlots.run(async () => {
    const checked = await authenticate(deps, input.signInName, input.password, context, 'sign_in');
    if (!checked.ok) return INVALID;
    await audit(deps, checked.user, 'user.sign_in', { channel: context.channel, passwordChangeRequired: checked.user.passwordOneTime });
    return { ok: true, passwordChangeRequired: checked.user.passwordOneTime };
  });
}

/**
 * Sets a new password, authenticated by the current one (the one-time password at first sign-in).
 * A wrong current password answers like a failed sign-in (and counts as one); a new password that
 * breaks a rule is an InvalidInput on `newPassword`, as every other form error in the app.
 */
export async function changePassword(deps: ServiceDeps, raw: unknown, context: AttemptContext = { channel: 'api' }): Promise<ChangePasswordResult> {
  const input = parseInput(changePasswordInput, raw);
  await throttleAttempt(deps, input.signInName, context.clientAddress);
  // One slot for both hashes (the check, then the new password), so a change is never refused halfway.
  return signInHashSlots.run(() => changeAuthenticated(deps, input, context));
}

async function changeAuthenticated(deps: ServiceDeps, input: z.output<typeof changePasswordInput>, context: AttemptContext): Promise<ChangePasswordResult> {
  const checked = await authenticate(deps, input.signInName, input.currentPassword, context, 'password_change');
  if (!checked.ok) return INVALID;
  const { user } = checked;

  const refused = newPasswordIssue(user, input.currentPassword, input.newPassword);
  if (refused) {
    await audit(deps, user, 'user.password_change_refused', { channel: context.channel, code: refused.code });
    throw new InvalidInput([refused]);
  }

  // The slow hash runs outside any transaction; the update then only wins if nothing changed meanwhile.
  const newHash = await hashPassword(input.newPassword);
  const now = deps.now();
  const changed = await deps.db.transaction(async (tx) => {
    if (!(await replacePassword(tx, user.id, user.passwordHash ?? '', newHash, now))) return false;
    await recordAudit(tx, auditEntry(user, 'user.password_changed', { channel: context.channel, wasOneTime: user.passwordOneTime }));
    return true;
  });
  if (!changed) {
    // Another request changed the password (or locked the account) between our check and our write.
    await audit(deps, user, 'user.password_change_failed', { channel: context.channel, reason: 'concurrent_change' });
    return INVALID;
  }
  return { ok: true };
}

type Authenticated = { ok: true; user: UserRow & { passwordHash: string } } | { ok: false };

/**
 * The shared check. Every path runs exactly one scrypt verification (against a dummy hash when there
 * is no usable one), so the time taken does not say whether the account exists.
 */
async function authenticate(deps: ServiceDeps, signInName: string, password: string, context: AttemptContext, attempt: 'sign_in' | 'password_change'): Promise<Authenticated> {
  const user = await findBySignInName(deps, signInName);
  const hash = user?.passwordHash ?? null;
  const matches = await verifyPassword(password, hash ?? DUMMY_HASH);
  const now = deps.now();

  const failure = (reason: FailureReason, extra: Record<string, unknown> = {}) =>
    audit(deps, user ?? null, 'user.sign_in_failed', { channel: context.channel, attempt, reason, ...extra, ...(user ? {} : unknownName(signInName)) });

  if (!user) {
    await failure('unknown_user');
    return { ok: false };
  }
  if (user.status !== 'active') {
    await failure('deactivated');
    return { ok: false };
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
    await failure('locked', { lockedUntil: user.lockedUntil.toISOString() });
    return { ok: false };
  }
  if (hash === null || !matches) {
    const reason: FailureReason = hash === null ? 'no_password' : 'wrong_password';
    const counted = await recordFailedSignIn(deps.db, user.id, now, MAX_FAILED_SIGN_INS, LOCK_MINUTES * 60_000);
    if (!counted) {
      await failure('locked');
      return { ok: false };
    }
    const lockedNow = counted.lockedUntil !== null && counted.lockedUntil.getTime() > now.getTime();
    await failure(reason, { failedSignIns: counted.failedSignIns, ...(lockedNow ? { lockedUntil: counted.lockedUntil?.toISOString() } : {}) });
    return { ok: false };
  }
  // The right one-time password, too late: a failure like any other, told apart only in the audit trail.
  if (user.passwordOneTime && isOneTimePasswordExpired(user.passwordExpiresAt, now)) {
    const counted = await recordFailedSignIn(deps.db, user.id, now, MAX_FAILED_SIGN_INS, LOCK_MINUTES * 60_000);
    await failure(counted ? 'password_expired' : 'locked', counted ? { failedSignIns: counted.failedSignIns } : {});
    return { ok: false };
  }
  if (!(await recordSuccessfulSignIn(deps.db, user.id, now))) {
    // Locked by a concurrent failure between our read and now.
    await failure('locked');
    return { ok: false };
  }
  return { ok: true, user: { ...user, passwordHash: hash } };
}

/** `username@suffix` with this tenant's suffix; both parts compared regardless of case. */
async function findBySignInName(deps: ServiceDeps, signInName: string): Promise<UserRow | undefined> {
  const key = accountKey(signInName, deps.settings.tenantSuffix);
  return key === undefined ? undefined : findUserByUsername(deps.db, key.slice(0, key.lastIndexOf('@')));
}

/**
 * What the audit keeps of a name that matched no one: only when it looks like a sign-in name, since a
 * person who typed their password into the name field must not find it in the audit trail.
 */
function unknownName(signInName: string): Record<string, unknown> {
  const parsed = parseSignInName(signInName);
  const looksLikeName = parsed !== null && validateUsername(parsed.username).ok;
  return looksLikeName ? { attemptedSignInName: signInName.trim().toLowerCase() } : {};
}

/**
 * The rules for the new password: checkNewPassword's (length, not the one-time password, not the
 * username), and not the seeds' computable default either, even when the current password is another.
 */
function newPasswordIssue(user: UserRow, currentPassword: string, newPassword: string) {
  const ruled = checkNewPassword(newPassword, { username: user.username, oneTimePassword: currentPassword });
  if (ruled) return ruled;
  if (computableDefaults(user).includes(newPassword)) {
    return issue('newPassword', 'password_is_default', 'New password must be different from the one-time password');
  }
  return null;
}

/**
 * The default password is built from the phone's digits as typed, which are not stored; the stored
 * E.164 number gives the two usual ways to type it (with and without the country code).
 */
function computableDefaults(user: UserRow): string[] {
  const e164Digits = user.phone.replace(/\D/g, '');
  const candidates = new Set<string>();
  const add = (digits: string) => {
    if (digits === '') return;
    try {
      candidates.add(defaultPassword(user.firstName, user.lastName, digits));
    } catch {
      // A blank name cannot happen for a stored user; nothing to compare with then.
    }
  };
  add(e164Digits);
  // The national number: E.164 minus the country calling code (1–3 digits). Every split is tried,
  // which only ever refuses a few more passwords that are built from the user's own phone number.
  for (let cc = 1; cc <= 3 && cc < e164Digits.length; cc++) add(e164Digits.slice(cc));
  return [...candidates];
}

function auditEntry(user: UserRow | null, action: string, details: Record<string, unknown>) {
  return { actor: SIGN_IN_ACTOR, action, entityType: 'user' as const, entityId: user ? user.id : 'unknown', details: user ? { username: user.username, ...details } : details };
}

async function audit(deps: ServiceDeps, user: UserRow | null, action: string, details: Record<string, unknown>): Promise<void> {
  await recordAudit(deps.db, auditEntry(user, action, details));
}

/**
 * What an attempt without a user's hash is verified against: one scrypt, as with a user's. Made
 * without hashing (see unmatchableHash), so it is ready at once and start-up computes nothing: the
 * scrypt the bot used to make here took a core for ~0.3 s and 128 MiB at every start.
 */
const DUMMY_HASH = unmatchableHash();
