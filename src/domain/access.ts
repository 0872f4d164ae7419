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

export interface AccessPolicy {
  canRequest(userId: string): boolean;
  isApprover(userId: string): boolean;
  isPortalAdmin(userId: string): boolean;
}

export function accessPolicy(lists: AccessLists): AccessPolicy {
  const requesters = new Set(lists.requesterIds);
  const approvers = new Set(lists.approverIds);
  const admins = new Set(lists.portalAdminIds);
  return {
    // Approvers and portal admins may always ask: they are the people who would do it by hand.
    canRequest: (id) => requesters.size === 0 || requesters.has(id) || approvers.has(id) || admins.has(id),
    isApprover: (id) => approvers.has(id),
    isPortalAdmin: (id) => admins.has(id),
  };
}
