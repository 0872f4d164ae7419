import type { NewNotification } from '../db/repositories/notifications.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { escapeMrkdwn, formatUtc, slackDate, userMention as mention } from '../text/mrkdwn.js';
import { accountEmail, DEFAULT_RULE_WORDS, PASSWORD_BLOCK_ID, requesterNotice } from './messages.js';
import type { EmailPayload, SlackBlock, SlackDmPayload } from './payloads.js';
import { REQUESTER_TOPICS } from './requester-notices.js';

/**
 * The wording of a recovery (a reset of the sign-in, the welcome sent again): what the user is sent,
 * saying why it came, and what the requester is told. Services hand over the facts. As with the welcome,
 * the default password is described by its rule, never written; a random one travels only in the DM's
 * payload (added when sent, erased after: messages.ts renderSlackDm), and then no email is sent at all.
 */
export const SIGN_IN_RESET_EMAIL_TOPIC = 'sign_in_reset_email';
export const SIGN_IN_RESET_DM_TOPIC = 'sign_in_reset_dm';

export interface SignInResetFacts {
  requestId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  signInName: string;
  accountUrl: string;
  passwordExpiresAt: Date | null;
  /** Only with PASSWORD_POLICY=random: goes in the DM only, and no email is sent. */
  oneTimePassword?: string;
  /** The account was locked and is open again. */
  wasLocked: boolean;
}

/** The reset notice by email (default policy only) and by DM (to the Slack member with that email). Nothing without an email. */
export function signInResetNotifications(f: SignInResetFacts): NewNotification[] {
  if (!f.email) return [];
  const out: NewNotification[] = [];
  if (!f.oneTimePassword) {
    const email: EmailPayload = {
      to: { name: `${f.firstName} ${f.lastName}`.trim(), address: f.email },
      subject: `Your sign-in was reset: sign in as ${f.signInName} with a new one-time password`,
      ...resetEmail(f),
    };
    out.push({ dedupeKey: `request:${f.requestId}:${SIGN_IN_RESET_EMAIL_TOPIC}`, channel: 'email', topic: SIGN_IN_RESET_EMAIL_TOPIC, requestId: f.requestId, payload: email });
  }
  const dm: SlackDmPayload = { email: f.email, ...resetDm(f), ...(f.oneTimePassword ? { oneTimePassword: f.oneTimePassword } : {}) };
  out.push({ dedupeKey: `request:${f.requestId}:${SIGN_IN_RESET_DM_TOPIC}`, channel: 'slack_dm', topic: SIGN_IN_RESET_DM_TOPIC, requestId: f.requestId, payload: dm });
  return out;
}

function why(f: SignInResetFacts): string {
  return `Your sign-in was reset at your team's request${f.wasLocked ? ', and your account is unlocked' : ''}: your previous password no longer works.`;
}

function passwordWords(f: SignInResetFacts, expiry: string): string {
  if (f.oneTimePassword) return `Sign in with your new one-time password (below) and choose a new password.${expiry}`;
  return `Sign in with your new one-time password and choose a new password. It follows the default rule: ${DEFAULT_RULE_WORDS}.${expiry}`;
}

function emailExpiry(f: SignInResetFacts): string {
  return f.passwordExpiresAt ? ` It works only once, only to choose your new password, and it expires on ${formatUtc(f.passwordExpiresAt)}.` : '';
}

function resetEmail(f: SignInResetFacts): { text: string; html: string } {
  return accountEmail({
    firstName: f.firstName,
    intro: why(f),
    signInName: f.signInName,
    password: passwordWords(f, emailExpiry(f)),
    link: { words: 'Sign in and choose your new password', url: f.accountUrl },
    footer: 'If you did not ask for this, tell your team lead.',
  });
}

function resetDm(f: SignInResetFacts): { text: string; blocks: SlackBlock[] } {
  const expiry = f.passwordExpiresAt ? ` It works only once, only to choose your new password, and expires ${slackDate(f.passwordExpiresAt)}.` : '';
  const intro = `Hello ${escapeMrkdwn(f.firstName)}. ${why(f)}`;
  const signIn = `*Sign in as:* \`${escapeMrkdwn(f.signInName)}\``;
  const password = passwordWords(f, expiry);
  const link = `<${escapeMrkdwn(f.accountUrl)}|Sign in and choose your new password>`;
  return {
    text: [intro, signIn, password, link].join('\n\n'),
    blocks: [
      { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: intro } },
      { type: 'section', block_id: 'sign_in', text: { type: 'mrkdwn', text: signIn } },
      { type: 'section', block_id: PASSWORD_BLOCK_ID, text: { type: 'mrkdwn', text: password } },
      { type: 'section', block_id: 'link', text: { type: 'mrkdwn', text: link } },
    ],
  };
}

type Decided = Pick<RequestRow, 'id' | 'requesterId' | 'approverId'>;

/** What the requester is told once a reset or a resend is done (mrkdwn, escaped). */
export function recoveryDoneNotice(
  request: Decided,
  facts: { kind: 'reset' | 'resend'; username: string; signInName: string; freshPassword: boolean; wasLocked: boolean; byEmail: boolean },
): NewNotification {
  const by = request.approverId && request.approverId !== request.requesterId ? ` (approved by ${mention(request.approverId)})` : '';
  const who = escapeMrkdwn(facts.username);
  const channels = facts.byEmail ? 'an email, and a Slack DM where possible' : 'a Slack DM';
  const text =
    facts.kind === 'reset'
      ? `:white_check_mark: The sign-in of ${who} is reset${by}${facts.wasLocked ? ' and the account unlocked' : ''}: their previous password no longer works. They get ${channels}, with a new one-time password for \`${escapeMrkdwn(facts.signInName)}\`.`
      : `:white_check_mark: The welcome was sent again to ${who}${by}: ${channels}${facts.freshPassword ? ', with a new one-time password (the previous one had expired or could not be sent again)' : ', with their current one-time password'} for \`${escapeMrkdwn(facts.signInName)}\`.`;
  return requesterNotice({ requestId: request.id, requesterId: request.requesterId, topic: REQUESTER_TOPICS.completed, text });
}
