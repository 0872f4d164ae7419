import type { UserType } from './user-types.js';

/**
 * Four eyes (TWO_APPROVALS_FOR): creating or changing a user of one of the listed types needs two
 * different approvers, neither of them the requester. The first approval is recorded; the second,
 * by someone else, carries the request out. A rejection by either ends it, as for any request.
 */
export const FOUR_EYES = 2;

/**
 * How many different approvers a request needs, from the user types it involves: for a creation the
 * new user's type; for a change the user's type now and, when the change sets one, the type after it
 * (an agent made admin, or an admin made agent, both involve `admin`).
 */
export function approvalsNeeded(typesInvolved: readonly UserType[], twoApprovalsFor: readonly UserType[]): 1 | 2 {
  return typesInvolved.some((t) => twoApprovalsFor.includes(t)) ? FOUR_EYES : 1;
}

export type FourEyesClick =
  /** Enough different approvers now: this click carries the request out. */
  | { step: 'carry_out' }
  /** Recorded (or was already): waiting for another approver. */
  | { step: 'wait'; alreadyYours: boolean; approvers: readonly string[] };

/**
 * What a click on Approve does for a request that needs `needed` approvers, given who had approved
 * before it (in order) — the clicker counted once, however often they click.
 */
export function fourEyesClick(input: { needed: number; before: readonly string[]; clicker: string }): FourEyesClick {
  const alreadyYours = input.before.includes(input.clicker);
  const approvers = alreadyYours ? [...input.before] : [...input.before, input.clicker];
  if (new Set(approvers).size >= input.needed) return { step: 'carry_out' };
  return { step: 'wait', alreadyYours, approvers };
}
