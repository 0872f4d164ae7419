import type { RequestState } from '../../domain/request-state.js';
import { userMention } from '../../text/mrkdwn.js';

export const NOT_APPROVER_TEXT = 'Only contact-center admins on the approvers list can approve or reject requests. Nothing was changed.';

/** What someone who comes second is told: who decided, and what came of it. */
export function decidedText(request: { state: RequestState; approverId: string | null }): string {
  const by = request.approverId ? ` by ${userMention(request.approverId)}` : '';
  switch (request.state) {
    case 'pending':
      return 'This request is still pending.';
    case 'approved':
    case 'completed':
      return `This request was already approved${by}. Nothing else was changed.`;
    case 'rejected':
      return `This request was already rejected${by}. Nothing was changed.`;
    case 'failed':
      return `This request was approved${by} but could not be carried out. Nothing else was changed.`;
    case 'expired':
      return 'This request expired without a decision. Nothing was changed.';
  }
}

/** Four eyes (TWO_APPROVALS_FOR): what the first approver is told, on their first click and on any later one. */
export function awaitingSecondText(alreadyYours: boolean): string {
  return alreadyYours
    ? 'You have already approved this request. It needs a second approver, someone other than you and the requester. Nothing else was changed.'
    : 'Your approval is recorded: 1 of 2. A second approver, someone other than you and the requester, must approve it before it is carried out.';
}
