import type { WebClient } from '@slack/web-api';
import {
  approvalPosted,
  approvalPostFailed,
  approvalStatus,
  beginApprovalRefresh,
  claimApprovalPost,
  endApprovalRefresh,
  releaseApprovalRefresh,
} from '../../services/approval-status.js';
import { referenceNames } from '../../services/form-data.js';
import type { SlackDeps } from '../context.js';
import { approvalMessage } from '../views/approval-message.js';
import { describeRequest, type ReferenceNames } from '../views/request-summary.js';

/** The approval message of a request as it stands now, read from the database (never from a payload). */
async function renderApproval(deps: SlackDeps, requestId: string, names?: Promise<ReferenceNames>) {
  const status = await approvalStatus(deps.services, requestId);
  if (!status) return undefined;
  const { request } = status;
  if (status.unreadable) deps.logger.warn({ requestId, kind: request.kind, unreadable: status.unreadable }, 'stored request payload is unreadable; the approval message shows the request as unreadable');
  const summary = describeRequest(request.kind, status.payload, await (names ?? referenceNames(deps.services)));
  const message = approvalMessage({
    requestId: request.id,
    ...summary,
    requesterId: request.requesterId,
    createdAt: request.createdAt,
    state: request.state,
    approverId: request.approverId,
    decidedAt: request.decidedAt,
    // A completed import's reason is its outcome ("48 created, 2 failed"), shown as its result.
    reason: request.kind === 'import_batch' && request.state === 'completed' ? null : request.reason,
    result: status.result,
    remindedAt: request.remindedAt,
    deliveries: status.deliveries,
    approvals: status.approvals,
    runsAt: request.effectiveAt,
    ...(status.progress ? { progress: status.progress } : {}),
  });
  return { request, message };
}

/**
 * Posts a new request to the approvals channel, once: the claim in the database makes a second
 * call (a retry, the sweep, another instance) a no-op while it holds. A failed post gives the claim back
 * so the periodic sweep tries again; a claim left by a process that died mid-post is retaken after
 * APPROVAL_CLAIM_TIMEOUT_MS. The request itself is safely stored either way. `names`: the reference
 * names when the caller has them already (flows/submitted.ts).
 */
export async function announceRequest(deps: SlackDeps, client: WebClient, requestId: string, names?: Promise<ReferenceNames>): Promise<void> {
  const channel = deps.approvals.channel;
  const claim = await claimApprovalPost(deps.services, requestId, channel);
  if (!claim) return;
  try {
    const rendered = await renderApproval(deps, requestId, names);
    if (!rendered) return;
    const posted = await client.chat.postMessage({ channel, ...rendered.message });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    const postedIn = posted.channel ?? channel;
    if (!(await approvalPosted(deps.services, requestId, claim, postedIn, posted.ts))) {
      // This post was so slow that the claim timed out and another caller posted (or is posting) the message.
      deps.logger.warn({ requestId }, 'approval message posted after its claim was taken over; deleting this copy');
      await client.chat.delete({ channel: postedIn, ts: posted.ts }).catch((err: unknown) => deps.logger.warn({ err, requestId }, 'could not delete a duplicate approval message'));
    }
  } catch (err) {
    deps.logger.warn({ err, requestId }, 'could not post the approval message; the sweep will try again');
    await approvalPostFailed(deps.services, requestId, claim);
  }
}

/** Renders once more while newer refreshes were asked for during an update; a bound against a hot loop. */
const MAX_RENDERS_PER_REFRESH = 20;

/**
 * Updates the approval message in place (outcome, who, when, delivery state). A click and each settled
 * notification refresh it, possibly on several instances at once, and Slack applies chat.updates in the
 * order they arrive: so one refresher at a time holds the message (a lease in the database), and a
 * refresh asked for meanwhile makes it render again. The last update is thus rendered after the last
 * change. Failures are logged.
 */
export async function refreshApprovalMessage(deps: SlackDeps, client: WebClient, requestId: string): Promise<void> {
  let lease: Date | undefined;
  try {
    lease = await beginApprovalRefresh(deps.services, requestId);
    for (let renders = 0; lease && renders < MAX_RENDERS_PER_REFRESH; renders++) {
      const rendered = await renderApproval(deps, requestId);
      if (rendered?.request.approvalChannel && rendered.request.approvalTs) {
        await client.chat.update({ channel: rendered.request.approvalChannel, ts: rendered.request.approvalTs, ...rendered.message });
      }
      lease = await endApprovalRefresh(deps.services, requestId, lease);
    }
  } catch (err) {
    deps.logger.warn({ err, requestId }, 'could not update the approval message');
  } finally {
    // Let go after a failure (or the bound), so the next refresh need not wait for the lease to run out;
    // a pending mark stays for it.
    if (lease) await releaseApprovalRefresh(deps.services, requestId, lease).catch(() => undefined);
  }
}
