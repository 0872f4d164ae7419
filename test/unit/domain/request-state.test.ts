import { describe, it, expect } from 'vitest';
import { InvalidInput } from '../../../src/domain/errors.js';
import {
  EXTENSION_CHANGE_KINDS,
  RECOVERY_KINDS,
  REQUEST_KINDS,
  REQUEST_STATES,
  USER_CHANGE_KINDS,
  assertTransition,
  canTransition,
  isExtensionChangeKind,
  isRecoveryKind,
  isTerminal,
  isUserChangeKind,
} from '../../../src/domain/request-state.js';
import type { RequestState } from '../../../src/domain/request-state.js';

const allowed = new Set(['pending>approved', 'pending>rejected', 'pending>expired', 'approved>completed', 'approved>failed']);

const everyPair = REQUEST_STATES.flatMap((from) => REQUEST_STATES.map((to): [RequestState, RequestState, boolean] => [from, to, allowed.has(`${from}>${to}`)]));

describe('request states', () => {
  it('lists the states and kinds', () => {
    expect(REQUEST_STATES).toEqual(['pending', 'approved', 'completed', 'rejected', 'failed', 'expired']);
    expect(REQUEST_KINDS).toEqual([
      'create_user',
      'clone_user',
      'create_extension',
      'edit_user',
      'deactivate_user',
      'reactivate_user',
      'reset_sign_in',
      'resend_welcome',
      'rotate_device_secret',
      'reassign_extension',
      'unassign_extension',
      'import_batch',
    ]);
  });

  it('sorts each kind into at most one family: a change of a user, a recovery, a change of an extension', () => {
    expect(REQUEST_KINDS.filter(isUserChangeKind)).toEqual(['edit_user', 'deactivate_user', 'reactivate_user']);
    expect(REQUEST_KINDS.filter(isRecoveryKind)).toEqual(['reset_sign_in', 'resend_welcome']);
    expect(REQUEST_KINDS.filter(isExtensionChangeKind)).toEqual(['rotate_device_secret', 'reassign_extension', 'unassign_extension']);
    expect([...USER_CHANGE_KINDS, ...RECOVERY_KINDS, ...EXTENSION_CHANGE_KINDS]).toHaveLength(new Set([...USER_CHANGE_KINDS, ...RECOVERY_KINDS, ...EXTENSION_CHANGE_KINDS]).size);
    for (const k of ['create_user', 'clone_user', 'create_extension', 'import_batch'] as const) {
      expect([isUserChangeKind(k), isRecoveryKind(k), isExtensionChangeKind(k)]).toEqual([false, false, false]);
    }
  });

  it('covers all 36 pairs', () => {
    expect(everyPair).toHaveLength(36);
  });

  it.each(everyPair)('%s → %s allowed: %s', (from, to, expected) => {
    expect(canTransition(from, to)).toBe(expected);
    if (expected) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      let thrown: unknown;
      try {
        assertTransition(from, to);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InvalidInput);
      const invalid = thrown as InvalidInput;
      expect(invalid.code).toBe('invalid_transition');
      expect(invalid.issues).toHaveLength(1);
      expect(invalid.issues[0]?.field).toBe('state');
    }
  });

  it.each<[RequestState, boolean]>([
    ['pending', false],
    ['approved', false],
    ['completed', true],
    ['rejected', true],
    ['failed', true],
    ['expired', true],
  ])('%s is terminal: %s', (state, expected) => {
    expect(isTerminal(state)).toBe(expected);
  });

  it('lets nothing leave a terminal state', () => {
    for (const from of REQUEST_STATES.filter(isTerminal)) {
      for (const to of REQUEST_STATES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it.each<[RequestState, RequestState, string]>([
    ['completed', 'approved', 'This request is already completed'],
    ['rejected', 'approved', 'This request is already rejected'],
    ['failed', 'completed', 'This request has already failed'],
    ['expired', 'approved', 'This request has already expired'],
    ['approved', 'approved', 'This request is already approved'],
    ['approved', 'rejected', 'This request is already approved'],
    ['pending', 'pending', 'This request is still pending'],
    ['pending', 'completed', 'This request has not been approved yet'],
    ['pending', 'failed', 'This request has not been approved yet'],
  ])('explains %s → %s as "%s"', (from, to, message) => {
    expect(() => assertTransition(from, to)).toThrow(message);
  });
});
