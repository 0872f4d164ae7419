/**
 * How many sign-in attempts one client address and one account may make in a window, before the
 * sign-in door answers "too many attempts" without hashing anything. These bound what a guesser (or a
 * flood) can cost, across every instance, since the counters live in the shared database.
 *
 * The defaults are sized for a contact center whose new hires may sign in from one site behind one NAT
 * address on their first Monday: a few attempts each (sign in, change the password, a typo or two).
 * The lockout (10 failures in a row lock an existing account for 15 minutes) is separate and stays.
 */
export interface SignInLimits {
  /** Attempts one client address may make per window. */
  readonly perAddress: number;
  /** Attempts against one sign-in name per window, whether the account exists or not. */
  readonly perAccount: number;
  readonly windowMinutes: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAddress: 200, perAccount: 30, windowMinutes: 15 };

export const ATTEMPT_SCOPES = ['address', 'account'] as const;
export type AttemptScope = (typeof ATTEMPT_SCOPES)[number];

/**
 * The key an address is counted under. IPv4 (also when mapped into IPv6) counts per address; IPv6
 * counts per /64, since one household or server is handed a whole /64 and could otherwise rotate
 * through its addresses. Undefined when there is no usable address (the account counter still applies).
 */
export function addressKey(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const trimmed = address.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  if (mapped) return mapped[1];
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(trimmed)) return trimmed;
  const groups = expandIpv6(trimmed);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : undefined;
}

/** The eight 16-bit groups of an IPv6 address (without an embedded IPv4 tail), or null. */
function expandIpv6(text: string): string[] | null {
  if (!/^[0-9a-f:]+$/.test(text) || text.split('::').length > 2) return null;
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  if (groups.some((g) => g === '' || g.length > 4)) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}

/** Whole seconds until `until`, at least 1: what a `Retry-After` header says. */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
