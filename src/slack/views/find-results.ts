import type { ActionsBlock, Button, KnownBlock, PlainTextOption, SectionBlock, StaticSelect } from '@slack/types';
import { z } from 'zod';
import { ACTIONS } from '../ids.js';
import type { FindQuery, UserListItem } from './model.js';
import { clipText, clipValue } from '../../text/clip.js';
import { mrkdwnCode, mrkdwnLiteral } from '../../text/mrkdwn.js';
import { mrkdwn } from './request-summary.js';

/** Rows per page of `/provision find`, like the portal's Users page. */
export const FIND_PAGE_SIZE = 20;
/** The longest search text (the search use case's own limit). */
export const FIND_TEXT_MAX = 200;
export const FIND_PAGE_MAX = 10_000;
/** Slack's limits on what an element carries back to the app. */
export const BUTTON_VALUE_MAX = 2000;
export const OPTION_VALUE_MAX = 75;

// Slack refuses a message of more than 50 blocks. Around the rows there are at most five (header with
// the filter, divider, context, Previous, Next), so a page never shows more rows than this.
const MAX_MESSAGE_BLOCKS = 50;
const FIXED_BLOCKS = 5;
const MAX_ROWS = MAX_MESSAGE_BLOCKS - FIXED_BLOCKS;

const KIND_CODES = { all: 'a', agent: 'g', non_agent: 'n' } as const satisfies Record<FindQuery['kind'], string>;
const KIND_BY_CODE: Readonly<Record<string, FindQuery['kind']>> = { a: 'all', g: 'agent', n: 'non_agent' };

const KIND_OPTIONS: readonly [FindQuery['kind'], string][] = [
  ['all', 'All users'],
  ['agent', 'Agents'],
  ['non_agent', 'Non-agents'],
];
const SUBJECT: Readonly<Record<FindQuery['kind'], string>> = { all: 'Users', agent: 'Agents', non_agent: 'Non-agent users' };
const NOUN: Readonly<Record<FindQuery['kind'], string>> = { all: 'users', agent: 'agents', non_agent: 'non-agent users' };

/**
 * A query as an element value: `<kind code>|<page>|<text>`, kind code `a` all, `g` agent, `n` non-agent.
 * The text is last and taken whole, so it may contain `|`.
 *
 * `maxLength` is the element's limit: 2000 for a button (the text always fits whole, being at most
 * 200), 75 for a select option. In an option the text keeps only what fits after the 4–8 character
 * head (71 UTF-16 units on page 1): the cut falls between characters, never inside a surrogate pair,
 * and trailing spaces of the cut text are dropped. So changing the filter on a search longer than that
 * searches its first 71 characters — searches are names, usernames and emails, far shorter in practice.
 */
export function encodeFindQuery(q: FindQuery, maxLength: number = BUTTON_VALUE_MAX): string {
  const page = Number.isSafeInteger(q.page) && q.page >= 1 ? Math.min(q.page, FIND_PAGE_MAX) : 1;
  const head = `${KIND_CODES[q.kind]}|${page}|`;
  return head + clipValue(q.text, Math.min(FIND_TEXT_MAX, Math.max(0, maxLength - head.length)));
}

const decoded = z.object({
  text: z.string().max(FIND_TEXT_MAX),
  kind: z.enum(['all', 'agent', 'non_agent']),
  page: z.number().int().min(1).max(FIND_PAGE_MAX),
});

const ENCODED = /^([agn])\|([1-9]\d{0,4})\|([\s\S]*)$/;

/** The query a button or option carries. Values come back from the client: a forged one throws. */
export function decodeFindQuery(s: string): FindQuery {
  const match = typeof s === 'string' && s.length <= BUTTON_VALUE_MAX ? ENCODED.exec(s) : null;
  if (!match) throw new Error('Not a find query');
  const [, code = '', page = '', text = ''] = match;
  const parsed = decoded.safeParse({ text, kind: KIND_BY_CODE[code], page: Number(page) });
  if (!parsed.success) throw new Error(`Not a find query: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/**
 * The ephemeral answer to `/provision find`, laid out like the portal's Users page: each user with the
 * Agent ID column (blank for a non-agent: that is how the two are told apart) and a Clone button.
 */
export function findResultsMessage(input: { query: FindQuery; rows: UserListItem[]; hasMore: boolean; pageSize: number }): {
  text: string;
  blocks: KnownBlock[];
} {
  const { query, hasMore } = input;
  const page = Number.isSafeInteger(query.page) && query.page >= 1 ? query.page : 1;
  const rows = input.rows.slice(0, MAX_ROWS);
  const dropped = input.rows.length - rows.length;
  const pageSize = Number.isSafeInteger(input.pageSize) && input.pageSize >= 1 ? input.pageSize : FIND_PAGE_SIZE;
  const searched = query.text.trim();
  const paged = page > 1 || hasMore;

  const subject = searched === '' ? SUBJECT[query.kind] : `${SUBJECT[query.kind]} matching *${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}*`;
  const header: SectionBlock = {
    type: 'section',
    block_id: 'find_header',
    text: mrkdwn(`${subject}${paged ? ` — page ${page}` : ''}`),
    accessory: filterSelect(query),
  };
  const blocks: KnownBlock[] = [header, { type: 'divider' }];

  if (rows.length === 0) {
    const none = page > 1 ? `No more ${NOUN[query.kind]}` : `No ${NOUN[query.kind]}`;
    blocks.push({
      type: 'section',
      text: mrkdwn(searched === '' ? `${none} found.` : `${none} match *${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}*.`),
    });
  } else {
    for (const row of rows) blocks.push(rowSection(row));
    const first = (page - 1) * pageSize + 1;
    const more = dropped > 0 ? ` (${dropped} more not shown: narrow the search)` : '';
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Showing ${first}–${first + rows.length - 1}${more}. Non-agents have no Agent ID.`)],
    });
  }

  // Slack wants action IDs unique within a block, and both paging buttons use ACTIONS.findPage: each
  // sits in its own actions block.
  if (page > 1) blocks.push(pageButton('find_page_previous', '‹ Previous', { ...query, page: page - 1 }));
  if (hasMore && rows.length > 0) blocks.push(pageButton('find_page_next', 'Next ›', { ...query, page: page + 1 }));

  const found = rows.length === 0 ? 'no match' : `${rows.length} shown${hasMore ? ', more on the next page' : ''}`;
  const about = searched === '' ? SUBJECT[query.kind] : `${SUBJECT[query.kind]} matching ${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}`;
  return { text: `${about}${paged ? ` (page ${page})` : ''}: ${found}`, blocks };
}

function filterSelect(query: FindQuery): StaticSelect {
  const options = KIND_OPTIONS.map(([kind, label]): PlainTextOption => ({
    text: { type: 'plain_text', text: label },
    value: encodeFindQuery({ text: query.text, kind, page: 1 }, OPTION_VALUE_MAX),
  }));
  const initial = options[KIND_OPTIONS.findIndex(([kind]) => kind === query.kind)];
  return {
    type: 'static_select',
    action_id: ACTIONS.findFilter,
    placeholder: { type: 'plain_text', text: 'Filter' },
    options,
    ...(initial ? { initial_option: initial } : {}),
  };
}

function rowSection(row: UserListItem): SectionBlock {
  const name = `${row.firstName} ${row.lastName}`.trim();
  const columns = [
    `Agent ID: ${row.agentId === null ? '—' : String(row.agentId)}`,
    `Extension: ${row.extensionNumber === null ? '—' : String(row.extensionNumber)}`,
    `Site: ${shown(row.siteName)}`,
    `Department: ${shown(row.departmentName)}`,
    `Email: ${shown(row.email)}`,
  ];
  const clone: Button = {
    type: 'button',
    action_id: ACTIONS.cloneUser,
    text: { type: 'plain_text', text: 'Clone' },
    value: row.username,
    accessibility_label: clipText(`Clone ${row.username}`, 75),
  };
  return {
    type: 'section',
    // Usernames are unique, so each row's block ID is too (Slack reports it with the click).
    block_id: `user_${row.username}`,
    text: mrkdwn(`*${mrkdwnLiteral(clipText(name === '' ? row.username : name, 110))}* ${mrkdwnCode(row.username)}\n${columns.join(' · ')}`),
    accessory: clone,
  };
}

function shown(text: string | null): string {
  return text === null || text.trim() === '' ? '—' : mrkdwnLiteral(clipText(text, 254));
}

function pageButton(blockId: string, label: string, query: FindQuery): ActionsBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [{ type: 'button', action_id: ACTIONS.findPage, text: { type: 'plain_text', text: label }, value: encodeFindQuery(query) }],
  };
}
