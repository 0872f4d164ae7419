import { issue, type FieldIssue } from '../domain/errors.js';
import { parseEmail } from '../domain/email.js';
import type { PasswordPolicy } from '../domain/password.js';

/**
 * What Slack says about an email address: an active member who can be sent a DM, nobody (or only a
 * deactivated account or a bot), or no answer at all (Slack unreachable, slow, or refusing the call).
 */
export type SlackMemberStatus = 'member' | 'no_member' | 'unknown';

/** The port a use case asks "is there a Slack member with this email?"; the Slack layer answers it. */
export type FindSlackMember = (email: string) => Promise<SlackMemberStatus>;

export const RANDOM_PASSWORD_NEEDS_EMAIL_TEXT =
  'An email is required: the one-time password (PASSWORD_POLICY=random) is sent only by Slack DM to the member with this email';

/**
 * Under PASSWORD_POLICY=random the one-time password is made at approval and delivered only by DM to
 * the Slack member with the new user's email. Without such a member it could never reach anyone, so
 * the request is refused on Email when it is submitted. A typed password needs no delivery. When Slack
 * cannot be asked (no port, an outage, a timeout), the request is refused too, saying it could not be
 * checked: fail closed, since a request stored on a guess may end with an account nobody can sign in to.
 * An email that is itself malformed is left to the email rule's own message.
 */
export async function oneTimePasswordDeliveryIssue(
  policy: PasswordPolicy,
  input: { email?: string | null | undefined; password?: string | null | undefined },
  findSlackMember: FindSlackMember | undefined,
): Promise<FieldIssue | null> {
  if (policy !== 'random' || (input.password ?? '').trim() !== '') return null;
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return null;
  if (parsed.email === null) return issue('email', 'required', RANDOM_PASSWORD_NEEDS_EMAIL_TEXT);
  const status = findSlackMember ? await findSlackMember(parsed.email).catch((): SlackMemberStatus => 'unknown') : 'unknown';
  if (status === 'member') return null;
  if (status === 'no_member') {
    return issue('email', 'not_found', `No active Slack member has the email ${parsed.email}, so the one-time password could not be sent: use the address they have in Slack`);
  }
  return issue('email', 'not_found', 'Could not check with Slack who has this email, which the one-time password needs: please submit again in a moment');
}
