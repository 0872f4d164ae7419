import { z } from 'zod';
import { NEW_EXTENSION } from '../domain/user-diff.js';
import { USER_TYPES } from '../domain/user-types.js';
import { createExtensionInput } from './create-extension.js';

/**
 * What an Edit User request stores until an approver decides: which user, the version it was made
 * against, the user as they looked then (`before`) and as the request wants them (`after`). The
 * approval message shows the difference; the approval applies it only while the user is still at that
 * version, and otherwise names what differs between `before` and the user now. No password, hash or
 * device secret: an edit changes none of them.
 */
const look = {
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string(),
  email: z.string().nullable(),
  description: z.string().nullable(),
  siteKey: z.string().nullable(),
  departmentKey: z.string().nullable(),
  billingUnitKey: z.string().nullable(),
  profileKey: z.string(),
  clusterKey: z.string().nullable(),
  userType: z.enum(USER_TYPES),
  voicemailAccess: z.boolean(),
  recordingAccess: z.boolean(),
  notes: z.string().nullable(),
  collectionIds: z.array(z.number().int().positive()).max(1000),
};

export const editableUserBefore = z.object({ ...look, extensionNumber: z.number().int().nullable() });
export const editableUserAfter = z.object({ ...look, extensionNumber: z.union([z.number().int(), z.literal(NEW_EXTENSION)]).nullable() });

export const editRequestPayload = z.object({
  userId: z.number().int().positive(),
  username: z.string().min(1),
  /** users.version when the request was made. */
  version: z.number().int().min(1),
  /** The agent ID then: kept in the history when an agent becomes a non-agent. */
  agentId: z.number().int().nullable(),
  before: editableUserBefore,
  after: editableUserAfter,
  /** The extension set up in the same form when the user becomes (or stays) an agent with a new one. */
  newExtension: createExtensionInput.optional(),
});
export type EditRequestPayload = z.output<typeof editRequestPayload>;

/** Tells an edit's payload from a creation's (both name a username). */
export function isEditPayload(p: object): p is EditRequestPayload {
  return 'before' in p && 'after' in p && 'version' in p;
}

