import {
  claimApprovalMessage,
  claimProgressPost,
  dropApprovalRefresh,
  finishApprovalRefresh,
  requestApprovalRefresh,
  recordApprovalMessage,
  releaseApprovalMessage,
  requestsMissingApprovalMessage,
  requestsWithStaleRefresh,
} from '../db/repositories/approval-messages.js';
import { findExtensionById, findExtensionOfUser } from '../db/repositories/extensions.js';
import { notificationsOfRequest, SECRET_ERASED_KEY } from '../db/repositories/notifications.js';
import { approvalsOfRequest } from '../db/repositories/request-approvals.js';
import { findRequestById, type RequestRow } from '../db/repositories/requests.js';
import { findUserById } from '../db/repositories/users.js';
import { editResultText } from './edit-execution.js';
import { extensionAssignmentResult } from './extension-assignment.js';
import { isExtensionAssignmentKind } from './extension-assignment-payload.js';
import { importProgress } from './import-execution.js';
import type { BatchCounts } from '../db/repositories/jobs.js';
import { deliveryProblem } from '../notifications/delivery-problem.js';
import type { ServiceDeps } from './context.js';
import { approvalsNeededFor } from './four-eyes.js';
import { isLifecycleKind } from './lifecycle-payload.js';
import { lifecycleResult } from './lifecycle-status.js';
import { parseStoredPayload, type StoredPayload } from './request-payload.js';
import { rotationResultText } from './rotate-device-secret.js';
import { isRecoveryKind } from '../domain/request-state.js';
import { recoveryPayload } from './recovery-payload.js';

/** A completed reset or resend, in words: whom it was for (never a password). */
function recoveryResult(request: RequestRow): string | null {
  const parsed = recoveryPayload.safeParse(request.payload);
  if (!parsed.success) return null;
  return request.kind === 'reset_sign_in' ? `Sign-in of ${parsed.data.account} reset: a new one-time password was sent` : `Welcome sent again to ${parsed.data.account}`;
}

/** Everything the approval message shows about a request, read in one place. */
export interface ApprovalStatus {
  request: RequestRow;
  /** null when the stored payload cannot be read: `unreadable` says where it fails. */
  payload: StoredPayload | null;
  unreadable?: string[];
  /** What approval made, in words, or null before (or without) it. */
  result: string | null;
  deliveries: { id: string; topic: string; state: 'queued' | 'sent' | 'skipped' | 'dead'; attempts: number; sending: boolean; problem: string | null; retryable: boolean }[];
  /** How many different approvers it needs (TWO_APPROVALS_FOR), and the approvals recorded so far (the first of two). */
  approvals: { needed: 1 | 2; by: string[] };
  /** An approved or completed import: how far its rows are. */
  progress?: BatchCounts;
}

export async function approvalStatus(deps: Pick<ServiceDeps, 'db' | 'now'> & Partial<Pick<ServiceDeps, 'settings'>>, requestId: string): Promise<ApprovalStatus | undefined> {
  const request = await findRequestById(deps.db, requestId);
  if (!request) return undefined;
  const stored = parseStoredPayload(request.kind, request.payload);
  const now = deps.now();
  const deliveries = (await notificationsOfRequest(deps.db, requestId)).map((n) => {
    const sending = n.state === 'queued' && n.leasedUntil !== null && n.leasedUntil > now;
    // A lease that ran out unrecorded belongs to a worker that stopped mid-send: that attempt failed too.
    const interrupted = n.state === 'queued' && n.leasedUntil !== null && !sending;
    // Dead, and Retry delivery may put it back: not a DM whose one-time password was erased (services/retry-delivery.ts).
    const retryable = n.state === 'dead' && !(typeof n.payload === 'object' && n.payload !== null && SECRET_ERASED_KEY in n.payload);
    return { id: n.id, topic: n.topic, state: n.state, attempts: n.attempts, sending, problem: interrupted ? 'the sending instance stopped' : deliveryProblem(n.lastError), retryable };
  });
  const approvals = { needed: await approvalsNeededFor(deps, request), by: (await approvalsOfRequest(deps.db, requestId)).map((a) => a.approverId) };
  const progress = await importProgress(deps, request);
  return { request, ...stored, result: await resultOf(deps, request), deliveries, approvals, ...(progress ? { progress } : {}) };
}

async function resultOf(deps: Pick<ServiceDeps, 'db'>, request: RequestRow): Promise<string | null> {
  if (request.state !== 'completed') return null;
  if (request.kind === 'edit_user') return editResultText(deps, request);
  // "48 created, 2 failed" (services/import-execution.ts); the file with every row is in the thread.
  if (request.kind === 'import_batch') return request.reason ? `Import done: ${request.reason}; the results file is in the thread` : null;
  if (isLifecycleKind(request.kind)) return lifecycleResult(deps, request);
  if (isExtensionAssignmentKind(request.kind)) return extensionAssignmentResult(request);
  if (request.kind === 'rotate_device_secret') return rotationResultText(request);
  if (isRecoveryKind(request.kind)) return recoveryResult(request);
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

/**
 * How long a claim on posting an approval message holds. A live post finishes well within it (the Web
 * API client's retries included, for an outage shorter than this); after it, the process is taken to have
 * died mid-post and the sweep posts again. Should the first post land after all, it is deleted (see
 * announceRequest), so the channel keeps one message.
 */
export const APPROVAL_CLAIM_TIMEOUT_MS = 10 * 60_000;

const staleBefore = (deps: Pick<ServiceDeps, 'now'>) => new Date(deps.now().getTime() - APPROVAL_CLAIM_TIMEOUT_MS);

/** One caller at a time gets to post a request's approval message: the returned claim, or undefined. */
export function claimApprovalPost(deps: Pick<ServiceDeps, 'db' | 'now'>, requestId: string, channel: string): Promise<Date | undefined> {
  return claimApprovalMessage(deps.db, requestId, channel, deps.now(), staleBefore(deps));
}

/** Records the posted message; false when the claim timed out and was taken over meanwhile. */
export function approvalPosted(deps: Pick<ServiceDeps, 'db'>, requestId: string, claim: Date, channel: string, ts: string): Promise<boolean> {
  return recordApprovalMessage(deps.db, requestId, claim, channel, ts);
}

export function approvalPostFailed(deps: Pick<ServiceDeps, 'db'>, requestId: string, claim: Date): Promise<void> {
  return releaseApprovalMessage(deps.db, requestId, claim);
}

/** Pending requests still without an approval message: Slack was down when they were made, or the poster died. */
export function requestsToAnnounce(deps: Pick<ServiceDeps, 'db' | 'now'>, limit = 50): Promise<string[]> {
  return requestsMissingApprovalMessage(deps.db, limit, staleBefore(deps));
}

/**
 * How long one refresher may hold an approval message (render + chat.update). Past it, another refresh
 * takes over: an instance that died mid-update does not freeze the message.
 */
export const APPROVAL_REFRESH_LEASE_MS = 60_000;

/**
 * Refreshes of one approval message are serialised across instances, so the newest state is always the
 * last chat.update: a refresh asked for while another is in flight marks the request, and the one in
 * flight renders once more after its update. Returns a lease (go ahead and render), or undefined.
 */
export function beginApprovalRefresh(deps: Pick<ServiceDeps, 'db' | 'now'>, requestId: string): Promise<Date | undefined> {
  const now = deps.now();
  return requestApprovalRefresh(deps.db, requestId, now, new Date(now.getTime() + APPROVAL_REFRESH_LEASE_MS));
}

/** After an update: undefined when done, or a renewed lease when a newer refresh was asked for meanwhile. */
export function endApprovalRefresh(deps: Pick<ServiceDeps, 'db' | 'now'>, requestId: string, lease: Date): Promise<Date | undefined> {
  return finishApprovalRefresh(deps.db, requestId, lease, new Date(deps.now().getTime() + APPROVAL_REFRESH_LEASE_MS));
}

export function releaseApprovalRefresh(deps: Pick<ServiceDeps, 'db'>, requestId: string, lease: Date): Promise<void> {
  return dropApprovalRefresh(deps.db, requestId, lease);
}

/** Approval messages whose asked-for refresh was left undone (see requestsWithStaleRefresh): the sweep makes it. */
export function approvalRefreshesLeft(deps: Pick<ServiceDeps, 'db' | 'now'>, limit = 50): Promise<string[]> {
  return requestsWithStaleRefresh(deps.db, deps.now(), limit);
}

/** An import's progress is shown at most this often (the last state always is, when the batch completes). */
export const PROGRESS_INTERVAL_MS = 2_000;

/** Whether this caller may refresh an import's approval message for its progress now (one per PROGRESS_INTERVAL_MS, across instances). */
export function mayShowProgress(deps: Pick<ServiceDeps, 'db' | 'now'>, requestId: string): Promise<boolean> {
  const now = deps.now();
  return claimProgressPost(deps.db, requestId, now, new Date(now.getTime() - PROGRESS_INTERVAL_MS));
}
