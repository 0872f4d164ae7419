/**
 * Who may do what, from the operator's lists of Slack user IDs. Decided on the server for every
 * command, button and view, whatever a form chose to show.
 */
export interface AccessLists {
  /** Empty = everyone in the workspace may make requests. */
  requesterIds: readonly string[];
  approverIds: readonly string[];
  portalAdminIds: readonly string[];
}

/**
 * The members of APPROVER_GROUP as last read from Slack (slack/approver-group.ts keeps it fresh in the
 * background). Synchronous on purpose: every listener asks, and none may wait on Slack to do so. An
 * answer older than the holder's window counts as no members: a removed approver loses the right
 * within that window even when Slack cannot be asked.
 */
export interface GroupMembership {
  has(userId: string): boolean;
}

export interface AccessPolicy {
  canRequest(userId: string): boolean;
  isApprover(userId: string): boolean;
  isPortalAdmin(userId: string): boolean;
}

export function accessPolicy(lists: AccessLists, approverGroup?: GroupMembership): AccessPolicy {
  const requesters = new Set(lists.requesterIds);
  const approvers = new Set(lists.approverIds);
  const admins = new Set(lists.portalAdminIds);
  // APPROVER_IDS, plus the group's current members: read at each call, never kept from an earlier one.
  const isApprover = (id: string) => approvers.has(id) || (approverGroup?.has(id) ?? false);
  return {
    // Approvers and portal admins may always ask: they are the people who would do it by hand.
    canRequest: (id) => requesters.size === 0 || requesters.has(id) || isApprover(id) || admins.has(id),
    isApprover,
    isPortalAdmin: (id) => admins.has(id),
  };
}
