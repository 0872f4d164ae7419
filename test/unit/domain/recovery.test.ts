import { describe, expect, it } from 'vitest';
import { cardActions } from '../../../src/domain/card-actions.js';
import { recoveryRoute, resendPassword } from '../../../src/domain/recovery.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const LATER = new Date('2026-11-26T09:00:00Z');
const EARLIER = new Date('2026-11-20T09:00:00Z');

describe('who may ask for a recovery, and whether it waits for an approver (RESET_NEEDS_APPROVAL)', () => {
  it.each([
    [true, { canRequest: true, isApprover: false }, 'needs_approval'],
    [true, { canRequest: true, isApprover: true }, 'needs_approval'],
    [true, { canRequest: false, isApprover: true }, 'not_allowed'],
    [true, { canRequest: false, isApprover: false }, 'not_allowed'],
    [false, { canRequest: true, isApprover: true }, 'at_once'],
    [false, { canRequest: false, isApprover: true }, 'at_once'],
    [false, { canRequest: true, isApprover: false }, 'not_allowed'],
    [false, { canRequest: false, isApprover: false }, 'not_allowed'],
  ] as const)('needs approval %s, %j → %s', (needsApproval, asker, route) => {
    expect(recoveryRoute(needsApproval, asker)).toBe(route);
  });
});

describe('what a resend of the welcome does with the password', () => {
  it('refuses a user who has chosen their own password, whatever the policy', () => {
    for (const policy of ['default', 'random'] as const) {
      expect(resendPassword({ passwordHash: 'h', passwordOneTime: false, passwordExpiresAt: null }, policy, NOW)).toBe('chosen');
    }
  });

  it('a fresh one-time password when the current one has expired (the instant itself counts), or there is none', () => {
    expect(resendPassword({ passwordHash: 'h', passwordOneTime: true, passwordExpiresAt: EARLIER }, 'default', NOW)).toBe('fresh');
    expect(resendPassword({ passwordHash: 'h', passwordOneTime: true, passwordExpiresAt: NOW }, 'default', NOW)).toBe('fresh');
    expect(resendPassword({ passwordHash: null, passwordOneTime: true, passwordExpiresAt: null }, 'default', NOW)).toBe('fresh');
    expect(resendPassword({ passwordHash: null, passwordOneTime: false, passwordExpiresAt: null }, 'default', NOW)).toBe('fresh');
  });

  it('under random a fresh one always (the current one cannot be sent again); under default the current one is checked', () => {
    expect(resendPassword({ passwordHash: 'h', passwordOneTime: true, passwordExpiresAt: LATER }, 'random', NOW)).toBe('fresh');
    expect(resendPassword({ passwordHash: 'h', passwordOneTime: true, passwordExpiresAt: LATER }, 'default', NOW)).toBe('check_current');
  });
});

describe('the recovery buttons of a user card', () => {
  it('Reset sign-in and Resend welcome for an active user when the viewer may ask; Unlock only for an approver, only while locked', () => {
    expect(cardActions({ canRequest: true, mayAskRecovery: true }, 'active')).toEqual(['edit', 'clone', 'deactivate', 'reset_sign_in', 'resend_welcome', 'history']);
    expect(cardActions({ canRequest: true, mayAskRecovery: true }, 'active', { locked: true })).toEqual(['edit', 'clone', 'deactivate', 'reset_sign_in', 'resend_welcome', 'history']);
    expect(cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'active', { locked: true })).toEqual(['edit', 'clone', 'deactivate', 'reset_sign_in', 'resend_welcome', 'unlock', 'history']);
    expect(cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'active', { locked: false })).not.toContain('unlock');
  });

  it('none for a deactivated user, and none to ask for when the viewer may not (RESET_NEEDS_APPROVAL=false, not an approver)', () => {
    expect(cardActions({ canRequest: true, isApprover: true, mayAskRecovery: true }, 'deactivated', { locked: true })).toEqual(['edit', 'clone', 'reactivate', 'history']);
    expect(cardActions({ canRequest: true, mayAskRecovery: false }, 'active', { locked: true })).toEqual(['edit', 'clone', 'deactivate', 'history']);
  });

  it('an approver who may not make requests still gets Unlock and the recovery buttons beside History', () => {
    expect(cardActions({ canRequest: false, isApprover: true, mayAskRecovery: true }, 'active', { locked: true })).toEqual(['reset_sign_in', 'resend_welcome', 'unlock', 'history']);
  });
});
