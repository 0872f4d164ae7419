import { reject } from './errors.js';

/**
 * A request waits for an approver (pending), is approved or rejected, and an approved one is then
 * carried out: completed, or failed with the reason. A pending request nobody acts on expires.
 */
export const REQUEST_STATES = ['pending', 'approved', 'completed', 'rejected', 'failed', 'expired'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const REQUEST_KINDS = ['create_user', 'clone_user', 'create_extension', 'edit_user', 'deactivate_user', 'reactivate_user'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Kinds that change an existing user (requests.target_user_id names them): one open at a time per user. */
export const USER_CHANGE_KINDS = ['edit_user', 'deactivate_user', 'reactivate_user'] as const satisfies readonly RequestKind[];
export type UserChangeKind = (typeof USER_CHANGE_KINDS)[number];

export function isUserChangeKind(k: RequestKind): k is UserChangeKind {
  return (USER_CHANGE_KINDS as readonly string[]).includes(k);
}

export const REQUEST_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending: ['approved', 'rejected', 'expired'],
  approved: ['completed', 'failed'],
  completed: [],
  rejected: [],
  failed: [],
  expired: [],
};

export function isTerminal(s: RequestState): boolean {
  return REQUEST_TRANSITIONS[s].length === 0;
}

export function canTransition(from: RequestState, to: RequestState): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

// Why a move is refused, from the state the request is in: what a second approver clicking an old
// button needs to read.
const ALREADY: Readonly<Record<RequestState, string>> = {
  pending: 'This request is still pending',
  approved: 'This request is already approved',
  completed: 'This request is already completed',
  rejected: 'This request is already rejected',
  failed: 'This request has already failed',
  expired: 'This request has already expired',
};

/** Throws InvalidInput (`invalid_transition`, field `state`) when the move is not allowed. */
export function assertTransition(from: RequestState, to: RequestState): void {
  if (canTransition(from, to)) return;
  // Only completed and failed are refused from pending: both need an approval first.
  const message = from === 'pending' && to !== 'pending' ? 'This request has not been approved yet' : ALREADY[from];
  reject('state', 'invalid_transition', message);
}
