import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The SPEC: at least 32 characters, from a CSPRNG, never chosen by a person. */
export const DEVICE_SECRET_MIN_LENGTH = 32;

const SECRET_BYTES = 32;

/**
 * 256 random bits as base64url (43 characters): URL- and SIP-config-safe, with no padding or signs
 * that a provisioning file might need to escape.
 */
export function generateDeviceSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * Whether a presented secret is the stored one, compared as SHA-256 digests with timingSafeEqual: the
 * time taken says neither how much matched nor how long the stored secret is. A missing stored secret
 * (no such extension) is compared against a digest nothing matches, so it takes the same time.
 */
export function sameDeviceSecret(presented: string, stored: string | undefined): boolean {
  const given = createHash('sha256').update(presented, 'utf8').digest();
  const expected = stored === undefined ? NOTHING_MATCHES : createHash('sha256').update(stored, 'utf8').digest();
  return timingSafeEqual(given, expected) && stored !== undefined;
}

const NOTHING_MATCHES = randomBytes(32);

/** How long a "Show my phone's settings" button works after the page offered it. */
export const REVEAL_TOKEN_TTL_MINUTES = 10;

/** A reveal token: 256 random bits, shown only in one no-store page's hidden field. */
export function generateRevealToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a reveal token: its SHA-256 (a random 256-bit token needs no slow hash). */
export function revealTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
