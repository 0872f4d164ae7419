import type { KnownBlock, ModalView } from '@slack/types';
import type { RequestState } from '../../domain/request-state.js';
import { ACTIONS, BLOCKS, VIEWS } from '../ids.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnCode, mrkdwnLiteral, slackDate, userMention } from '../../text/mrkdwn.js';
import { batchProgressBlock, type BatchProgress } from './batch-progress.js';
import { mrkdwn, requestFieldsBlocks, type RequestField } from './request-summary.js';

/** How one notification of a request stands, for the message's delivery line. */
export interface DeliveryLine {
  /** The notification's ID (not shown). */
  id?: string;
  topic: string;
  state: 'queued' | 'sent' | 'skipped' | 'dead';
  /** Attempts claimed so far, the one in flight included. */
  attempts: number;
  /** An attempt is in flight: a worker holds the row's lease. */
  sending: boolean;
  /** Why the last attempt failed, in safe words (deliveryProblem), or null. */
  problem: string | null;
  /** Dead and Retry delivery can send it again (false: a DM whose one-time password was erased). Default true when dead. */
  retryable?: boolean;
}

export interface ApprovalMessageInput {
  requestId: string;
  title: string;
  fields: RequestField[];
  requesterId: string;
  createdAt: Date;
  state: RequestState;
  approverId: string | null;
  decidedAt: Date | null;
  reason: string | null;
  /** What approval made, e.g. "User jdoe (agent ID 1001) with extension 1000". */
  result: string | null;
  remindedAt: Date | null;
  deliveries: DeliveryLine[];
  /** TWO_APPROVALS_FOR: how many different approvers it needs, and who approved so far (the first of two). */
  approvals?: { needed: number; by: readonly string[] };
  /** A scheduled request's effective time: once approved, it waits for it (requests.effective_at). */
  runsAt?: Date | null;
  /** An approved import: how far its rows are (slack/views/batch-progress.ts). */
  progress?: BatchProgress;
}

const TOPIC_LABELS: Readonly<Record<string, string>> = {
  welcome_email: 'Welcome email',
  welcome_dm: 'Slack DM to the new user',
  sign_in_reset_email: 'Reset email',
  sign_in_reset_dm: 'Slack DM of the reset',
};

const DELIVERY_LABELS: Readonly<Record<DeliveryLine['state'], string>> = {
  queued: 'queued',
  sent: 'sent',
  skipped: 'skipped (no Slack member with that email)',
  dead: 'not delivered',
};

/** What a notification that used up its retries is called: what an approver can act on with Retry delivery. */
const DEAD_LABELS: Readonly<Record<string, string>> = {
  welcome_email: ':warning: email not delivered',
  welcome_dm: ':warning: DM not delivered',
  sign_in_reset_email: ':warning: reset email not delivered',
  sign_in_reset_dm: ':warning: reset DM not delivered',
};

const STATE_LINES: Readonly<Record<RequestState, string>> = {
  pending: ':hourglass_flowing_sand: *Pending* approval',
  approved: ':thumbsup: *Approved*, being carried out',
  completed: ':white_check_mark: *Approved and completed*',
  rejected: ':x: *Rejected*',
  failed: ':warning: *Approved, but it could not be carried out*',
  expired: ':hourglass: *Expired* without a decision',
};

/**
 * The message in the approvals channel: what is asked, by whom, and either the Approve / Reject
 * buttons (pending) or the outcome — who decided, when, why — and how the new user's notifications
 * are doing. Never a password or a device secret: the payload's fields are the summary's only source.
 */
export function approvalMessage(input: ApprovalMessageInput): { text: string; blocks: KnownBlock[] } {
  const title = clipText(input.title, 300);
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*${mrkdwnLiteral(title)}*\nRequested by ${userMention(input.requesterId)} ${slackDate(input.createdAt)}`) },
    ...requestFieldsBlocks(input.fields),
  ];
  if (input.state === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: BLOCKS.approvalActions,
      elements: [
        { type: 'button', action_id: ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: input.requestId },
        { type: 'button', action_id: ACTIONS.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: input.requestId },
      ],
    });
    const approvals = input.approvals;
    if (approvals && approvals.needed > 1) {
      const who = approvals.by.length > 0 ? ` (${approvals.by.map(userMention).join(', ')})` : '';
      blocks.push({ type: 'context', elements: [mrkdwn(`:eyes: ${approvals.by.length} of ${approvals.needed} approvals${who} — needs ${approvals.needed} different approvers, not the requester`)] });
    }
    if (input.remindedAt) blocks.push({ type: 'context', elements: [mrkdwn(`:bell: Still waiting — reminded ${slackDate(input.remindedAt)}`)] });
  } else {
    const runsAt = input.state === 'approved' ? input.runsAt : null;
    const lines = [runsAt ? `:calendar: *Approved*, runs at ${slackDate(runsAt)}` : STATE_LINES[input.state]];
    if (input.approverId && input.decidedAt) lines[0] += ` by ${userMention(input.approverId)} ${slackDate(input.decidedAt)}`;
    const first = input.approvals && input.approvals.needed > 1 ? input.approvals.by.filter((id) => id !== input.approverId) : [];
    if (first.length > 0) lines.push(`First approval by ${first.map(userMention).join(', ')}`);
    if (input.result) lines.push(mrkdwnLiteral(clipText(input.result, 500)));
    if (input.reason) lines.push(`${input.state === 'rejected' ? 'Reason' : 'Why'}: ${mrkdwnLiteral(clipText(input.reason, 500))}`);
    blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
    if (input.progress) blocks.push(batchProgressBlock(input.progress));
  }
  const deliveries = input.deliveries.filter((d) => TOPIC_LABELS[d.topic]);
  if (deliveries.length > 0) {
    const parts = deliveries.map((d) => `${TOPIC_LABELS[d.topic] ?? d.topic}: ${deliveryState(d)}`);
    blocks.push({ type: 'context', elements: [mrkdwn(parts.join(' · '))] });
    // Approvers only, checked when clicked (slack/listeners/actions/retry-delivery.ts).
    if (deliveries.some((d) => d.state === 'dead' && d.retryable !== false)) {
      blocks.push({
        type: 'actions',
        block_id: BLOCKS.deliveryActions,
        elements: [{ type: 'button', action_id: ACTIONS.retryDelivery, text: { type: 'plain_text', text: 'Retry delivery' }, value: input.requestId }],
      });
    }
  }
  blocks.push({ type: 'context', elements: [mrkdwn(`Request ID ${mrkdwnCode(input.requestId)}`)] });
  const status = input.state === 'pending' ? 'waiting for approval' : input.state;
  // The fallback text is mrkdwn too (notifications, screen readers): a name like <!channel> must not ping the channel.
  return { text: `${mrkdwnLiteral(title)} — ${status}`, blocks };
}

/**
 * "sending" while an attempt is in flight (the worker counts it when it claims the row, so the count
 * alone cannot tell a first send from a retry); "retrying" only once an attempt has failed, with why.
 */
function deliveryState(d: DeliveryLine): string {
  const failed = d.sending ? d.attempts - 1 : d.attempts;
  const why = d.problem ? `: ${mrkdwnLiteral(d.problem)}` : '';
  if (d.state === 'dead') {
    const cannot = d.retryable === false ? ' — its one-time password was erased, so give the user a new password' : '';
    return `${DEAD_LABELS[d.topic] ?? DELIVERY_LABELS.dead} (${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}${why})${cannot}`;
  }
  if (d.state !== 'queued') return DELIVERY_LABELS[d.state];
  const tries = `${failed} failed ${failed === 1 ? 'attempt' : 'attempts'}`;
  if (d.sending) return failed > 0 ? `sending again (${tries}${why})` : 'sending';
  if (failed > 0) return `retrying (${tries} so far${why})`;
  return DELIVERY_LABELS.queued;
}

/** The modal an approver fills to reject: the reason goes to the requester. */
export function rejectReasonModal(input: { requestId: string; title: string }): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.rejectReason,
    private_metadata: input.requestId,
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: mrkdwn(`*${mrkdwnLiteral(clipText(input.title, 300))}*`) },
      {
        type: 'input',
        block_id: BLOCKS.rejectReason,
        label: { type: 'plain_text', text: 'Reason' },
        hint: { type: 'plain_text', text: 'The requester sees this.' },
        element: { type: 'plain_text_input', action_id: ACTIONS.input, multiline: true, max_length: 500 },
      },
    ],
  };
}

