import {
  claimApprovalMessage,
  recordApprovalMessage,
  releaseApprovalMessage,
  requestsMissingApprovalMessage,
} from '../db/repositories/approval-messages.js';
import { findExtensionById, findExtensionOfUser } from '../db/repositories/extensions.js';
import { notificationsOfRequest } from '../db/repositories/notifications.js';
import { findRequestById, type RequestRow } from '../db/repositories/requests.js';
import { findUserById } from '../db/repositories/users.js';
import type { ServiceDeps } from './context.js';
import { parseStoredPayload, type ExtensionRequestPayload, type UserRequestPayload } from './request-payload.js';

/** Everything the approval message shows about a request, read in one place. */
export interface ApprovalStatus {
  request: RequestRow;
  payload: UserRequestPayload | ExtensionRequestPayload;
  /** What approval made, in words, or null before (or without) it. */
  result: string | null;
  deliveries: { topic: string; state: 'queued' | 'sent' | 'skipped' | 'dead'; attempts: number }[];
}

export async function approvalStatus(deps: Pick<ServiceDeps, 'db'>, requestId: string): Promise<ApprovalStatus | undefined> {
  const request = await findRequestById(deps.db, requestId);
  if (!request) return undefined;
  const payload = parseStoredPayload(request.kind, request.payload);
  const deliveries = (await notificationsOfRequest(deps.db, requestId)).map((n) => ({ topic: n.topic, state: n.state, attempts: n.attempts }));
  return { request, payload, result: await resultOf(deps, request), deliveries };
}

async function resultOf(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<string | null> {
  if (request.state !== 'completed') return null;
  if (request.resultUserId !== null) {
    const user = await findUserById(deps.db, request.resultUserId);
    if (!user) return null;
    const extension = await findExtensionOfUser(deps.db, user.id);
    const parts = [`User ${user.username} created`];
    if (user.agentId !== null) parts.push(`agent ID ${user.agentId}`);
    if (extension) parts.push(`extension ${extension.number}`);
    return parts.join(', ');
  }
  if (request.resultExtensionId !== null) {
    const extension = await findExtensionById(deps.db, request.resultExtensionId);
    return extension ? `Extension ${extension.number} created` : null;
  }
  return null;
}

/** Exactly one caller gets to post a request's approval message. */
export function claimApprovalPost(deps: Pick<ServiceDeps, 'db'>, requestId: string, channel: string): Promise<boolean> {
  return claimApprovalMessage(deps.db, requestId, channel);
}

export function approvalPosted(deps: Pick<ServiceDeps, 'db'>, requestId: string, channel: string, ts: string): Promise<void> {
  return recordApprovalMessage(deps.db, requestId, channel, ts);
}

export function approvalPostFailed(deps: Pick<ServiceDeps, 'db'>, requestId: string): Promise<void> {
  return releaseApprovalMessage(deps.db, requestId);
}

/** Pending requests still without an approval message, e.g. because Slack was down when they were made. */
export function requestsToAnnounce(deps: Pick<ServiceDeps, 'db'>, limit = 50): Promise<string[]> {
  return requestsMissingApprovalMessage(deps.db, limit);
}
