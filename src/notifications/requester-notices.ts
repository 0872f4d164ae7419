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
  /** A change to an existing user: an edit, an offboarding, a reactivation; or a recovery of their access. */
  | { kind: 'user_change'; change: 'edit' | 'deactivate' | 'reactivate' | 'reset' | 'resend'; firstName: string; lastName: string; username: string }
  /** An extension moved to another user, or taken from its holder: usernames, null for nobody. */
  | { kind: 'extension_assignment'; change: 'reassign' | 'unassign'; number: number; from: string | null; to: string | null }
  /** A new device secret for an existing extension. */
  | { kind: 'device_secret'; number: number; holderUsername: string | null }
  | { kind: 'unreadable'; asked: 'user' | 'extension' | 'change' };

/** What became of the request. */
export type RequestOutcome =
  | { outcome: 'completed'; approverId: string; created: CreatedUser | CreatedExtension | AppliedEdit }
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

/** An edit carried out: its change lines in plain text (already clipped), and an agent ID it drew. */
export interface AppliedEdit {
  kind: 'edit';
  lines: string[];
  /** How many change lines were left out of `lines`. */
  more: number;
  /** Set when the edit made a non-agent an agent. */
  newAgentId: number | null;
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
      return subject.asked === 'extension' ? 'a new extension' : subject.asked === 'change' ? 'a change to a user' : 'a new user';
    case 'user_change': {
      const who = `${escape(subject.firstName)} ${escape(subject.lastName)} (${escape(subject.username)})`;
      return `${CHANGE_NOUNS[subject.change]} ${who}`;
    }
    case 'extension_assignment':
      return subject.change === 'reassign'
        ? `the reassignment of extension ${subject.number} (${subject.from === null ? 'free' : escape(subject.from)} → ${escape(subject.to ?? '')})`
        : `the unassignment of extension ${subject.number} from ${escape(subject.from ?? 'its holder')}`;
    case 'device_secret':
      return `a new device secret for extension ${subject.number}${subject.holderUsername === null ? '' : ` (${escape(subject.holderUsername)})`}`;
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
        `Nothing was ${facts.subject.kind === 'user_change' || facts.subject.kind === 'extension_assignment' || facts.subject.kind === 'device_secret' || (facts.subject.kind === 'unreadable' && facts.subject.asked === 'change') ? 'changed' : 'created'}. Submit a new request once this is sorted out.`,
      ].join('\n');
    case 'rejected':
      return `:x: Your request for ${subject} was rejected by ${mention(facts.approverId)}: ${escape(facts.reason)}`;
    case 'expired':
      return `:hourglass: Your request for ${subject} expired: no approver decided on it within ${facts.expireAfterHours} hours. Submit it again if it is still needed.`;
  }
}

const CHANGE_NOUNS = { edit: 'changes to', deactivate: 'the offboarding of', reactivate: 'the reactivation of', reset: 'a sign-in reset of', resend: 'the welcome sent again to' } as const;

function completedText(subject: string, approverId: string, created: CreatedUser | CreatedExtension | AppliedEdit): string {
  if (created.kind === 'edit') {
    const agent = created.newAgentId === null ? '' : ` Their agent ID is ${created.newAgentId}.`;
    const list = created.lines.map((l) => `• ${escape(l)}`);
    if (created.more > 0) list.push(`• and ${created.more} more`);
    return [`:white_check_mark: Your request for ${subject} was approved by ${mention(approverId)} and is done.${agent}`, ...list].join('\n');
  }
  const approved = `:white_check_mark: Your request for ${subject} was approved by ${mention(approverId)}.`;
  if (created.kind === 'extension') return `${approved} Extension ${created.number} (${escape(created.deviceName)}) is ready.`;
  const extras = [created.extensionNumber === null ? null : `extension ${created.extensionNumber}`, created.agentId === null ? null : `agent ID ${created.agentId}`].filter(Boolean);
  const delivery = created.hasEmail
    ? 'The new user gets an email, and a Slack DM where possible, with how to sign in.'
    : 'No email address is on file for the new user, so the bot cannot reach them: tell them their sign-in name.';
  return [approved, `The account is ready: sign-in name \`${created.signInName}\`${extras.length > 0 ? `, ${extras.join(', ')}` : ''}.`, delivery].join('\n');
}

export const IMPORT_DONE_TOPIC = 'import_completed';

/** The requester of an import, once every row is carried out or refused: how many of each (the results file is in the approval thread). */
export function importDoneNotice(f: { requestId: string; requesterId: string; fileName: string; created: number; failed: number }): NewNotification {
  const text = `Your import of ${escape(f.fileName)} is done: ${f.created} created, ${f.failed} failed. The results file is in the approval message's thread.`;
  return requesterNotice({ requestId: f.requestId, requesterId: f.requesterId, topic: IMPORT_DONE_TOPIC, text });
}
