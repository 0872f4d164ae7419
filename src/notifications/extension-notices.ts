import type { NewNotification } from '../db/repositories/notifications.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { escapeMrkdwn as escape, userMention as mention } from '../text/mrkdwn.js';
import { requesterNotice } from './messages.js';
import type { SlackDmPayload } from './payloads.js';
import { REQUESTER_TOPICS, subjectText, type RequestSubject } from './requester-notices.js';

type Decided = Pick<RequestRow, 'id' | 'requesterId' | 'approverId'>;

/** A user whose extension changed, as a notice names them; `email` finds their Slack member (DM skipped without one). */
export interface AssignmentParty {
  username: string;
  email: string | null;
}

export const EXTENSION_TOPICS = {
  /** To the previous holder: the extension is no longer theirs, their phone stops registering. */
  taken: 'extension_taken_from_holder',
  /** To the recipient: the extension is theirs now. */
  given: 'extension_given_to_recipient',
} as const;

/**
 * What a carried-out reassignment or unassignment tells (mrkdwn, typed text escaped): the requester in
 * the app's DM, and each person whose extension changed by a DM found through their email when sending
 * (skipped when no Slack member has it). The previous holder is told because their phone stops
 * registering: the device secret was replaced. Never the secret itself.
 */
export function extensionAssignmentNotices(request: Decided, subject: RequestSubject, facts: { number: number; from: AssignmentParty | null; to: AssignmentParty | null }): NewNotification[] {
  const by = request.approverId ? ` by ${mention(request.approverId)}` : '';
  const after = facts.to === null ? `Extension ${facts.number} is free now` : `Extension ${facts.number} is ${escape(facts.to.username)}’s now`;
  const requester = requesterNotice({
    requestId: request.id,
    requesterId: request.requesterId,
    topic: REQUESTER_TOPICS.completed,
    text: `:white_check_mark: Your request for ${subjectText(subject)} was approved${by} and is done. ${after}, with a new device secret: the phone set up before cannot register any more.`,
  });
  const notices: NewNotification[] = [requester];
  if (facts.from?.email) {
    notices.push(dm(request.id, EXTENSION_TOPICS.taken, facts.from.email, `:telephone_receiver: Extension ${facts.number} is no longer your primary phone (a change approved${by}). The phone or softphone set up with it stops registering. Ask your team lead if this is unexpected.`));
  }
  if (facts.to?.email) {
    notices.push(dm(request.id, EXTENSION_TOPICS.given, facts.to.email, `:telephone_receiver: Extension ${facts.number} is your primary phone now (a change approved${by}). Your phone or softphone must be set up with its new device credentials: ask your team lead or the contact-center admins.`));
  }
  return notices;
}

function dm(requestId: string, topic: string, email: string, text: string): NewNotification {
  const payload: SlackDmPayload = { email, text };
  return { dedupeKey: `request:${requestId}:${topic}`, channel: 'slack_dm', topic, requestId, payload };
}
