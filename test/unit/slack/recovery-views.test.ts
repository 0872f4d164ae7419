import type { Button, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { cardActions } from '../../../src/domain/card-actions.js';
import type { UserCard } from '../../../src/services/user-card.js';
import { parseProvisionCommand } from '../../../src/slack/commands/parse.js';
import { ACTIONS } from '../../../src/slack/ids.js';
import { helpMessage } from '../../../src/slack/views/help.js';
import { describeRequest, requestConfirmationMessage, type ReferenceNames } from '../../../src/slack/views/request-summary.js';
import { userCardMessage } from '../../../src/slack/views/user-card.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

const NAMES: ReferenceNames = { sites: new Map(), departments: new Map(), billingUnits: new Map(), profiles: new Map(), clusters: new Map(), callerIds: new Map(), e911Locations: new Map(), collectionCount: 0 };

function card(over: Partial<UserCard> = {}): UserCard {
  return {
    username: 'jdoe',
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane@example.com',
    status: 'active',
    userType: 'agent',
    agentId: 1001,
    extension: null,
    siteName: null,
    departmentName: null,
    billingUnitName: null,
    profileName: null,
    collections: [],
    createdBy: 'U0REQUESTER',
    createdAt: new Date('2026-11-20T09:00:00Z'),
    deactivatedBy: null,
    deactivatedAt: null,
    lastSignInAt: null,
    lockedUntil: new Date('2026-11-23T09:15:00Z'),
    version: 1,
    ...over,
  };
}

function buttonsOf(blocks: KnownBlock[]): Button[] {
  return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : []));
}

describe('/provision reset, resend and unlock', () => {
  it.each([
    ['reset jdoe', { kind: 'reset', target: { username: 'jdoe' } }],
    ['RESET @jdoe', { kind: 'reset', target: { username: 'jdoe' } }],
    ['reset <@U012AB3CD|jane>', { kind: 'reset', target: { slackUserId: 'U012AB3CD' } }],
    ['resend jdoe', { kind: 'resend', target: { username: 'jdoe' } }],
    ['unlock jdoe', { kind: 'unlock', target: { username: 'jdoe' } }],
    ['reset', { kind: 'missing_argument', subcommand: 'reset' }],
    ['resend  ', { kind: 'missing_argument', subcommand: 'resend' }],
    ['unlock', { kind: 'missing_argument', subcommand: 'unlock' }],
  ])('%j → %j', (text, expected) => {
    expect(parseProvisionCommand(text)).toEqual(expected);
  });

  it('are in the help', () => {
    const shown = JSON.stringify(helpMessage().blocks);
    for (const usage of ['/provision reset &lt;username | @person&gt;', '/provision resend &lt;username | @person&gt;', '/provision unlock &lt;username | @person&gt;']) expect(shown).toContain(usage);
    assertWithinSlackLimits({ type: 'home', blocks: helpMessage().blocks });
  });
});

describe('the recovery buttons on the user card', () => {
  it('Reset sign-in (asking for confirmation), Resend welcome and Unlock carry the username, within Slack limits', () => {
    const { blocks } = userCardMessage(card(), cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'active', { locked: true }));
    assertWithinSlackLimits({ type: 'home', blocks });
    const buttons = buttonsOf(blocks);
    expect(buttons.map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      [ACTIONS.editUser, 'Edit', 'jdoe'],
      [ACTIONS.cloneUser, 'Clone', 'jdoe'],
      [ACTIONS.deactivateUser, 'Deactivate', 'jdoe'],
      [ACTIONS.resetSignIn, 'Reset sign-in', 'jdoe'],
      [ACTIONS.resendWelcome, 'Resend welcome', 'jdoe'],
      [ACTIONS.unlockUser, 'Unlock', 'jdoe'],
      [ACTIONS.userHistory, 'History', 'jdoe'],
    ]);
    const confirm = buttons.find((b) => b.action_id === ACTIONS.resetSignIn)!.confirm!;
    // Slack: a confirmation's title ≤ 100, text ≤ 300, buttons ≤ 30 characters.
    expect(confirm.title!.text.length).toBeLessThanOrEqual(100);
    expect(confirm.text.text.length).toBeLessThanOrEqual(300);
    expect(confirm.confirm!.text.length).toBeLessThanOrEqual(30);
    expect(confirm.deny!.text.length).toBeLessThanOrEqual(30);
    expect(buttons.filter((b) => b.confirm)).toHaveLength(1);
  });
});

describe('a recovery request as people read it', () => {
  it('says whom it is for and what will happen, in the confirmation within limits', () => {
    const reset = describeRequest('reset_sign_in', { account: 'jdoe', firstName: 'Jane', lastName: 'Doe' }, NAMES);
    expect(reset.title).toBe('Reset the sign-in of jdoe (Jane Doe)');
    expect(reset.fields.map((f) => f.label)).toEqual(['Username', 'Name', 'What happens']);
    const resend = describeRequest('resend_welcome', { account: 'jdoe', firstName: '', lastName: '' }, NAMES);
    expect(resend.title).toBe('Resend the welcome to jdoe');
    expect(resend.fields[1]).toEqual({ label: 'Name', value: '—' });
    const { blocks } = requestConfirmationMessage({ requestId: 'r1', ...reset });
    assertWithinSlackLimits({ type: 'home', blocks });
  });
});
