import type { ActionsBlock, Button, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../src/slack/ids.js';
import {
  decodeFindQuery,
  encodeFindQuery,
  FIND_PAGE_SIZE,
  findResultsMessage,
  OPTION_VALUE_MAX,
} from '../../../src/slack/views/find-results.js';
import type { FindQuery, UserListItem } from '../../../src/slack/views/model.js';

const agent: UserListItem = {
  username: 'jdoe',
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane.doe@example.com',
  agentId: 1001,
  siteName: 'Austin',
  departmentName: 'Sales',
  extensionNumber: 1004,
};
const nonAgent: UserListItem = {
  username: 'rroe',
  firstName: 'Rick',
  lastName: 'Roe',
  email: null,
  agentId: null,
  siteName: null,
  departmentName: 'Billing',
  extensionNumber: null,
};

function user(i: number): UserListItem {
  return { ...agent, username: `user${i}`, firstName: `First${i}`, lastName: `Last${i}`, agentId: 2000 + i, extensionNumber: 3000 + i };
}

const query = (over: Partial<FindQuery> = {}): FindQuery => ({ text: 'jane', kind: 'all', page: 1, ...over });

function build(over: { query?: FindQuery; rows?: UserListItem[]; hasMore?: boolean } = {}) {
  return findResultsMessage({ query: over.query ?? query(), rows: over.rows ?? [agent, nonAgent], hasMore: over.hasMore ?? false, pageSize: FIND_PAGE_SIZE });
}

function sections(blocks: KnownBlock[]): SectionBlock[] {
  return blocks.filter((b): b is SectionBlock => b.type === 'section');
}

function rowFor(blocks: KnownBlock[], username: string): SectionBlock {
  const row = sections(blocks).find((s) => s.block_id === `user_${username}`);
  if (!row) throw new Error(`no row for ${username}`);
  return row;
}

/** Each row's View and Clone buttons, in the actions block under its text. */
function rowButtons(blocks: KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions' && (b.block_id ?? '').startsWith('user_actions_'))
    .flatMap((b) => b.elements)
    .filter((e): e is Button => e.type === 'button');
}

function textOf(b: SectionBlock): string {
  return b.text?.text ?? '';
}

function pageButtons(blocks: KnownBlock[]): Button[] {
  return blocks
    .filter((b): b is ActionsBlock => b.type === 'actions')
    .flatMap((b) => b.elements)
    .filter((e): e is Button => e.type === 'button' && e.action_id === ACTIONS.findPage);
}

function filterOf(blocks: KnownBlock[]): StaticSelect {
  for (const b of blocks) {
    const candidates = b.type === 'section' ? [b.accessory] : b.type === 'actions' ? b.elements : [];
    for (const e of candidates) if (e?.type === 'static_select' && e.action_id === ACTIONS.findFilter) return e;
  }
  throw new Error('no filter');
}

/** Slack refuses a block whose elements share an action ID. */
function expectActionIdsUniquePerBlock(blocks: KnownBlock[]): void {
  for (const b of blocks) {
    const ids =
      b.type === 'actions'
        ? b.elements.map((e) => ('action_id' in e ? e.action_id : undefined))
        : b.type === 'section' && b.accessory && 'action_id' in b.accessory
          ? [b.accessory.action_id]
          : [];
    expect(new Set(ids).size).toBe(ids.length);
  }
}

describe('findResultsMessage', () => {
  it('shows the header with the search text and the page when there are several', () => {
    const { blocks } = build({ query: query({ page: 2 }), hasMore: true });
    expect(textOf(sections(blocks)[0]!)).toBe('Users matching *jane* — page 2');
    const single = build();
    expect(textOf(sections(single.blocks)[0]!)).toBe('Users matching *jane*');
  });

  it('shows the agent ID of an agent and none for a non-agent, with the other columns', () => {
    const { blocks } = build();
    const a = textOf(rowFor(blocks, 'jdoe'));
    expect(a).toContain('*Jane Doe* `jdoe`');
    expect(a).toContain('Agent ID: 1001');
    expect(a).toContain('Extension: 1004');
    expect(a).toContain('Site: Austin');
    expect(a).toContain('Department: Sales');
    expect(a).toContain('Email: jane.doe@example.com');

    const n = textOf(rowFor(blocks, 'rroe'));
    expect(n).toContain('*Rick Roe* `rroe`');
    expect(n).toContain('Agent ID: —');
    expect(n).toContain('Extension: —');
    expect(n).toContain('Site: —');
    expect(n).toContain('Email: —');
    expect(n).not.toMatch(/\d/);
  });

  it('gives every row a View and a Clone button carrying its username', () => {
    const { blocks } = build({ rows: [agent, nonAgent, user(7)] });
    expect(rowButtons(blocks).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      [ACTIONS.viewUser, 'jdoe', 'View'],
      [ACTIONS.cloneUser, 'jdoe', 'Clone'],
      [ACTIONS.viewUser, 'rroe', 'View'],
      [ACTIONS.cloneUser, 'rroe', 'Clone'],
      [ACTIONS.viewUser, 'user7', 'View'],
      [ACTIONS.cloneUser, 'user7', 'Clone'],
    ]);
    expectActionIdsUniquePerBlock(blocks);
  });

  it('shows a deactivated user as such', () => {
    const { blocks } = build({ rows: [{ ...agent, status: 'deactivated' }, nonAgent] });
    expect(textOf(rowFor(blocks, 'jdoe'))).toContain('*Deactivated*');
    expect(textOf(rowFor(blocks, 'rroe'))).not.toContain('Deactivated');
  });

  it('says which filters apply, and offers the status filter with the current status, each option the query on page 1', () => {
    const q = query({ status: 'all', siteKeys: ['austin-tx'], departmentKeys: ['sales', 'billing-support'], page: 3 });
    const { blocks } = build({ query: q, hasMore: true });
    expect(textOf(sections(blocks)[0]!)).toBe('Users matching *jane* · site `austin-tx` · department `sales` or `billing-support` · deactivated included — page 3');
    const status = blocks.find((b): b is ActionsBlock => b.type === 'actions' && b.block_id === 'find_status')!.elements[0] as StaticSelect;
    expect(status.action_id).toBe(ACTIONS.findFilter);
    expect(status.options?.map((o) => o.text.text)).toEqual(['Active', 'Deactivated', 'Active and deactivated']);
    expect(status.options?.map((o) => decodeFindQuery(o.value!))).toEqual([
      { ...q, page: 1, status: 'active' },
      { ...q, page: 1, status: 'deactivated' },
      { ...q, page: 1, status: 'all' },
    ]);
    expect(status.initial_option).toEqual(status.options?.[2]);
    // The kind filter keeps the other filters.
    expect(decodeFindQuery(filterOf(blocks).options![1]!.value!)).toEqual({ ...q, page: 1, kind: 'agent' });
    for (const b of pageButtons(blocks)) expect(decodeFindQuery(b.value!)).toMatchObject({ status: 'all', siteKeys: ['austin-tx'], departmentKeys: ['sales', 'billing-support'] });
  });

  it('offers no selects when the filter keys leave no room in a 75-character option, and says to type them', () => {
    const keys = Array.from({ length: 3 }, (_, i) => `${'k'.repeat(35)}${i}`);
    const { blocks } = build({ query: query({ siteKeys: keys }) });
    expect(() => filterOf(blocks)).toThrow();
    expect(JSON.stringify(blocks)).toContain('Type the command again to change the filters.');
  });

  it('shows no paging buttons on a single page', () => {
    expect(pageButtons(build().blocks)).toEqual([]);
  });

  it('shows only Next on the first page of several, pointing at page 2 of the same query', () => {
    const q = query({ text: 'ja|ne', kind: 'agent' });
    const buttons = pageButtons(build({ query: q, hasMore: true }).blocks);
    expect(buttons.map((b) => b.text.text)).toEqual(['Next ›']);
    expect(decodeFindQuery(buttons[0]!.value!)).toEqual({ ...q, page: 2 });
  });

  it('shows only Previous on the last page', () => {
    const buttons = pageButtons(build({ query: query({ page: 3 }), hasMore: false }).blocks);
    expect(buttons.map((b) => b.text.text)).toEqual(['‹ Previous']);
    expect(decodeFindQuery(buttons[0]!.value!)).toEqual(query({ page: 2 }));
  });

  it('shows both in the middle, each in its own block so action IDs stay unique per block', () => {
    const { blocks } = build({ query: query({ page: 3, kind: 'non_agent' }), hasMore: true });
    const buttons = pageButtons(blocks);
    expect(buttons.map((b) => [b.text.text, decodeFindQuery(b.value!).page])).toEqual([
      ['‹ Previous', 2],
      ['Next ›', 4],
    ]);
    expect(buttons.every((b) => decodeFindQuery(b.value!).kind === 'non_agent')).toBe(true);
    expectActionIdsUniquePerBlock(blocks);
  });

  it('offers the filter with the current kind selected; each option is the query on page 1', () => {
    const q = query({ kind: 'non_agent', page: 4 });
    const filter = filterOf(build({ query: q, hasMore: true }).blocks);
    expect(filter.options?.map((o) => o.text.text)).toEqual(['All users', 'Agents', 'Non-agents']);
    expect(filter.options?.map((o) => decodeFindQuery(o.value!))).toEqual([
      { text: 'jane', kind: 'all', page: 1 },
      { text: 'jane', kind: 'agent', page: 1 },
      { text: 'jane', kind: 'non_agent', page: 1 },
    ]);
    expect(filter.initial_option).toEqual(filter.options?.[2]);
    expect(filterOf(build({ query: query({ kind: 'agent' }) }).blocks).initial_option).toEqual(filter.options?.[1]);
  });

  it('keeps option values within 75 characters for the longest search, cutting the text between characters', () => {
    const long = '😀'.repeat(100); // 200 UTF-16 units, pairs that must not be split
    const filter = filterOf(build({ query: query({ text: long }) }).blocks);
    for (const o of filter.options ?? []) {
      expect(o.value!.length).toBeLessThanOrEqual(OPTION_VALUE_MAX);
      const text = decodeFindQuery(o.value!).text;
      expect(text.length).toBeGreaterThan(60);
      expect(long.startsWith(text)).toBe(true);
      expect(text).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    // Buttons carry the whole text.
    expect(decodeFindQuery(pageButtons(build({ query: query({ text: long }), hasMore: true }).blocks)[0]!.value!).text).toBe(long);
  });

  it('says so when nothing matches, with no Next button', () => {
    const { blocks, text } = build({ query: query({ text: 'x' }), rows: [], hasMore: false });
    expect(sections(blocks).map(textOf)).toContain('No users match *x*.');
    expect(pageButtons(blocks)).toEqual([]);
    expect(text).toContain('x');
  });

  it('stays within 50 blocks for a full page, and for more rows than a page', () => {
    const rows = Array.from({ length: FIND_PAGE_SIZE }, (_, i) => user(i));
    const full = build({ query: query({ page: 2, status: 'all', siteKeys: ['austin-tx'] }), rows, hasMore: true });
    expect(rowButtons(full.blocks).filter((b) => b.action_id === ACTIONS.viewUser)).toHaveLength(20);
    expect(full.blocks.length).toBeLessThanOrEqual(50);
    expect(pageButtons(full.blocks)).toHaveLength(2);

    const tooMany = build({ query: query({ page: 2 }), rows: Array.from({ length: 200 }, (_, i) => user(i)), hasMore: true });
    expect(tooMany.blocks.length).toBeLessThanOrEqual(50);
    expect(pageButtons(tooMany.blocks)).toHaveLength(2);
  });

  it('escapes names, places and the search text so nothing pings, links or turns bold', () => {
    const evil: UserListItem = {
      ...agent,
      firstName: '<!channel>',
      lastName: '*bold*',
      siteName: '<https://x|y>',
      departmentName: 'R&D *now*',
      email: 'a_b@example.com',
    };
    const { blocks, text } = build({ query: query({ text: '<!channel> *bold* <https://x|y>' }), rows: [evil] });
    // What is shown (element values go back to the app, not on screen).
    const json = JSON.stringify(blocks, (key, v: unknown) => (key === 'value' ? undefined : v));
    expect(json).toContain('&lt;!channel&gt;');
    for (const raw of ['<!channel>', '<https://x|y>', '*bold*', '*now*']) {
      expect(json).not.toContain(raw);
      expect(text).not.toContain(raw);
    }
    const row = textOf(rowFor(blocks, 'jdoe'));
    expect(row).toContain('*&lt;!channel&gt; ∗bold∗* `jdoe`');
    expect(row).toContain('Site: &lt;https://x|y&gt;');
    expect(row).toContain('Department: R&amp;D ∗now∗');
    // An underscore inside an address cannot format anything: it is kept as typed.
    expect(row).toContain('Email: a_b@example.com');
    expect(textOf(sections(blocks)[0]!)).toBe('Users matching *&lt;!channel&gt; ∗bold∗ &lt;https://x|y&gt;*');
    // Slack must not turn typed text into links or mentions either.
    expect(sections(blocks).every((s) => s.text?.type !== 'mrkdwn' || s.text.verbatim === true)).toBe(true);
  });
});

describe('encodeFindQuery / decodeFindQuery', () => {
  it.each<FindQuery>([
    { text: 'jane', kind: 'all', page: 1 },
    { text: 'Núñez-García', kind: 'agent', page: 2 },
    { text: 'a|b|c', kind: 'non_agent', page: 10_000 },
    { text: '', kind: 'all', page: 7 },
    { text: '😀 <!channel> "quoted"', kind: 'agent', page: 1 },
    { text: 'a|b', kind: 'agent', page: 2, status: 'deactivated', siteKeys: ['austin-tx', 'tampa-fl'], departmentKeys: [] },
    { text: '', kind: 'all', page: 1, status: 'all', siteKeys: [], departmentKeys: ['sales'] },
    { text: 'x', kind: 'non_agent', page: 1, status: 'active', siteKeys: ['remote'], departmentKeys: ['a.b_c-d'] },
  ])('round-trips %j', (q) => {
    const encoded = encodeFindQuery(q);
    expect(encoded.length).toBeLessThanOrEqual(2000);
    expect(decodeFindQuery(encoded)).toEqual(q);
  });

  it('fits a 75-character option by cutting the text, and still decodes', () => {
    const q: FindQuery = { text: 'x'.repeat(200), kind: 'non_agent', page: 1 };
    const value = encodeFindQuery(q, OPTION_VALUE_MAX);
    expect(value.length).toBe(OPTION_VALUE_MAX);
    expect(decodeFindQuery(value)).toEqual({ ...q, text: 'x'.repeat(OPTION_VALUE_MAX - 4) });
  });

  it.each([
    '',
    'jane',
    'a|1',
    'x|1|jane',
    'a|0|jane',
    'a|01|jane',
    'a|-1|jane',
    'a|1.5|jane',
    'a|10001|jane',
    'a|99999999|jane',
    `a|1|${'x'.repeat(201)}`,
    '{"text":"jane","kind":"all","page":1}',
    ' a|1|jane',
    'aq|1|||jane',
    'ad|1|AUSTIN||jane',
    'ad|1|a,,b||jane',
    'ad|1|a b||jane',
    `ad|1|${Array.from({ length: 11 }, (_, i) => `k${i}`).join(',')}||jane`,
  ])('refuses the forged value %j', (value) => {
    expect(() => decodeFindQuery(value)).toThrow();
  });
});
