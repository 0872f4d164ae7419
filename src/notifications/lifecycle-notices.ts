import type { NewNotification } from '../db/repositories/notifications.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { escapeMrkdwn as escape, slackDate, userMention as mention } from '../text/mrkdwn.js';
import { requesterNotice } from './messages.js';
import type { SlackPostPayload } from './payloads.js';
import { REQUESTER_TOPICS, subjectText, type RequestSubject } from './requester-notices.js';

type Decided = Pick<RequestRow, 'id' | 'requesterId' | 'approverId' | 'approvalChannel' | 'approvalTs'>;

/**
 * What the requester and the approvers are told about an offboarding or a reactivation (mrkdwn, escaped).
 * The services hand over the facts and the request's subject (services/request-notices requestSubject).
 */
export const LIFECYCLE_TOPICS = {
  scheduled: 'request_scheduled',
  /** In the approval message's thread, for the approvers. */
  approversDone: 'approvers_done',
} as const;

/** Approved ahead of its time: the requester learns when it runs. */
export function scheduledNotice(request: Decided, subject: RequestSubject, approverId: string, runsAt: Date): NewNotification {
  return requesterNotice({
    requestId: request.id,
    requesterId: request.requesterId,
    topic: LIFECYCLE_TOPICS.scheduled,
    text: `:calendar: Your request for ${subjectText(subject)} was approved by ${mention(approverId)}. It runs ${slackDate(runsAt)}; you will get a message here when it is done.`,
  });
}

export function deactivatedNotices(request: Decided, subject: RequestSubject, facts: { username: string; freedExtension: number | null }): NewNotification[] {
  const freed = facts.freedExtension === null ? 'They had no extension.' : `Extension ${facts.freedExtension} is free again, with a new device secret.`;
  const by = request.approverId ? ` approved by ${mention(request.approverId)}` : '';
  const done = `:white_check_mark: ${escape(facts.username)} is deactivated (${subjectText(subject)},${by}): sign-in is refused. ${freed} The username, collections and history are kept.`;
  return [requesterNotice({ requestId: request.id, requesterId: request.requesterId, topic: REQUESTER_TOPICS.completed, text: `Your request is done. ${done}` }), ...approversNotice(request, done)];
}

export function reactivatedNotices(request: Decided, subject: RequestSubject, facts: { username: string; signInName: string; hasEmail: boolean }): NewNotification[] {
  const by = request.approverId ? ` by ${mention(request.approverId)}` : '';
  const delivery = facts.hasEmail
    ? 'They get the welcome email, and a Slack DM where possible, with a new one-time password.'
    : 'No email address is on file, so the bot cannot reach them: tell them how to sign in.';
  const text = `:white_check_mark: Your request for ${subjectText(subject)} was approved${by}. ${escape(facts.username)} is active again: sign-in name \`${escape(facts.signInName)}\`, no extension (assign one with an edit). ${delivery}`;
  return [requesterNotice({ requestId: request.id, requesterId: request.requesterId, topic: REQUESTER_TOPICS.completed, text })];
}

/** The approvers hear of a completed offboarding in the approval message's thread (none without a message). */
function approversNotice(request: Decided, text: string): NewNotification[] {
  if (!request.approvalChannel || !request.approvalTs) return [];
  const payload: SlackPostPayload = { channel: request.approvalChannel, thread_ts: request.approvalTs, text };
  return [{ dedupeKey: `request:${request.id}:${LIFECYCLE_TOPICS.approversDone}`, channel: 'slack_post', topic: LIFECYCLE_TOPICS.approversDone, requestId: request.id, payload }];
}
