import { randomInt } from 'node:crypto';
import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

/**
 * The seeds' default password: first-name initial upper case + last-name initial lower case + the
 * digits of the phone number as entered + `!!` (Jane Doe, 555-555-1234 → Jd5555551234!!). Anyone who
 * knows a name and a phone number can compute it, so it is only ever a one-time credential.
 * Inputs are expected already validated; blank names or a phone without digits are a programming error.
 */
export function defaultPassword(firstName: string, lastName: string, phoneAsTyped: string): string {
  const first = firstCodePoint(firstName);
  const last = firstCodePoint(lastName);
  const digits = phoneAsTyped.replace(/\D/g, '');
  if (first === null || last === null || digits === '') {
    throw new Error('defaultPassword needs a first name, a last name and a phone number with digits');
  }
  // toUpperCase may give several characters (ß → SS); all of them are kept, as the seed's rule is
  // "the initial in upper case", not "one character".
  return `${first.toUpperCase()}${last.toLowerCase()}${digits}!!`;
}

// NFC first, so an É typed as E + combining accent is still one initial, É, and not a bare E.
function firstCodePoint(name: string): string | null {
  const cp = name.trim().normalize('NFC').codePointAt(0);
  return cp === undefined ? null : String.fromCodePoint(cp);
}

// Look-alikes (0/O, 1/l/I) are left out because the password is read from a DM and typed by hand;
// the symbols are ones Slack mrkdwn neither formats (* _ ~ `) nor escapes (& < >).
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#$%+=?@';
const RANDOM_PASSWORD_LENGTH = 20;

/** A random one-time password from the CSPRNG, with at least one of each character class. */
export function randomOneTimePassword(): string {
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map(pick);
  while (chars.length < RANDOM_PASSWORD_LENGTH) chars.push(pick(all));
  // Fisher–Yates, so the guaranteed classes are not always in the first four places.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}

/** The SPEC: a default or random one-time password expires after 72 hours unless the operator says otherwise. */
export const DEFAULT_PASSWORD_TTL_HOURS = 72;

export function oneTimePasswordExpiresAt(now: Date, ttlHours: number): Date {
  if (!Number.isFinite(ttlHours) || ttlHours <= 0) throw new RangeError(`ttlHours must be positive, got ${ttlHours}`);
  return new Date(now.getTime() + ttlHours * 3_600_000);
}

/** No expiry (null) means the password is not a one-time one. The expiry instant itself is already too late. */
export function isOneTimePasswordExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

/** 12 is the shortest a chosen password can be; 128 keeps the slow hash's input bounded. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const NEW_PASSWORD_FIELD = 'newPassword';

/** The rules for the password a user picks at first sign-in. Returns the first rule broken, or null. */
export function checkNewPassword(newPassword: string, ctx: { username: string; oneTimePassword?: string }): FieldIssue | null {
  const length = [...newPassword].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return issue(NEW_PASSWORD_FIELD, 'password_weak', `New password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return issue(NEW_PASSWORD_FIELD, 'password_weak', `New password can be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (ctx.oneTimePassword !== undefined && newPassword === ctx.oneTimePassword) {
    return issue(NEW_PASSWORD_FIELD, 'password_is_default', 'New password must be different from the one-time password');
  }
  const username = ctx.username.trim().toLowerCase();
  if (username !== '' && newPassword.toLowerCase().includes(username)) {
    return issue(NEW_PASSWORD_FIELD, 'password_contains_username', 'New password must not contain your username');
  }
  return null;
}

/**
 * `default` is the seeds' computable password; `random` is the operator's stronger choice (SPEC:
 * `PASSWORD_POLICY=random`, delivered by DM only).
 */
export const PASSWORD_POLICIES = ['default', 'random'] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

export interface InitialPassword {
  readonly password: string;
  readonly kind: 'typed' | 'default' | 'random';
  /** Always true today: whoever set the initial password, only the user should know the lasting one. */
  readonly oneTime: boolean;
}

/**
 * The password a new account starts with. A password typed by the requester wins over the policy (the
 * HCC seed: "Create an initial password (the user can change this later)"), but the requester and
 * possibly the approvals trail know it, so it is one-time like the others and must be changed at first
 * sign-in. A typed value made only of spaces counts as not typed.
 */
export function initialPassword(
  policy: PasswordPolicy,
  person: { firstName: string; lastName: string; phoneAsTyped: string; typedPassword?: string | null },
): InitialPassword {
  const typed = person.typedPassword;
  if (typed !== undefined && typed !== null && typed.trim() !== '') return { password: typed, kind: 'typed', oneTime: true };
  if (policy === 'random') return { password: randomOneTimePassword(), kind: 'random', oneTime: true };
  return { password: defaultPassword(person.firstName, person.lastName, person.phoneAsTyped), kind: 'default', oneTime: true };
}
