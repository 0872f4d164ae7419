import type { RequestRow } from '../db/repositories/requests.js';
import { typedExtensionNumber } from '../domain/extension-number.js';
import type { CreatedExtension, CreatedUser, RequesterNoticeFacts, RequestSubject } from '../notifications/requester-notices.js';
import { editRequestPayload } from './edit-payload.js';
import { assignmentSubject } from './extension-assignment.js';
import { extensionAssignmentSchema, isExtensionAssignmentKind } from './extension-assignment-payload.js';
import { deactivationPayload, reactivationPayload } from './lifecycle-payload.js';
import { recoveryPayload } from './recovery-payload.js';
import { extensionRequestPayload, userRequestPayload } from './request-payload.js';
import { rotationPayload } from './rotation-payload.js';

/**
 * The facts of what the requester is told when their request is decided: what they asked for (read
 * from the stored payload, which only services know how to read) and what became of it. No wording
 * here: notifications/requester-notices.ts turns these into the message (requesterOutcomeNotice).
 */

type Decided = Pick<RequestRow, 'id' | 'requesterId' | 'kind' | 'payload'>;

/** What the request asked for; `unreadable` when its stored payload no longer fits its schema. */
export function requestSubject(request: Pick<RequestRow, 'kind' | 'payload'>): RequestSubject {
  if (request.kind === 'edit_user') {
    const parsed = editRequestPayload.safeParse(request.payload);
    if (!parsed.success) return { kind: 'unreadable', asked: 'change' };
    const { before, username } = parsed.data;
    return { kind: 'user_change', change: 'edit', firstName: before.firstName, lastName: before.lastName, username };
  }
  if (request.kind === 'deactivate_user' || request.kind === 'reactivate_user') {
    const parsed = (request.kind === 'deactivate_user' ? deactivationPayload : reactivationPayload).safeParse(request.payload);
    if (!parsed.success) return { kind: 'unreadable', asked: 'change' };
    const { firstName, lastName, username } = parsed.data;
    return { kind: 'user_change', change: request.kind === 'deactivate_user' ? 'deactivate' : 'reactivate', firstName, lastName, username };
  }
  if (isExtensionAssignmentKind(request.kind)) {
    const parsed = extensionAssignmentSchema(request.kind).safeParse(request.payload);
    return parsed.success ? assignmentSubject(parsed.data) : { kind: 'unreadable', asked: 'change' };
  }
  if (request.kind === 'rotate_device_secret') {
    const parsed = rotationPayload.safeParse(request.payload);
    if (!parsed.success) return { kind: 'unreadable', asked: 'change' };
    return { kind: 'device_secret', number: parsed.data.extensionNumber, holderUsername: parsed.data.holderUsername };
  }
  if (request.kind === 'reset_sign_in' || request.kind === 'resend_welcome') {
    const parsed = recoveryPayload.safeParse(request.payload);
    if (!parsed.success) return { kind: 'unreadable', asked: 'change' };
    const { firstName, lastName, account } = parsed.data;
    return { kind: 'user_change', change: request.kind === 'reset_sign_in' ? 'reset' : 'resend', firstName, lastName, username: account };
  }
  if (request.kind === 'create_extension') {
    const parsed = extensionRequestPayload.safeParse(request.payload);
    if (!parsed.success) return { kind: 'unreadable', asked: 'extension' };
    const typed = typedExtensionNumber(parsed.data.extensionNumber);
    return { kind: 'extension', number: typed === '' ? null : String(parsed.data.extensionNumber), deviceName: parsed.data.deviceName };
  }
  const parsed = userRequestPayload.safeParse(request.payload);
  if (!parsed.success) return { kind: 'unreadable', asked: 'user' };
  const p = parsed.data;
  const clonedFrom = request.kind === 'clone_user' && p.sourceUsername ? p.sourceUsername : null;
  return { kind: 'user', firstName: p.firstName, lastName: p.lastName, username: p.username, clonedFrom };
}

function about(request: Decided): { requestId: string; requesterId: string; subject: RequestSubject } {
  return { requestId: request.id, requesterId: request.requesterId, subject: requestSubject(request) };
}

export function completedUserFacts(request: Decided, approverId: string, account: Omit<CreatedUser, 'kind'>): RequesterNoticeFacts {
  return { ...about(request), outcome: 'completed', approverId, created: { kind: 'user', ...account } };
}

export function completedExtensionFacts(request: Decided, approverId: string, extension: Omit<CreatedExtension, 'kind'>): RequesterNoticeFacts {
  return { ...about(request), outcome: 'completed', approverId, created: { kind: 'extension', number: extension.number, deviceName: extension.deviceName } };
}

export function failedFacts(request: Decided, approverId: string, reason: string): RequesterNoticeFacts {
  return { ...about(request), outcome: 'failed', approverId, reason };
}

export function rejectedFacts(request: Decided, approverId: string, reason: string): RequesterNoticeFacts {
  return { ...about(request), outcome: 'rejected', approverId, reason };
}

export function expiredFacts(request: Decided, expireAfterHours: number): RequesterNoticeFacts {
  return { ...about(request), outcome: 'expired', expireAfterHours };
}
