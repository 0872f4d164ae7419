import { issue, type FieldIssue } from './errors.js';
import { isAgentType, type UserStatus, type UserType } from './user-types.js';

/**
 * The rules of moving an extension between users (reassign) or taking it from its holder (unassign),
 * checked when the request is made and again when it is carried out. One extension per user, one user
 * per extension: the database's unique index extensions_assigned_user has the last word under a race.
 */

/** Whom a reassignment gives the extension to, as the rules need them. */
export interface AssignmentRecipient {
  id: number;
  username: string;
  status: UserStatus;
  userType: UserType;
  /** The extension they hold now, if any. */
  heldExtensionNumber: number | null;
}

export interface AssignedExtension {
  number: number;
  /** Its holder now (null: free). */
  holderId: number | null;
}

/** Why the extension cannot go to this recipient, or null when it can. */
export function recipientIssue(extension: AssignedExtension, recipient: AssignmentRecipient): FieldIssue | null {
  if (extension.holderId === recipient.id) return issue('recipient', 'invalid_transition', `Extension ${extension.number} is already theirs: ${recipient.username} holds it`);
  if (recipient.status !== 'active') return issue('recipient', 'already_deactivated', `${recipient.username} is deactivated: only an active agent can get an extension`);
  if (!isAgentType(recipient.userType)) return issue('recipient', 'not_allowed', `${recipient.username} is not an agent: non-agents have no phone (only agents, supervisors and admins get an extension)`);
  if (recipient.heldExtensionNumber !== null) return issue('recipient', 'user_has_extension', `${recipient.username} already has extension ${recipient.heldExtensionNumber}; unassign it first`);
  return null;
}

/** Why the extension cannot be unassigned (nobody holds it), or null when it can. */
export function unassignIssue(extension: AssignedExtension): FieldIssue | null {
  return extension.holderId === null ? issue('extension', 'invalid_transition', `Extension ${extension.number} is not assigned to anyone`) : null;
}

/**
 * An extension number as typed after `/provision extension reassign|unassign`: digits only, at most
 * 10 of them (the directory's numbers are positive integers); anything else is undefined.
 */
export function typedAssignmentNumber(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
}

/** Who held the extension and who holds it now, when they differ: the reason a carry-out fails. */
export function holderChangedText(number: number, expected: string | null, now: string | null): string {
  const was = expected === null ? 'free' : `held by ${expected}`;
  const is = now === null ? 'it is free now' : `it is held by ${now} now`;
  return `Extension ${number} changed hands since this request was made: it was ${was}, ${is}. Nothing was changed; ask again if it is still needed`;
}
