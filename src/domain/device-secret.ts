import { randomBytes } from 'node:crypto';

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
