import { describe, expect, it } from 'vitest';
import { approvalsNeeded, fourEyesClick } from '../../../src/domain/four-eyes.js';

describe('four eyes', () => {
  it('needs two approvers when any type involved is listed', () => {
    expect(approvalsNeeded(['admin'], ['admin', 'supervisor'])).toBe(2);
    // A change: an agent made admin involves admin.
    expect(approvalsNeeded(['agent', 'admin'], ['admin'])).toBe(2);
    expect(approvalsNeeded(['agent'], ['admin'])).toBe(1);
    expect(approvalsNeeded(['admin'], [])).toBe(1);
    expect(approvalsNeeded([], ['admin'])).toBe(1);
  });

  it('records the first approver, counts the same one once, and lets a second one carry it out', () => {
    expect(fourEyesClick({ needed: 2, before: [], clicker: 'UADA' })).toEqual({ step: 'wait', alreadyYours: false, approvers: ['UADA'] });
    expect(fourEyesClick({ needed: 2, before: ['UADA'], clicker: 'UADA' })).toEqual({ step: 'wait', alreadyYours: true, approvers: ['UADA'] });
    expect(fourEyesClick({ needed: 2, before: ['UADA'], clicker: 'UBOB' })).toEqual({ step: 'carry_out' });
    expect(fourEyesClick({ needed: 1, before: [], clicker: 'UADA' })).toEqual({ step: 'carry_out' });
  });
});
