import { describe, expect, it } from 'vitest';
import { holderChangedText, recipientIssue, typedAssignmentNumber, unassignIssue, type AssignmentRecipient } from '../../../src/domain/extension-assignment.js';

const sam = (over: Partial<AssignmentRecipient> = {}): AssignmentRecipient => ({ id: 7, username: 'sroe', status: 'active', userType: 'agent', heldExtensionNumber: null, ...over });
const held = { number: 1001, holderId: 3 };

describe('who may get an extension', () => {
  it('an active agent, supervisor or admin who holds none, from a holder or from nobody', () => {
    for (const userType of ['agent', 'supervisor', 'admin'] as const) expect(recipientIssue(held, sam({ userType }))).toBeNull();
    expect(recipientIssue({ number: 1001, holderId: null }, sam())).toBeNull();
  });

  it('refuses, each clearly: the holder themself, a deactivated user, a non-agent, someone who holds one already', () => {
    expect(recipientIssue({ number: 1001, holderId: 7 }, sam())).toMatchObject({ field: 'recipient', code: 'invalid_transition', message: 'Extension 1001 is already theirs: sroe holds it' });
    expect(recipientIssue(held, sam({ status: 'deactivated' }))).toMatchObject({ code: 'already_deactivated', message: 'sroe is deactivated: only an active agent can get an extension' });
    expect(recipientIssue(held, sam({ userType: 'non_agent' }))).toMatchObject({ code: 'not_allowed', message: expect.stringContaining('sroe is not an agent: non-agents have no phone') as string });
    expect(recipientIssue(held, sam({ heldExtensionNumber: 1002 }))).toMatchObject({ code: 'user_has_extension', message: 'sroe already has extension 1002; unassign it first' });
  });

  it('"already theirs" wins over the rest: holding this very one is not "already has one"', () => {
    expect(recipientIssue({ number: 1001, holderId: 7 }, sam({ heldExtensionNumber: 1001 }))?.code).toBe('invalid_transition');
  });
});

describe('unassigning', () => {
  it('needs a holder', () => {
    expect(unassignIssue(held)).toBeNull();
    expect(unassignIssue({ number: 1500, holderId: null })).toMatchObject({ field: 'extension', message: 'Extension 1500 is not assigned to anyone' });
  });
});

describe('the typed extension number', () => {
  it.each([
    ['1001', 1001],
    ['7', 7],
    ['2147483647', 2147483647],
  ])('%s → %d', (text, n) => expect(typedAssignmentNumber(text)).toBe(n));

  it.each(['', 'abc', '10a', '-5', '0', '1.5', '2147483648', '12345678901', ' 1001'])('%j is no number', (text) => {
    expect(typedAssignmentNumber(text)).toBeUndefined();
  });
});

describe('why a carry-out fails when the holder changed', () => {
  it('names who held it and who holds it now, or free', () => {
    expect(holderChangedText(1001, 'jdoe', null)).toBe('Extension 1001 changed hands since this request was made: it was held by jdoe, it is free now. Nothing was changed; ask again if it is still needed');
    expect(holderChangedText(1001, null, 'asmith')).toContain('it was free, it is held by asmith now');
  });
});
