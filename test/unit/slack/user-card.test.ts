import type { Button, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { readAuditDetails } from '../../../src/domain/audit-details.js';
import { cardActions, type CardAction } from '../../../src/domain/card-actions.js';
import type { UserCard } from '../../../src/services/user-card.js';
import type { UserHistory } from '../../../src/services/user-history.js';
import { ACTIONS } from '../../../src/slack/ids.js';
import { cardFootnote, userCardMessage } from '../../../src/slack/views/user-card.js';
import { decodeHistoryPage, encodeHistoryPage, userHistoryMessage } from '../../../src/slack/views/user-history.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

const CREATED = new Date('2026-11-20T09:00:00Z');

function card(over: Partial<UserCard> = {}): UserCard {
  return {
    username: 'jdoe',
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane@example.com',
    status: 'active',
    userType: 'agent',
    agentId: 1001,
    extension: { number: 1004, deviceType: 'webrtc' },
    siteName: 'Austin, TX',
    departmentName: 'Sales',
    billingUnitName: 'BU 1',
    profileName: 'Standard Agent',
    collections: [
      { name: 'All Agents', kind: 'agent', retired: false },
      { name: 'Old Team', kind: 'user', retired: true },
    ],
    createdBy: 'U0REQUESTER',
    createdAt: CREATED,
    deactivatedBy: null,
    deactivatedAt: null,
    lastSignInAt: null,
    lockedUntil: null,
    version: 1,
    ...over,
  };
}

/** A message within Slack's limits: 50 blocks, and each section's fields (≤ 10, each ≤ 2000). */
function expectMessageWithinLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  assertWithinSlackLimits({ type: 'home', blocks });
  for (const b of blocks) {
    if (b.type !== 'section') continue;
    expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
  }
}

const buttonsOf = (blocks: KnownBlock[]): Button[] =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((e): e is Button => e.type === 'button');
const all = (blocks: KnownBlock[]) => JSON.stringify(blocks);

describe('userCardMessage', () => {
  it('shows every part of the user the issue lists', () => {
    const { blocks } = userCardMessage(card({ lastSignInAt: new Date('2026-11-22T08:00:00Z'), lockedUntil: new Date('2026-11-23T09:15:00Z') }), cardActions({ canRequest: true }, 'active'));
    expectMessageWithinLimits(blocks);
    const text = all(blocks);
    for (const part of ['*Jane Doe* `jdoe`', 'Active', 'Agent ID*\\n1001', '1004 · New agent interface (WebRTC)', 'Austin, TX', 'Sales', 'BU 1', 'Standard Agent', 'Collections (2)', 'All Agents', 'Old Team (retired)', 'by <@U0REQUESTER>', 'Last sign-in', 'Locked until', 'User type*\\nAgent']) {
      expect(text).toContain(part);
    }
    expect(text).toContain(`<!date^${CREATED.getTime() / 1000}^`);
  });

  it('offers Edit, Clone, Deactivate and History for an active user; Reactivate for a deactivated one; each carries the username', () => {
    const active = buttonsOf(userCardMessage(card(), cardActions({ canRequest: true }, 'active')).blocks);
    expect(active.map((b) => [b.action_id, b.value])).toEqual([
      [ACTIONS.editUser, 'jdoe'],
      [ACTIONS.cloneUser, 'jdoe'],
      [ACTIONS.deactivateUser, 'jdoe'],
      [ACTIONS.userHistory, 'jdoe'],
    ]);
    const holder = userCardMessage(card(), cardActions({ canRequest: true }, 'active', { hasExtension: true }));
    expectMessageWithinLimits(holder.blocks);
    expect(buttonsOf(holder.blocks).map((b) => [b.action_id, b.value, b.text.text])).toContainEqual([ACTIONS.unassignExtension, 'jdoe', 'Unassign extension']);
    const gone = userCardMessage(card({ status: 'deactivated', deactivatedBy: 'U0APPROVER', deactivatedAt: CREATED }), cardActions({ canRequest: true }, 'deactivated'));
    expect(buttonsOf(gone.blocks).map((b) => b.action_id)).toEqual([ACTIONS.editUser, ACTIONS.cloneUser, ACTIONS.reactivateUser, ACTIONS.userHistory]);
    expect(all(gone.blocks)).toContain('*Deactivated*');
    expect(all(gone.blocks)).toContain('by <@U0APPROVER>');
    // A viewer who may not make requests sees History only.
    expect(buttonsOf(userCardMessage(card(), cardActions({ canRequest: false }, 'active')).blocks).map((b) => b.action_id)).toEqual([ACTIONS.userHistory]);
  });

  it('says in its footnote which buttons ask for approval and which act at once', () => {
    const footnoteOf = (blocks: KnownBlock[]) => JSON.stringify(blocks.find((b) => b.block_id === 'card_footnote') ?? null);
    const requester = userCardMessage(card(), cardActions({ canRequest: true, mayAskRecovery: true }, 'active', { hasExtension: true }));
    expect(footnoteOf(requester.blocks)).toContain('Edit, Clone, Deactivate, Unassign extension, Reset sign-in and Resend welcome make requests: a contact-center admin approves each one.');
    expect(footnoteOf(requester.blocks)).not.toContain('at once');

    const approver = userCardMessage(card(), cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'active', { hasExtension: true, locked: true }));
    expectMessageWithinLimits(approver.blocks);
    expect(footnoteOf(approver.blocks)).toContain(
      'Edit, Clone, Deactivate, Unassign extension, Rotate device secret, Reset sign-in and Resend welcome make requests: a contact-center admin approves each one. Unlock acts at once, with no approval.',
    );

    // RESET_NEEDS_APPROVAL=false: an approver's reset and resend are carried out at once.
    const atOnce = userCardMessage(card(), cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'active', { locked: true }), { recovery: 'at_once' });
    expect(footnoteOf(atOnce.blocks)).toContain('Edit, Clone and Deactivate make requests: a contact-center admin approves each one. Reset sign-in, Resend welcome and Unlock act at once, with no approval.');

    // History alone changes nothing: no footnote.
    expect(footnoteOf(userCardMessage(card(), cardActions({ canRequest: false }, 'active')).blocks)).toBe('null');
    expect(footnoteOf(userCardMessage(card(), ['history', 'unlock']).blocks)).toContain('Unlock acts at once, with no approval.');
  });

  it('names in its footnote every button it shows but History, once, whoever looks', () => {
    const viewers = [{ canRequest: true }, { canRequest: false, isApprover: true, mayAskRecovery: true }, { canRequest: true, isApprover: true, mayAskRecovery: true }, { canRequest: true, mayAskRecovery: true }];
    for (const viewer of viewers)
      for (const status of ['active', 'deactivated'] as const)
        for (const account of [{}, { locked: true, hasExtension: true }])
          for (const recoveryAtOnce of [false, true]) {
            const actions: CardAction[] = cardActions(viewer, status, account);
            const footnote = cardFootnote(actions, recoveryAtOnce) ?? '';
            const labels = buttonsOf(userCardMessage(card({ status }), actions).blocks).map((b) => b.text.text).filter((l) => l !== 'History');
            // Every shown label is in the footnote; each label's words appear once (no label is named twice).
            for (const label of labels) expect(footnote.split(label).length - 1, `${label} in "${footnote}"`).toBe(1);
            expect(footnote === '').toBe(labels.length === 0);
          }
  });

  it('says never and not locked, and shows a non-agent without agent ID or extension', () => {
    const text = all(userCardMessage(card({ userType: 'non_agent', agentId: null, extension: null, collections: [] }), []).blocks);
    expect(text).toContain('Never');
    expect(text).toContain('Not locked');
    expect(text).toContain('— (non-agent)');
    expect(text).toContain('Collections (0)');
  });

  it('clips a long list of collections with "and N more", and long names, within the limits', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ name: `Collection ${i} ${'x'.repeat(90)}`, kind: 'user' as const, retired: false }));
    const { blocks } = userCardMessage(card({ collections: many, firstName: 'A'.repeat(500), email: `${'e'.repeat(240)}@x.com` }), cardActions({ canRequest: true }, 'active'));
    expectMessageWithinLimits(blocks);
    expect(all(blocks)).toContain('Collections (500)');
    expect(all(blocks)).toContain('and 470 more');
  });

  it('escapes what people typed', () => {
    const text = all(userCardMessage(card({ firstName: '<!channel>', siteName: '<https://x|y>', collections: [{ name: '*bold*', kind: 'user', retired: false }] }), []).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://x|y>');
    expect(text).not.toContain('*bold*');
  });
});

function history(over: Partial<UserHistory> = {}): UserHistory {
  return {
    username: 'jdoe',
    page: 1,
    pageSize: 10,
    total: 3,
    entries: [
      { at: CREATED, actor: 'U0APPROVER', action: 'user.deactivated', requestId: null, details: [['freedExtension', '1004']] },
      { at: CREATED, actor: 'sign-in', action: 'user.sign_in', requestId: null, details: [['channel', 'api']] },
      { at: CREATED, actor: 'U0APPROVER', action: 'user.created', requestId: '0b9a4a8e-1111-4222-8333-944445555666', details: [] },
    ],
    ...over,
  };
}

describe('userHistoryMessage', () => {
  it('shows who, what, when and which request, newest first as given', () => {
    const { blocks } = userHistoryMessage(history());
    expectMessageWithinLimits(blocks);
    const sections = blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(sections[0]).toContain('1–3 of 3');
    expect(sections[1]).toMatch(/^\*Deactivated\* · by <@U0APPROVER> · <!date\^/);
    expect(sections[1]).toContain('freedExtension: 1004');
    expect(sections[2]).toContain('*Signed in* · by sign-in');
    expect(sections[3]).toContain('request `0b9a4a8e-1111-4222-8333-944445555666`');
    expect(buttonsOf(blocks)).toEqual([]);
  });

  it('pages: Older on the first page says how many more, Newer on later pages; values carry the page', () => {
    const first = userHistoryMessage(history({ total: 25, entries: history().entries }));
    const older = buttonsOf(first.blocks);
    expect(older.map((b) => b.text.text)).toEqual(['Older › (22 more)']);
    expect(decodeHistoryPage(older[0]!.value!)).toEqual({ username: 'jdoe', page: 2 });
    const last = userHistoryMessage(history({ total: 23, page: 3, entries: history().entries }));
    expect(buttonsOf(last.blocks).map((b) => [b.text.text, decodeHistoryPage(b.value!).page])).toEqual([['‹ Newer', 2]]);
    expect(all(last.blocks)).toContain('(page 3 of 3)');
  });

  it('stays within the limits for a full page of long entries', () => {
    const long = Array.from({ length: 25 }, () => ({ at: CREATED, actor: 'x'.repeat(300), action: 'y'.repeat(300), requestId: 'r'.repeat(300), details: Array.from({ length: 30 }, (_, j): [string, string] => [`k${j}${'k'.repeat(50)}`, 'v'.repeat(500)]) }));
    const { blocks } = userHistoryMessage(history({ total: 10_000, page: 7, pageSize: 25, entries: long }));
    expectMessageWithinLimits(blocks);
  });

  it('says when there is nothing, and when a page is past the end', () => {
    expect(all(userHistoryMessage(history({ total: 0, entries: [] })).blocks)).toContain('No entries yet.');
    const past = userHistoryMessage(history({ total: 3, page: 9, entries: [] }));
    expect(all(past.blocks)).toContain('No entries on page 9');
    expect(buttonsOf(past.blocks).map((b) => decodeHistoryPage(b.value!).page)).toEqual([1]);
  });

  it.each(['', 'jdoe', '0:jdoe', '1:', '-1:jdoe', '100000:jdoe', `1:${'x'.repeat(255)}`])('refuses the forged page value %j', (value) => {
    expect(() => decodeHistoryPage(value)).toThrow();
  });

  it('round-trips a page value with a colon in the username', () => {
    expect(decodeHistoryPage(encodeHistoryPage('a:b', 12))).toEqual({ username: 'a:b', page: 12 });
  });
});

describe('readAuditDetails', () => {
  it('reads a change as field: old → new and never shows a secret-looking key', () => {
    const shown = readAuditDetails({
      requestId: 'r1',
      username: 'jdoe',
      changes: { siteKey: { from: 'austin-tx', to: 'tampa-fl' }, email: { from: null, to: 'a@b.c' }, passwordHash: { from: 'x', to: 'y' } },
      deviceSecret: 'zzz',
      note: 'moved',
      collectionIds: [1, 2, 3, 4, 5, 6],
      deep: [{ a: 1 }],
    });
    expect(shown).toEqual({
      requestId: 'r1',
      details: [
        ['siteKey', 'austin-tx → tampa-fl'],
        ['email', '— → a@b.c'],
        ['note', 'moved'],
        ['collectionIds', '6 items'],
      ],
    });
    expect(readAuditDetails(null)).toEqual({ requestId: null, details: [] });
    expect(readAuditDetails(['x'])).toEqual({ requestId: null, details: [] });
  });
});
