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
