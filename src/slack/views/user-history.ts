import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { z } from 'zod';
import type { HistoryEntry, UserHistory } from '../../services/user-history.js';
import { HISTORY_PAGE_MAX } from '../../services/user-history.js';
import { ACTIONS } from '../ids.js';
import { clipText } from '../../text/clip.js';
import { mrkdwnCode, mrkdwnLiteral, slackDate, userMention } from '../../text/mrkdwn.js';
import { mrkdwn } from './request-summary.js';

const ACTION_LABELS: Readonly<Record<string, string>> = {
  'user.created': 'Created',
  'user.cloned': 'Created as a clone',
  'user.updated': 'Edited',
  'user.edited': 'Edited',
  'user.deactivated': 'Deactivated',
  'user.reactivated': 'Reactivated',
  'user.sign_in': 'Signed in',
  'user.sign_in_failed': 'Sign-in failed',
  'user.password_changed': 'Password changed',
  'user.password_change_refused': 'Password change refused',
  'user.password_change_failed': 'Password change failed',
  'user.unlocked': 'Sign-in unlocked',
  'extension.reassigned': 'Extension reassigned',
  'extension.unassigned': 'Extension unassigned',
  'user.sign_in_reset': 'Sign-in reset (new one-time password)',
  'user.welcome_resent': 'Welcome sent again',
  'user.recovery_refused': 'Reset or resend refused',
};
const DETAILS_MAX = 600;
// A page has at most 25 entries (the use case's limit), one block each, plus header and two paging
// blocks: within Slack's 50 blocks per message.
const ENTRIES_MAX = 25;

/** History paging value: `<page>:<username>` (the username last, taken whole). */
export function encodeHistoryPage(username: string, page: number): string {
  return `${page}:${username}`;
}

const PAGE_VALUE = /^([1-9]\d{0,4}):(.{1,254})$/s;

/** The page a history button carries. It comes back from the client: a forged value throws. */
export function decodeHistoryPage(value: string): { username: string; page: number } {
  const match = typeof value === 'string' ? PAGE_VALUE.exec(value) : null;
  const parsed = z.object({ page: z.number().int().min(1).max(HISTORY_PAGE_MAX), username: z.string().min(1) }).safeParse({ page: Number(match?.[1]), username: match?.[2] });
  if (!parsed.success) throw new Error('Not a history page');
  return parsed.data;
}

/**
 * A user's history as an ephemeral message: newest first, a page at a time, with who, what, when and
 * the request it came from. Paging replaces the message in place.
 */
export function userHistoryMessage(history: UserHistory): { text: string; blocks: KnownBlock[] } {
  const pages = Math.max(1, Math.ceil(history.total / history.pageSize));
  const entries = history.entries.slice(0, ENTRIES_MAX);
  const first = (history.page - 1) * history.pageSize + 1;
  const header: SectionBlock = {
    type: 'section',
    block_id: 'history_header',
    text: mrkdwn(
      history.total === 0
        ? `*History of* ${mrkdwnCode(history.username)}\nNo entries yet.`
        : entries.length === 0
          ? `*History of* ${mrkdwnCode(history.username)}\nNo entries on page ${history.page}: there are ${history.total} in ${pages} page${pages === 1 ? '' : 's'}.`
          : `*History of* ${mrkdwnCode(history.username)} — newest first, ${first}–${first + entries.length - 1} of ${history.total}${pages > 1 ? ` (page ${history.page} of ${pages})` : ''}`,
    ),
  };
  const blocks: KnownBlock[] = [header, ...entries.map((e, i) => entrySection(e, i))];
  const older = history.total - (first - 1 + entries.length);
  if (history.page > 1) blocks.push(pageButton('history_newer', '‹ Newer', history.username, Math.min(history.page - 1, pages)));
  if (older > 0 && entries.length > 0) blocks.push(pageButton('history_older', `Older › (${older} more)`, history.username, history.page + 1));
  return { text: `History of ${history.username}: ${history.total} entr${history.total === 1 ? 'y' : 'ies'}`, blocks };
}

function entrySection(entry: HistoryEntry, index: number): SectionBlock {
  const what = ACTION_LABELS[entry.action] ?? mrkdwnLiteral(clipText(entry.action, 80));
  const meta = [`*${what}*`, `by ${userMention(entry.actor, 40)}`, slackDate(entry.at, '{date_short_pretty} {time}')];
  if (entry.requestId) meta.push(`request ${mrkdwnCode(clipText(entry.requestId, 40))}`);
  const details = entry.details.map(([k, v]) => `${mrkdwnLiteral(clipText(k, 40))}: ${mrkdwnLiteral(clipText(v, 120))}`).join(' · ');
  return { type: 'section', block_id: `history_${index}`, text: mrkdwn(details === '' ? meta.join(' · ') : `${meta.join(' · ')}\n${clipText(details, DETAILS_MAX)}`) };
}

function pageButton(blockId: string, label: string, username: string, page: number): ActionsBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [{ type: 'button', action_id: ACTIONS.historyPage, text: { type: 'plain_text', text: label }, value: encodeHistoryPage(username, page) }],
  };
}
