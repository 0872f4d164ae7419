/**
 * Which buttons a user card offers its viewer. Everyone who may make requests may ask for any change
 * (each is a request an approver decides), so they see them all; Deactivate shows for an active user,
 * Reactivate for a deactivated one. Someone who may see cards but not make requests (an approver the
 * operator left off the requesters, were the policy ever to allow that) sees only History.
 * Rotate device secret shows only to an approver, and only for a user who holds an extension.
 */
export type CardAction = 'edit' | 'clone' | 'deactivate' | 'reactivate' | 'unassign_extension' | 'rotate_secret' | 'history' | RecoveryCardAction;

/**
 * Recovery of an active user's access: Reset sign-in and Resend welcome for whoever may ask for them
 * (domain/recovery.ts: under RESET_NEEDS_APPROVAL=false only approvers), Unlock for approvers while the
 * account is locked (it is no request: an approver does it at once).
 */
export type RecoveryCardAction = 'reset_sign_in' | 'resend_welcome' | 'unlock';

export interface CardViewer {
  canRequest: boolean;
  isApprover?: boolean;
  /** May ask for a reset or a resend of the welcome (recoveryRoute is not `not_allowed`). */
  mayAskRecovery?: boolean;
}

export function cardActions(viewer: CardViewer, status: 'active' | 'deactivated', account: { locked?: boolean; hasExtension?: boolean } = {}): CardAction[] {
  const recovery: CardAction[] = [];
  if (status === 'active') {
    if (viewer.mayAskRecovery) recovery.push('reset_sign_in', 'resend_welcome');
    if (viewer.isApprover && account.locked) recovery.push('unlock');
  }
  if (!viewer.canRequest) return [...recovery, 'history'];
  // Unassign extension only for a user who holds one (a deactivated user never does: it was freed).
  const unassign: CardAction[] = account.hasExtension && status === 'active' ? ['unassign_extension'] : [];
  const rotate: CardAction[] = viewer.isApprover && account.hasExtension ? ['rotate_secret'] : [];
  return ['edit', 'clone', status === 'active' ? 'deactivate' : 'reactivate', ...unassign, ...rotate, ...recovery, 'history'];
}

/**
 * What a card button does once used: `request` asks for a change that an approver decides (its modal
 * or confirmation first), `at_once` acts when clicked, `shows` only shows something. Reset sign-in and
 * Resend welcome are requests unless the viewer's are carried out at once (RESET_NEEDS_APPROVAL=false,
 * asked by an approver: domain/recovery.ts); Unlock is never a request.
 */
export type CardActionEffect = 'request' | 'at_once' | 'shows';

// Every action must be placed here (a Record), so a new button cannot leave the card's footnote behind.
const EFFECTS: Readonly<Record<CardAction, CardActionEffect | 'recovery'>> = {
  edit: 'request',
  clone: 'request',
  deactivate: 'request',
  reactivate: 'request',
  unassign_extension: 'request',
  rotate_secret: 'request',
  reset_sign_in: 'recovery',
  resend_welcome: 'recovery',
  unlock: 'at_once',
  history: 'shows',
};

export function cardActionEffect(action: CardAction, recoveryAtOnce: boolean): CardActionEffect {
  const effect = EFFECTS[action];
  if (effect !== 'recovery') return effect;
  return recoveryAtOnce ? 'at_once' : 'request';
}

/** Who may see a user card and its history: requesters and approvers. */
export function maySeeCards(viewer: { canRequest: boolean; isApprover: boolean }): boolean {
  return viewer.canRequest || viewer.isApprover;
}
