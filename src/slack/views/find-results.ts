import type { ActionsBlock, Button, KnownBlock, PlainTextOption, SectionBlock, StaticSelect } from '@slack/types';
import { z } from 'zod';
import { ACTIONS } from '../ids.js';
import type { FindQuery, FindStatus, UserListItem } from './model.js';
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

// Slack refuses a message of more than 50 blocks. Around the rows there are at most six (header with
// the kind filter, the status filter, divider, context, Previous, Next), and each row takes two (its
// text, then its View and Clone buttons), so a page never shows more rows than this.
const MAX_MESSAGE_BLOCKS = 50;
const FIXED_BLOCKS = 6;
const BLOCKS_PER_ROW = 2;
const MAX_ROWS = Math.floor((MAX_MESSAGE_BLOCKS - FIXED_BLOCKS) / BLOCKS_PER_ROW);

const KIND_CODES = { all: 'a', agent: 'g', non_agent: 'n' } as const satisfies Record<FindQuery['kind'], string>;
const KIND_BY_CODE: Readonly<Record<string, FindQuery['kind']>> = { a: 'all', g: 'agent', n: 'non_agent' };
const STATUS_CODES = { active: 'a', deactivated: 'd', all: 'x' } as const satisfies Record<FindStatus, string>;
const STATUS_BY_CODE: Readonly<Record<string, FindStatus>> = { a: 'active', d: 'deactivated', x: 'all' };

const KIND_OPTIONS: readonly [FindQuery['kind'], string][] = [
  ['all', 'All users'],
  ['agent', 'Agents'],
  ['non_agent', 'Non-agents'],
];
const STATUS_OPTIONS: readonly [FindStatus, string][] = [
  ['active', 'Active'],
  ['deactivated', 'Deactivated'],
  ['all', 'Active and deactivated'],
];
const SUBJECT: Readonly<Record<FindQuery['kind'], string>> = { all: 'Users', agent: 'Agents', non_agent: 'Non-agent users' };
const NOUN: Readonly<Record<FindQuery['kind'], string>> = { all: 'users', agent: 'agents', non_agent: 'non-agent users' };

/** What a query filters on beyond text and kind, as the header says it. */
function filterWords(q: FindQuery): string[] {
  const words: string[] = [];
  if (q.siteKeys?.length) words.push(`site ${q.siteKeys.map(mrkdwnCode).join(' or ')}`);
  if (q.departmentKeys?.length) words.push(`department ${q.departmentKeys.map(mrkdwnCode).join(' or ')}`);
  if (q.status === 'deactivated') words.push('deactivated only');
  if (q.status === 'all') words.push('deactivated included');
  return words;
}

/**
 * A query as an element value. With no filter beyond the kind it is `<kind code>|<page>|<text>` (kind
 * code `a` all, `g` agent, `n` non-agent), the form every earlier message carries. With a status or a
 * site / department filter it is `<kind code><status code>|<page>|<site keys>|<department keys>|<text>`
 * (status `a` active, `d` deactivated, `x` all; keys comma-separated: reference keys hold no `,` or `|`).
 * The text is last and taken whole, so it may contain `|`.
 *
 * `maxLength` is the element's limit: 2000 for a button (the text always fits whole, being at most
 * 200), 75 for a select option. In an option the text keeps only what fits after the head (71 UTF-16
 * units on page 1 with no filter): the cut falls between characters, never inside a surrogate pair,
 * and trailing spaces of the cut text are dropped. So changing the filter on a search longer than that
 * searches its first characters — searches are names, usernames and emails, far shorter in practice.
 */
export function encodeFindQuery(q: FindQuery, maxLength: number = BUTTON_VALUE_MAX): string {
  const head = findQueryHead(q);
  return head + clipValue(q.text, Math.min(FIND_TEXT_MAX, Math.max(0, maxLength - head.length)));
}

function findQueryHead(q: FindQuery): string {
  const page = Number.isSafeInteger(q.page) && q.page >= 1 ? Math.min(q.page, FIND_PAGE_MAX) : 1;
  const status = q.status ?? 'active';
  const sites = q.siteKeys ?? [];
  const departments = q.departmentKeys ?? [];
  if (status === 'active' && sites.length === 0 && departments.length === 0) return `${KIND_CODES[q.kind]}|${page}|`;
  return `${KIND_CODES[q.kind]}${STATUS_CODES[status]}|${page}|${sites.join(',')}|${departments.join(',')}|`;
}

const KEY_LIST = z
  .string()
  .regex(/^(?:[a-z0-9][a-z0-9._-]{0,39}(?:,[a-z0-9][a-z0-9._-]{0,39}){0,9})?$/)
  .transform((s) => (s === '' ? [] : s.split(',')));

const decoded = z.object({
  text: z.string().max(FIND_TEXT_MAX),
  kind: z.enum(['all', 'agent', 'non_agent']),
  page: z.number().int().min(1).max(FIND_PAGE_MAX),
});

const ENCODED = /^([agn])\|([1-9]\d{0,4})\|([\s\S]*)$/;
const ENCODED_FILTERED = /^([agn])([adx])\|([1-9]\d{0,4})\|([^|]*)\|([^|]*)\|([\s\S]*)$/;

/** The query a button or option carries. Values come back from the client: a forged one throws. */
export function decodeFindQuery(s: string): FindQuery {
  if (typeof s !== 'string' || s.length > BUTTON_VALUE_MAX) throw new Error('Not a find query');
  const filtered = ENCODED_FILTERED.exec(s);
  if (filtered) {
    const [, code = '', statusCode = '', page = '', sites = '', departments = '', text = ''] = filtered;
    const base = decoded.safeParse({ text, kind: KIND_BY_CODE[code], page: Number(page) });
    const siteKeys = KEY_LIST.safeParse(sites);
    const departmentKeys = KEY_LIST.safeParse(departments);
    const status = STATUS_BY_CODE[statusCode];
    if (!base.success || !siteKeys.success || !departmentKeys.success || !status) throw new Error('Not a find query');
    return { ...base.data, status, siteKeys: siteKeys.data, departmentKeys: departmentKeys.data };
  }
  const match = ENCODED.exec(s);
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

  const filters = filterWords(query);
  const subject = (searched === '' ? SUBJECT[query.kind] : `${SUBJECT[query.kind]} matching *${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}*`) + (filters.length > 0 ? ` · ${filters.join(' · ')}` : '');
  // The selects carry the whole query in 75 characters; filters whose keys leave no room for that are
  // changed by typing the command again instead.
  const selectable = findQueryHead({ ...query, page: 1, status: 'all' }).length <= OPTION_VALUE_MAX - 10;
  const header: SectionBlock = {
    type: 'section',
    block_id: 'find_header',
    text: mrkdwn(`${subject}${paged ? ` — page ${page}` : ''}`),
    ...(selectable ? { accessory: filterSelect(query) } : {}),
  };
  const blocks: KnownBlock[] = [header];
  if (selectable) blocks.push({ type: 'actions', block_id: 'find_status', elements: [statusSelect(query)] });
  blocks.push({ type: 'divider' });

  if (rows.length === 0) {
    const none = page > 1 ? `No more ${NOUN[query.kind]}` : `No ${NOUN[query.kind]}`;
    blocks.push({
      type: 'section',
      text: mrkdwn(searched === '' ? `${none} found.` : `${none} match *${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}*.`),
    });
  } else {
    for (const row of rows) blocks.push(rowSection(row), rowButtons(row));
    const first = (page - 1) * pageSize + 1;
    const more = dropped > 0 ? ` (${dropped} more not shown: narrow the search)` : '';
    const typed = selectable ? '' : ' Type the command again to change the filters.';
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Showing ${first}–${first + rows.length - 1}${more}. Non-agents have no Agent ID.${typed}`)],
    });
  }

  // Slack wants action IDs unique within a block, and both paging buttons use ACTIONS.findPage: each
  // sits in its own actions block.
  if (page > 1) blocks.push(pageButton('find_page_previous', '‹ Previous', { ...query, page: page - 1 }));
  if (hasMore && rows.length > 0) blocks.push(pageButton('find_page_next', 'Next ›', { ...query, page: page + 1 }));

  const found = rows.length === 0 ? 'no match' : `${rows.length} shown${hasMore ? ', more on the next page' : ''}`;
  const about = searched === '' ? SUBJECT[query.kind] : `${SUBJECT[query.kind]} matching ${mrkdwnLiteral(clipText(searched, FIND_TEXT_MAX))}`;
  // (The filters are in the blocks; the notification text stays short.)
  return { text: `${about}${paged ? ` (page ${page})` : ''}: ${found}`, blocks };
}

function filterSelect(query: FindQuery): StaticSelect {
  const options = KIND_OPTIONS.map(([kind, label]): PlainTextOption => ({
    text: { type: 'plain_text', text: label },
    value: encodeFindQuery({ ...query, kind, page: 1 }, OPTION_VALUE_MAX),
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

/**
 * The status filter, beside the kind filter: deactivated users are left out unless asked for. It uses
 * the same action as the kind filter (each option is the whole query), in a block of its own so action
 * IDs stay unique per block.
 */
function statusSelect(query: FindQuery): StaticSelect {
  const current = query.status ?? 'active';
  const options = STATUS_OPTIONS.map(([status, label]): PlainTextOption => ({
    text: { type: 'plain_text', text: label },
    value: encodeFindQuery({ ...query, status, page: 1 }, OPTION_VALUE_MAX),
  }));
  const initial = options[STATUS_OPTIONS.findIndex(([status]) => status === current)];
  return {
    type: 'static_select',
    action_id: ACTIONS.findFilter,
    placeholder: { type: 'plain_text', text: 'Status' },
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
  const deactivated = row.status === 'deactivated' ? ' · :no_entry_sign: *Deactivated*' : '';
  return {
    type: 'section',
    // Usernames are unique, so each row's block ID is too (Slack reports it with the click).
    block_id: `user_${row.username}`,
    text: mrkdwn(`*${mrkdwnLiteral(clipText(name === '' ? row.username : name, 110))}* ${mrkdwnCode(row.username)}${deactivated}\n${columns.join(' · ')}`),
  };
}

/** A row's buttons: View opens the user card, Clone the Clone User modal; both carry the username. */
function rowButtons(row: UserListItem): ActionsBlock {
  const button = (actionId: string, label: string): Button => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value: row.username,
    accessibility_label: clipText(`${label} ${row.username}`, 75),
  });
  return { type: 'actions', block_id: `user_actions_${row.username}`, elements: [button(ACTIONS.viewUser, 'View'), button(ACTIONS.cloneUser, 'Clone')] };
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
