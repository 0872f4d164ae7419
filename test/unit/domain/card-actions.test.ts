import { describe, expect, it } from 'vitest';
import { cardActionEffect, cardActions, maySeeCards } from '../../../src/domain/card-actions.js';

describe('the buttons of a user card', () => {
  it('a requester may ask for every change: Deactivate for an active user, Reactivate for a deactivated one', () => {
    expect(cardActions({ canRequest: true }, 'active')).toEqual(['edit', 'clone', 'deactivate', 'history']);
    expect(cardActions({ canRequest: true }, 'deactivated')).toEqual(['edit', 'clone', 'reactivate', 'history']);
  });

  it('Unassign extension only for an active user who holds one', () => {
    expect(cardActions({ canRequest: true }, 'active', { hasExtension: true })).toEqual(['edit', 'clone', 'deactivate', 'unassign_extension', 'history']);
    expect(cardActions({ canRequest: true }, 'active', { hasExtension: false })).toEqual(['edit', 'clone', 'deactivate', 'history']);
    expect(cardActions({ canRequest: true }, 'deactivated', { hasExtension: true })).toEqual(['edit', 'clone', 'reactivate', 'history']);
    expect(cardActions({ canRequest: false }, 'active', { hasExtension: true })).toEqual(['history']);
  });

  it('someone who may not make requests sees only History, whatever the status', () => {
    expect(cardActions({ canRequest: false }, 'active')).toEqual(['history']);
    expect(cardActions({ canRequest: false }, 'deactivated')).toEqual(['history']);
  });

  it('requesters and approvers may see cards; nobody else', () => {
    expect(maySeeCards({ canRequest: true, isApprover: false })).toBe(true);
    expect(maySeeCards({ canRequest: false, isApprover: true })).toBe(true);
    expect(maySeeCards({ canRequest: true, isApprover: true })).toBe(true);
    expect(maySeeCards({ canRequest: false, isApprover: false })).toBe(false);
  });

  it('what each button does: changes are requests, Unlock acts at once, History only shows; Reset and Resend follow the route', () => {
    for (const action of ['edit', 'clone', 'deactivate', 'reactivate', 'unassign_extension', 'rotate_secret'] as const) {
      expect(cardActionEffect(action, false)).toBe('request');
      expect(cardActionEffect(action, true)).toBe('request');
    }
    expect(cardActionEffect('unlock', false)).toBe('at_once');
    expect(cardActionEffect('history', true)).toBe('shows');
    expect(cardActionEffect('reset_sign_in', false)).toBe('request');
    expect(cardActionEffect('resend_welcome', true)).toBe('at_once');
  });
});
