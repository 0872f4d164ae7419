import type { NewNotification } from '../db/repositories/notifications.js';
import type { RequestRow } from '../db/repositories/requests.js';
import { escapeMrkdwn as escape, userMention as mention } from '../text/mrkdwn.js';
import { requesterNotice } from './messages.js';
import { REQUESTER_TOPICS } from './requester-notices.js';

type Decided = Pick<RequestRow, 'id' | 'requesterId' | 'approverId'>;

/**
 * What the requester of a device secret rotation is told once it is done. Only facts about the
 * extension: the new secret is never in a message; its holder reveals it once on /account.
 */
export function rotatedNotice(request: Decided, facts: { number: number; holderUsername: string | null; accountUrl: string }): NewNotification {
  const by = request.approverId ? ` was approved by ${mention(request.approverId)}` : ' was approved';
  const holder =
    facts.holderUsername === null
      ? 'Nobody holds the extension now; whoever is given it can show the new secret once on the account page.'
      : `${escape(facts.holderUsername)} can show the new settings once at ${escape(facts.accountUrl)}: sign in, then *Show my phone's settings*.`;
  const text = `:white_check_mark: Your request for a new device secret for extension ${facts.number}${by} and is done. The old secret stopped working at once. ${holder}`;
  return requesterNotice({ requestId: request.id, requesterId: request.requesterId, topic: REQUESTER_TOPICS.completed, text });
}
