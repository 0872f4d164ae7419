import { z } from 'zod';
import { issue } from './errors.js';
import type { FieldIssue } from './errors.js';

/** The longest address SMTP can carry (RFC 5321 path limit less the angle brackets). */
export const EMAIL_MAX_LENGTH = 254;

const FIELD = 'email';
const emailSchema = z.email();

export type EmailResult = { ok: true; email: string | null } | { ok: false; issue: FieldIssue };

/** Email is optional (clone seed), so a blank field means "none", not an error. */
export function parseEmail(raw: string | undefined | null): EmailResult {
  const email = (raw ?? '').trim();
  if (email === '') return { ok: true, email: null };
  if (email.length > EMAIL_MAX_LENGTH) {
    return { ok: false, issue: issue(FIELD, 'too_long', `Email can be at most ${EMAIL_MAX_LENGTH} characters`) };
  }
  if (!emailSchema.safeParse(email).success) {
    return { ok: false, issue: issue(FIELD, 'invalid_format', 'Email must be an address like name@example.com') };
  }
  return { ok: true, email };
}

/**
 * Emails are unique regardless of case: in practice every mail system treats Jane.Doe@ and jane.doe@
 * as one mailbox, and the seed refuses a second user with the same address.
 */
export function emailKey(e: string): string {
  return e.toLowerCase();
}

export function emailInUseMessage(email: string): string {
  return `Email ${email} is already used by another user`;
}
