import { reject } from './errors.js';

/**
 * A request waits for an approver (pending), is approved or rejected, and an approved one is then
 * carried out: completed, or failed with the reason. A pending request nobody acts on expires.
 */
export const REQUEST_STATES = ['pending', 'approved', 'completed', 'rejected', 'failed', 'expired'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const REQUEST_KINDS = [
  'create_user',
  'clone_user',
  'create_extension',
  'edit_user',
  'deactivate_user',
  'reactivate_user',
  // Recovery: a new one-time password (and the lockout ended), or the welcome sent again.
  'reset_sign_in',
  'resend_welcome',
  // Extension changes (requests.target_extension_id names the extension).
  'rotate_device_secret',
  'reassign_extension',
  'unassign_extension',
  // A whole class of new hires from one CSV: one request, one approval, carried out row by row.
  'import_batch',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Kinds that change an existing user (requests.target_user_id names them): one open at a time per user. */
export const USER_CHANGE_KINDS = ['edit_user', 'deactivate_user', 'reactivate_user'] as const satisfies readonly RequestKind[];
export type UserChangeKind = (typeof USER_CHANGE_KINDS)[number];

export function isUserChangeKind(k: RequestKind): k is UserChangeKind {
  return (USER_CHANGE_KINDS as readonly string[]).includes(k);
}

/** Recovery of a user's access (requests.recovery_user_id names them): one open at a time per user, beside any change. */
export const RECOVERY_KINDS = ['reset_sign_in', 'resend_welcome'] as const satisfies readonly RequestKind[];
export type RecoveryKind = (typeof RECOVERY_KINDS)[number];

export function isRecoveryKind(k: RequestKind): k is RecoveryKind {
  return (RECOVERY_KINDS as readonly string[]).includes(k);
}

/** Kinds that change an existing extension (requests.target_extension_id names it): one open at a time per extension. */
export const EXTENSION_CHANGE_KINDS = ['rotate_device_secret', 'reassign_extension', 'unassign_extension'] as const satisfies readonly RequestKind[];
export type ExtensionChangeKind = (typeof EXTENSION_CHANGE_KINDS)[number];

export function isExtensionChangeKind(k: RequestKind): k is ExtensionChangeKind {
  return (EXTENSION_CHANGE_KINDS as readonly string[]).includes(k);
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
