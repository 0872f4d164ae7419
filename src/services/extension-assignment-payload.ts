import { z } from 'zod';
import { DEVICE_TYPES } from '../domain/extension.js';
import type { RequestKind } from '../domain/request-state.js';
import { CHANGE_REASON_MAX_LENGTH } from './lifecycle-payload.js';

/**
 * What a reassignment or an unassignment of an extension stores: the extension (requests.target_extension_id
 * is the source of truth; number and device are kept for showing the request), its holder when it was
 * asked, the recipient (a reassignment only), and the requester's words. Never the device secret.
 * `assignment` tells the two apart by shape, as describeRequest reads payloads.
 */
export const EXTENSION_ASSIGNMENT_KINDS = ['reassign_extension', 'unassign_extension'] as const satisfies readonly RequestKind[];
export type ExtensionAssignmentKind = (typeof EXTENSION_ASSIGNMENT_KINDS)[number];

export function isExtensionAssignmentKind(kind: RequestKind): kind is ExtensionAssignmentKind {
  return (EXTENSION_ASSIGNMENT_KINDS as readonly string[]).includes(kind);
}

const person = z.object({
  userId: z.number().int().positive(),
  username: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  /** users.version when the request was made. */
  version: z.number().int().positive(),
});
export type AssignmentPerson = z.output<typeof person>;

const extension = {
  extensionId: z.number().int().positive(),
  extensionNumber: z.number().int().positive(),
  deviceName: z.string(),
  deviceType: z.enum(DEVICE_TYPES),
  reason: z.string().max(CHANGE_REASON_MAX_LENGTH * 2).nullable(),
};

export const reassignExtensionPayload = z.object({
  assignment: z.literal('reassign'),
  ...extension,
  /** Null: the extension was free when asked. */
  holder: person.nullable(),
  recipient: person,
});
export type ReassignExtensionPayload = z.output<typeof reassignExtensionPayload>;

export const unassignExtensionPayload = z.object({
  assignment: z.literal('unassign'),
  ...extension,
  holder: person,
});
export type UnassignExtensionPayload = z.output<typeof unassignExtensionPayload>;

export type ExtensionAssignmentPayload = ReassignExtensionPayload | UnassignExtensionPayload;

export function extensionAssignmentSchema(kind: ExtensionAssignmentKind) {
  return kind === 'reassign_extension' ? reassignExtensionPayload : unassignExtensionPayload;
}

export function isExtensionAssignmentPayload(p: object): p is ExtensionAssignmentPayload {
  return 'assignment' in p && 'extensionId' in p;
}
