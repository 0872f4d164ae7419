import { validateUsername } from './username.js';

/** The clone seed: "The tenant-suffix is three characters used to identify the organization". */
export const TENANT_SUFFIX_LENGTH = 3;

const SUFFIX = /^[A-Za-z0-9]{3}$/;

export function isTenantSuffix(s: string): boolean {
  return SUFFIX.test(s);
}

/** `username@tenant-suffix`, how a user signs in to the portal and the other contact-center applications. */
export function signInName(username: string, suffix: string): string {
  if (!isTenantSuffix(suffix)) throw new Error(`tenant suffix must be ${TENANT_SUFFIX_LENGTH} letters or digits, got "${suffix}"`);
  const checked = validateUsername(username);
  if (!checked.ok || checked.username !== username) throw new Error(`not a valid username: "${username}"`);
  return `${username}@${suffix}`;
}

/**
 * Splits on the last @, so whatever precedes it is looked up as a username (and simply not found when
 * it is not one). Surrounding spaces, easy to paste, are ignored. Null when the text has no suffix.
 */
export function parseSignInName(s: string): { username: string; suffix: string } | null {
  const text = s.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0) return null;
  const username = text.slice(0, at);
  const suffix = text.slice(at + 1);
  return isTenantSuffix(suffix) ? { username, suffix } : null;
}
