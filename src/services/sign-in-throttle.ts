import { addressKey, secondsUntil, type AttemptScope } from '../domain/sign-in-limits.js';
import { parseSignInName } from '../domain/sign-in-name.js';
import { validateUsername } from '../domain/username.js';
import { countAttempt, forgetEndedAttemptWindows } from '../db/repositories/sign-in-attempts.js';
import type { ServiceDeps } from './context.js';

/**
 * Counts a sign-in attempt against its client address and its sign-in name before anything is hashed,
 * in the shared database, so the limits hold across instances (settings.signInLimits). Over a limit,
 * TooManyAttempts says when to come back; nothing else is said, and an unknown name is counted exactly
 * like a real account, so the refusal tells nobody whether an account exists.
 */

export class TooManyAttempts extends Error {
  override readonly name = 'TooManyAttempts';
  constructor(
    readonly scope: AttemptScope,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many sign-in attempts for this ${scope}`);
  }
}

/** Ended windows are deleted at most this often per process: they count for nothing meanwhile. */
const CLEAN_UP_EVERY_MS = 10 * 60_000;
let lastCleanUp = 0;

export async function throttleAttempt(deps: ServiceDeps, signInName: string, clientAddress: string | undefined): Promise<void> {
  const { perAddress, perAccount, windowMinutes } = deps.settings.signInLimits;
  const now = deps.now();
  const windowMs = windowMinutes * 60_000;
  const counted: [AttemptScope, string | undefined, number][] = [
    ['address', addressKey(clientAddress), perAddress],
    ['account', accountKey(signInName, deps.settings.tenantSuffix), perAccount],
  ];
  for (const [scope, key, limit] of counted) {
    if (key === undefined) continue;
    const result = await countAttempt(deps.db, scope, key, now, limit, windowMs);
    if (!result.allowed) throw new TooManyAttempts(scope, secondsUntil(result.windowEndsAt, now));
  }
  if (Math.abs(now.getTime() - lastCleanUp) > CLEAN_UP_EVERY_MS) {
    lastCleanUp = now.getTime();
    await forgetEndedAttemptWindows(deps.db, now);
  }
}

/**
 * The name an account is counted under: `username@suffix` in lower case, for any well-formed name of
 * this tenant, whether or not such a user exists. Anything else (no account can have it) is not
 * counted per account, and never stored: it may be a password typed into the wrong field.
 */
export function accountKey(signInName: string, tenantSuffix: string): string | undefined {
  const parsed = parseSignInName(signInName);
  if (!parsed || parsed.suffix.toLowerCase() !== tenantSuffix.toLowerCase()) return undefined;
  const checked = validateUsername(parsed.username);
  if (!checked.ok || checked.username !== parsed.username) return undefined;
  return `${parsed.username.toLowerCase()}@${tenantSuffix.toLowerCase()}`;
}
