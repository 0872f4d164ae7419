import type { HomeView, KnownBlock, SectionBlock } from '@slack/types';
import type { RequestState } from '../../domain/request-state.js';
import { NO_REFERENCE_DATA_TEXT } from '../context.js';
import { ACTIONS, COMMAND } from '../ids.js';
import type { RequestListItem } from './model.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnLiteral, slackDate, userMention } from '../../text/mrkdwn.js';
import { mrkdwn } from './request-summary.js';

/**
 * Slack shows at most 100 blocks in a Home tab. Around the lists there are at most 13 blocks (header,
 * help, the Find a user button, the reference-data warning, dividers, list headers, "and N more"
 * lines); approvers' last decisions take at most HOME_DECISIONS_MAX more. Each of the two other lists
 * shows this many requests, one block each, whatever the input: 13 + 10 + 2 × 38 = 99.
 */
export const HOME_LIST_MAX = 38;
/** Approvers see this many of the last decisions. */
export const HOME_DECISIONS_MAX = 10;

const STATE_LABELS: Readonly<Record<RequestState, string>> = {
  pending: ':hourglass_flowing_sand: Pending',
  approved: ':thumbsup: Approved, being carried out',
  completed: ':white_check_mark: Completed',
  rejected: ':x: Rejected',
  failed: ':warning: Failed',
  expired: ':hourglass: Expired',
};

const TITLE_MAX = 300;
const REASON_MAX = 500;

/**
 * The App Home tab: approvers see what waits for them (`pendingForApproval`; null for someone who is
 * not an approver, and then the section is not shown), everyone sees their own requests. Lists are
 * shown in the order given (callers pass the most useful first) and capped at HOME_LIST_MAX.
 */
export function appHomeView(input: {
  userId: string;
  myRequests: RequestListItem[];
  pendingForApproval: RequestListItem[] | null;
  /** Approvers: the last decided requests, newest decision first (null for others: not shown). */
  recentDecisions?: RequestListItem[] | null;
  /** False on a database the operator has not loaded reference data into: approvers are told how. */
  referenceDataLoaded?: boolean;
}): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Provisioning' } },
    {
      type: 'section',
      text: mrkdwn(
        `Type \`${COMMAND}\` in any channel to request a new user, agent or extension, or to find and clone a user. ` +
          `\`${COMMAND} help\` lists everything it can do. A contact-center admin approves each request.`,
      ),
    },
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [{ type: 'button', action_id: ACTIONS.findUser, text: { type: 'plain_text', text: 'Find a user' }, value: 'find' }],
    },
  ];

  if (input.pendingForApproval !== null) {
    const pending = input.pendingForApproval;
    if (input.referenceDataLoaded === false) blocks.push({ type: 'section', text: mrkdwn(`:warning: ${NO_REFERENCE_DATA_TEXT}`) });
    blocks.push(
      { type: 'divider' },
      { type: 'header', text: { type: 'plain_text', text: pending.length > 0 ? `Waiting for your approval (${pending.length})` : 'Waiting for your approval' } },
    );
    if (pending.length === 0) blocks.push({ type: 'section', text: mrkdwn('Nothing waits for your approval.') });
    else blocks.push(...listBlocks(pending, true, 'Approve or reject them in the approvals channel.'));
  }

  const decisions = input.recentDecisions;
  if (input.pendingForApproval !== null && decisions) {
    blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Last decisions' } });
    if (decisions.length === 0) blocks.push({ type: 'section', text: mrkdwn('No request has been decided yet.') });
    else blocks.push(...decisions.slice(0, HOME_DECISIONS_MAX).map(decisionSection));
  }

  blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Your requests' } });
  if (input.myRequests.length === 0) {
    blocks.push({ type: 'section', text: mrkdwn(`You have no requests yet. Start one with \`${COMMAND}\`.`) });
  } else {
    blocks.push(...listBlocks(input.myRequests, false, 'Only the most recent are shown.'));
  }
  return { type: 'home', blocks };
}

function listBlocks(items: readonly RequestListItem[], showRequester: boolean, moreHint: string): KnownBlock[] {
  const shown = items.slice(0, HOME_LIST_MAX);
  const blocks: KnownBlock[] = shown.map((item) => requestSection(item, showRequester));
  const more = items.length - shown.length;
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${more} more. ${moreHint}`)] });
  return blocks;
}

function requestSection(item: RequestListItem, showRequester: boolean): SectionBlock {
  const meta = [STATE_LABELS[item.state] ?? mrkdwnLiteral(String(item.state))];
  if (showRequester) meta.push(`requested by ${userMention(item.requesterId, 40)}`);
  meta.push(slackDate(item.createdAt, '{date_short_pretty} {time}'));
  const lines = [`*${mrkdwnLiteral(clipText(item.title, TITLE_MAX))}*`, meta.join(' · ')];
  if ((item.state === 'rejected' || item.state === 'failed') && item.reason && item.reason.trim() !== '') {
    lines.push(`Reason: ${mrkdwnLiteral(clipText(item.reason.trim(), REASON_MAX))}`);
  }
  return { type: 'section', text: mrkdwn(lines.join('\n')) };
}


/** One decision: what, the outcome, who decided (or that it expired) and when. */
function decisionSection(item: RequestListItem): SectionBlock {
  const meta = [STATE_LABELS[item.state] ?? mrkdwnLiteral(String(item.state))];
  if (item.approverId && item.approverId !== 'system') meta.push(`by ${userMention(item.approverId, 40)}`);
  if (item.decidedAt) meta.push(slackDate(item.decidedAt, '{date_short_pretty} {time}'));
  meta.push(`requested by ${userMention(item.requesterId, 40)}`);
  const lines = [`*${mrkdwnLiteral(clipText(item.title, TITLE_MAX))}*`, meta.join(' · ')];
  if ((item.state === 'rejected' || item.state === 'failed') && item.reason && item.reason.trim() !== '') {
    lines.push(`Reason: ${mrkdwnLiteral(clipText(item.reason.trim(), REASON_MAX))}`);
  }
  return { type: 'section', text: mrkdwn(lines.join('\n')) };
}
