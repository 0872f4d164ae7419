import type { NewNotification } from '../db/repositories/notifications.js';
import { escapeMrkdwn as escape, userMention as mention } from '../text/mrkdwn.js';
import { requesterNotice } from './messages.js';

/**
 * What the requester is told when their request is decided, in Slack mrkdwn. The use cases hand over
 * plain facts (what was asked for, what became of it); the wording lives here. Typed text (names, the
 * reason) is escaped so that a name like `<!channel>` cannot ping anyone; the approver is mentioned.
 */

export const REQUESTER_TOPICS = {
  completed: 'request_completed',
  failed: 'request_failed',
  rejected: 'request_rejected',
  expired: 'request_expired',
} as const;

/** What the request asked for, as stored with it; `unreadable` when the stored form no longer reads. */
export type RequestSubject =
  | { kind: 'user'; firstName: string; lastName: string; username: string; clonedFrom: string | null }
  /** `number` is null when the requester left it for the bot to choose. */
  | { kind: 'extension'; number: string | null; deviceName: string }
  | { kind: 'unreadable'; asked: 'user' | 'extension' };

/** What became of the request. */
export type RequestOutcome =
  | { outcome: 'completed'; approverId: string; created: CreatedUser | CreatedExtension }
  | { outcome: 'failed'; approverId: string; reason: string }
  | { outcome: 'rejected'; approverId: string; reason: string }
  | { outcome: 'expired'; expireAfterHours: number };

export interface CreatedUser {
  kind: 'user';
  signInName: string;
  agentId: number | null;
  extensionNumber: number | null;
  /** Without an email the bot cannot reach the new user: the requester must tell them. */
  hasEmail: boolean;
}

export interface CreatedExtension {
  kind: 'extension';
  number: number;
  deviceName: string;
}

export type RequesterNoticeFacts = { requestId: string; requesterId: string; subject: RequestSubject } & RequestOutcome;

/** The notice in the requester's DM with the app, one per request and outcome. */
export function requesterOutcomeNotice(facts: RequesterNoticeFacts): NewNotification {
  return requesterNotice({ requestId: facts.requestId, requesterId: facts.requesterId, topic: REQUESTER_TOPICS[facts.outcome], text: requesterOutcomeText(facts) });
}

/** "Jane Doe (jdoe)", "Jane Doe (jdoe), cloned from asmith", "extension 1500 (Jane's softphone)". */
export function subjectText(subject: RequestSubject): string {
  switch (subject.kind) {
    case 'unreadable':
      return subject.asked === 'extension' ? 'a new extension' : 'a new user';
    case 'extension':
      return `${subject.number === null ? 'a new extension' : `extension ${subject.number}`} (${escape(subject.deviceName)})`;
    case 'user': {
      const who = `${escape(subject.firstName)} ${escape(subject.lastName)} (${escape(subject.username)})`;
      return subject.clonedFrom === null ? who : `${who}, cloned from ${escape(subject.clonedFrom)}`;
    }
  }
}

export function requesterOutcomeText(facts: RequesterNoticeFacts): string {
  const subject = subjectText(facts.subject);
  switch (facts.outcome) {
    case 'completed':
      return completedText(subject, facts.approverId, facts.created);
    case 'failed':
      return [
        `:warning: Your request for ${subject} was approved by ${mention(facts.approverId)} but could not be carried out: ${escape(facts.reason)}`,
        'Nothing was created. Submit a new request once this is sorted out.',
      ].join('\n');
    case 'rejected':
      return `:x: Your request for ${subject} was rejected by ${mention(facts.approverId)}: ${escape(facts.reason)}`;
    case 'expired':
      return `:hourglass: Your request for ${subject} expired: no approver decided on it within ${facts.expireAfterHours} hours. Submit it again if it is still needed.`;
  }
}

function completedText(subject: string, approverId: string, created: CreatedUser | CreatedExtension): string {
  const approved = `:white_check_mark: Your request for ${subject} was approved by ${mention(approverId)}.`;
  if (created.kind === 'extension') return `${approved} Extension ${created.number} (${escape(created.deviceName)}) is ready.`;
  const extras = [created.extensionNumber === null ? null : `extension ${created.extensionNumber}`, created.agentId === null ? null : `agent ID ${created.agentId}`].filter(Boolean);
  const delivery = created.hasEmail
    ? 'The new user gets an email, and a Slack DM where possible, with how to sign in.'
    : 'No email address is on file for the new user, so the bot cannot reach them: tell them their sign-in name.';
  return [approved, `The account is ready: sign-in name \`${created.signInName}\`${extras.length > 0 ? `, ${extras.join(', ')}` : ''}.`, delivery].join('\n');
}
