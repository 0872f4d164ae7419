import type { NewNotification } from '../db/repositories/notifications.js';
import { escapeHtml } from '../text/html.js';
import { escapeMrkdwn, formatUtc, slackDate } from '../text/mrkdwn.js';
import type { EmailPayload, SlackBlock, SlackDmPayload, SlackPostPayload } from './payloads.js';

/**
 * Pure builders: the notifications a change produces, rendered now and queued in the same transaction
 * as the change (enqueueNotifications). Text typed by people (names, usernames) is escaped for where it
 * goes: `& < >` for Slack mrkdwn, HTML entities for the email's HTML part.
 *
 * The default password itself is never written anywhere: the messages describe its rule in words.
 * With PASSWORD_POLICY=random the one-time password travels in the DM's payload only (never the
 * email), apart from the text, and is added when the DM is sent (renderSlackDm) and erased after.
 */
export interface WelcomeFacts {
  requestId: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  signInName: string;
  accountUrl: string;
  passwordExpiresAt: Date | null;
  /** only with PASSWORD_POLICY=random: goes in the DM only, never the email */
  oneTimePassword?: string;
  /** The requester typed the first password: the user gets it from them, not from the default rule. */
  passwordFromRequester?: boolean;
  /** The account existed and was deactivated: it is active again (the welcome is sent anew). */
  reactivated?: boolean;
  /** Sent again at the team's request (a resend of the welcome): said so, first thing. */
  resent?: boolean;
  /** The extension the new user holds: the account page then offers its settings once (never the secret here). */
  extensionNumber?: number | null;
}

/** The phone step, in words: where the settings are, never the secret itself. */
function phoneWords(f: WelcomeFacts): string | null {
  if (f.extensionNumber === undefined || f.extensionNumber === null) return null;
  return `Your phone extension is ${f.extensionNumber}. After you choose your password, the same page offers "Show my phone's settings": it shows your phone's device secret once, so have your phone or softphone ready to type it in.`;
}

const RESENT_WORDS = 'Your team asked for this welcome to be sent to you again.';

const FROM_REQUESTER_WORDS = 'Your first password is the one the person who asked for your account chose: ask them for it.';

export const WELCOME_EMAIL_TOPIC = 'welcome_email';
export const WELCOME_DM_TOPIC = 'welcome_dm';

/** The block of the welcome DM (and of any DM with a one-time password) after which the password is shown. */
export const PASSWORD_BLOCK_ID = 'password';
const ONE_TIME_PASSWORD_BLOCK_ID = 'one_time_password';

/** The default password rule, in words (the seeds' rule; SPEC "Rules from the seeds"). */
export const DEFAULT_RULE_WORDS =
  'the first letter of your first name in upper case, the first letter of your last name in lower case, the digits of your phone number, then two exclamation marks (!!)';

/**
 * The welcome email (when the new user has an email) and the welcome DM (to the Slack member with that
 * email, looked up when sending; skipped when there is none). Nothing without an email.
 */
export function welcomeNotifications(f: WelcomeFacts): NewNotification[] {
  if (!f.email) return [];
  const email: EmailPayload = {
    to: { name: `${f.firstName} ${f.lastName}`.trim(), address: f.email },
    subject: `${f.resent ? 'Sent again: ' : ''}Your contact-center account is ${f.reactivated ? 'active again' : 'ready'}: sign in as ${f.signInName}`,
    ...welcomeEmail(f),
  };
  const dm: SlackDmPayload = {
    email: f.email,
    ...welcomeDm(f),
    ...(f.oneTimePassword ? { oneTimePassword: f.oneTimePassword } : {}),
  };
  return [
    { dedupeKey: `request:${f.requestId}:${WELCOME_EMAIL_TOPIC}`, channel: 'email', topic: WELCOME_EMAIL_TOPIC, requestId: f.requestId, payload: email },
    { dedupeKey: `request:${f.requestId}:${WELCOME_DM_TOPIC}`, channel: 'slack_dm', topic: WELCOME_DM_TOPIC, requestId: f.requestId, payload: dm },
  ];
}

/**
 * A message to the requester in the app's DM with them (chat.postMessage with their user ID as the
 * channel). `text` is mrkdwn as the caller wrote it: the caller escapes what people typed in it.
 */
export function requesterNotice(f: { requestId: string; requesterId: string; topic: string; text: string }): NewNotification {
  const payload: SlackPostPayload = { channel: f.requesterId, text: f.text };
  return { dedupeKey: `request:${f.requestId}:${f.topic}`, channel: 'slack_post', topic: f.topic, requestId: f.requestId, payload };
}

export const APPROVAL_REMINDER_TOPIC = 'approval_reminder';

/**
 * The reminder in the approval message's thread, once per reminder period: the period's start is in
 * the dedupe key, so a second sweeper (another instance) marking the same period queues nothing more,
 * and a failed post is retried by the outbox like any other notification.
 */
export function approvalReminder(f: { requestId: string; channel: string; threadTs: string; remindedAt: Date; remindAfterHours: number }): NewNotification {
  const payload: SlackPostPayload = {
    channel: f.channel,
    thread_ts: f.threadTs,
    text: `:bell: Reminder: this request has waited more than ${f.remindAfterHours} hours for a decision.`,
  };
  return { dedupeKey: `request:${f.requestId}:${APPROVAL_REMINDER_TOPIC}:${f.remindedAt.toISOString()}`, channel: 'slack_post', topic: APPROVAL_REMINDER_TOPIC, requestId: f.requestId, payload };
}

/**
 * The DM as it is sent: the stored text and blocks, plus the one-time password (when the payload has
 * one) in a block of its own after the password explanation and at the end of the fallback text.
 */
export function renderSlackDm(payload: SlackDmPayload): { text: string; blocks?: SlackBlock[] } {
  const secret = payload.oneTimePassword;
  if (!secret) return { text: payload.text, ...(payload.blocks ? { blocks: payload.blocks } : {}) };
  const line = `*Your one-time password:* \`${escapeMrkdwn(secret)}\``;
  const text = `${payload.text}\n\n${line}`;
  if (!payload.blocks) return { text };
  const blocks = [...payload.blocks];
  const at = blocks.findIndex((b) => b.block_id === PASSWORD_BLOCK_ID);
  blocks.splice(at < 0 ? blocks.length : at + 1, 0, { type: 'section', block_id: ONE_TIME_PASSWORD_BLOCK_ID, text: { type: 'mrkdwn', text: line } });
  return { text, blocks };
}

// ---------------------------------------------------------------------------------------------
// Wording

/** The password paragraph of the email, in plain words (escape it for HTML where needed). */
function emailPasswordWords(f: WelcomeFacts): string {
  const expiry = f.passwordExpiresAt ? ` It works only once, only to choose your new password, and it expires on ${formatUtc(f.passwordExpiresAt)}.` : '';
  if (f.oneTimePassword) {
    return `Your one-time password was sent to you in a Slack direct message from this bot. You must change it when you first sign in.${expiry} If you did not get that message, ask your team lead for a new password.`;
  }
  if (f.passwordFromRequester) return `You must change your password when you first sign in. ${FROM_REQUESTER_WORDS}${expiry}`;
  return `You must change your password when you first sign in. Your first password follows the default rule: ${DEFAULT_RULE_WORDS}.${expiry}`;
}

function createdOrReactivated(f: WelcomeFacts): string {
  return f.reactivated ? 'reactivated' : 'created';
}

/**
 * An email about a person's account, as text and HTML: the greeting, what happened, whom to sign in
 * as, the password's paragraph, any further paragraphs, the sign-in link and the closing line. The
 * welcome and the reset notice (recovery-notices.ts) are both this shape. Paragraphs are plain words;
 * the HTML escapes them.
 */
export function accountEmail(parts: {
  firstName: string;
  intro: string;
  signInName: string;
  password: string;
  more?: readonly string[];
  link: { words: string; url: string };
  footer: string;
}): { text: string; html: string } {
  const more = parts.more ?? [];
  const url = escapeHtml(parts.link.url);
  const text = [
    `Hello ${parts.firstName},`,
    '',
    parts.intro,
    '',
    `Sign in as: ${parts.signInName}`,
    '',
    parts.password,
    '',
    ...more.flatMap((p) => [p, '']),
    `${parts.link.words} here: ${parts.link.url}`,
    '',
    parts.footer,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>Hello ${escapeHtml(parts.firstName)},</p>`,
    `<p>${escapeHtml(parts.intro)}</p>`,
    `<p>Sign in as: <strong>${escapeHtml(parts.signInName)}</strong></p>`,
    `<p>${escapeHtml(parts.password)}</p>`,
    ...more.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${url}">${escapeHtml(parts.link.words)}</a><br>${url}</p>`,
    `<p>${escapeHtml(parts.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { text, html };
}

function welcomeEmail(f: WelcomeFacts): { text: string; html: string } {
  const phone = phoneWords(f);
  return accountEmail({
    firstName: f.firstName,
    intro: `Your contact-center account has been ${createdOrReactivated(f)}.${f.resent ? ` ${RESENT_WORDS}` : ''}`,
    signInName: f.signInName,
    password: emailPasswordWords(f),
    more: phone ? [phone] : [],
    link: { words: 'Sign in and change your password', url: f.accountUrl },
    footer: 'If you were not expecting this email, tell your team lead.',
  });
}

function welcomeDm(f: WelcomeFacts): { text: string; blocks: SlackBlock[] } {
  const expiry = f.passwordExpiresAt ? ` It works only once, only to choose your new password, and expires ${slackDate(f.passwordExpiresAt)}.` : '';
  const password = f.oneTimePassword
    ? `You must change your one-time password (below) when you first sign in.${expiry}`
    : f.passwordFromRequester
      ? `You must change your password when you first sign in. ${FROM_REQUESTER_WORDS}${expiry}`
      : `You must change your password when you first sign in. Your first password follows the default rule: ${DEFAULT_RULE_WORDS}.${expiry}`;
  const intro = `Hello ${escapeMrkdwn(f.firstName)}, your contact-center account has been ${createdOrReactivated(f)}.${f.resent ? ` ${RESENT_WORDS}` : ''}`;
  const signIn = `*Sign in as:* \`${escapeMrkdwn(f.signInName)}\``;
  const link = `<${escapeMrkdwn(f.accountUrl)}|Sign in and change your password>`;
  const phone = phoneWords(f);
  return {
    text: [intro, signIn, password, ...(phone ? [escapeMrkdwn(phone)] : []), link].join('\n\n'),
    blocks: [
      { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: intro } },
      { type: 'section', block_id: 'sign_in', text: { type: 'mrkdwn', text: signIn } },
      { type: 'section', block_id: PASSWORD_BLOCK_ID, text: { type: 'mrkdwn', text: password } },
      ...(phone ? [{ type: 'section', block_id: 'phone', text: { type: 'mrkdwn', text: escapeMrkdwn(phone) } }] : []),
      { type: 'section', block_id: 'link', text: { type: 'mrkdwn', text: link } },
    ],
  };
}
