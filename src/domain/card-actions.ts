/**
 * Which buttons a user card offers its viewer. Everyone who may make requests may ask for any change
 * (each is a request an approver decides), so they see them all; Deactivate shows for an active user,
 * Reactivate for a deactivated one. Someone who may see cards but not make requests (an approver the
 * operator left off the requesters, were the policy ever to allow that) sees only History.
 * Rotate device secret shows only to an approver, and only for a user who holds an extension.
 */
export type CardAction = 'edit' | 'clone' | 'deactivate' | 'reactivate' | 'unassign_extension' | 'rotate_secret' | 'history';

export function cardActions(viewer: { canRequest: boolean; isApprover?: boolean }, status: 'active' | 'deactivated', user: { hasExtension?: boolean } = {}): CardAction[] {
  if (!viewer.canRequest) return ['history'];
  // Unassign extension only for a user who holds one (a deactivated user never does: it was freed).
  const unassign: CardAction[] = user.hasExtension && status === 'active' ? ['unassign_extension'] : [];
  const rotate: CardAction[] = viewer.isApprover && user.hasExtension ? ['rotate_secret'] : [];
  return ['edit', 'clone', status === 'active' ? 'deactivate' : 'reactivate', ...unassign, ...rotate, 'history'];
}

/** Who may see a user card and its history: requesters and approvers. */
export function maySeeCards(viewer: { canRequest: boolean; isApprover: boolean }): boolean {
  return viewer.canRequest || viewer.isApprover;
}
