import type { WebClient } from '@slack/web-api';
import { approvalRefreshesLeft, requestsToAnnounce } from '../services/approval-status.js';
import { remindAndExpire } from '../services/decide-request.js';
import { carryOutDueRequests } from '../services/scheduled-changes.js';
import type { SlackDeps } from './context.js';
import { announceRequest, refreshApprovalMessage } from './flows/approval.js';

export interface Sweeper {
  /** One pass now: post missing approval messages, carry out scheduled requests now due, remind approvers, expire old requests. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The periodic pass that keeps pending requests from rotting: approvers are reminded in the approval
 * message's thread (queued in the outbox, so a failed post is retried; the message says so), requests nobody decided expire (the message and the
 * requester's App Home show it), and a request whose approval message could not be posted (Slack was
 * down) is posted now. Every step is claimed in the database, so several instances may sweep at once.
 */
export function startSweeper(deps: SlackDeps, client: WebClient, options: { intervalMs: number }): Sweeper {
  let running: Promise<void> | undefined;
  const runOnce = async (): Promise<void> => {
    for (const id of await requestsToAnnounce(deps.services)) await announceRequest(deps, client, id);
    // A refresh an instance died in the middle of (or whose update failed): the message catches up now.
    for (const id of await approvalRefreshesLeft(deps.services)) await refreshApprovalMessage(deps, client, id);
    // Scheduled offboardings whose time has come (or passed while the bot was down): each once, across instances.
    const due = await carryOutDueRequests(deps.services, { accountUrl: deps.accountUrl });
    for (const { requestId, err } of due.errors) deps.logger.error({ err, requestId }, 'a scheduled request could not be carried out; the next sweep tries again');
    for (const request of [...due.completed, ...due.failed]) await refreshApprovalMessage(deps, client, request.id);
    if (due.completed.length + due.failed.length > 0) deps.logger.info({ completed: due.completed.length, failed: due.failed.length }, 'sweep: scheduled requests carried out');
    const { reminded, expired } = await remindAndExpire(deps.services, {
      remindAfterHours: deps.approvals.remindAfterHours,
      expireAfterHours: deps.approvals.expireAfterHours,
    });
    // The thread reminder itself was queued in the outbox with the mark; the worker posts it, with retries.
    for (const request of reminded) await refreshApprovalMessage(deps, client, request.id);
    for (const request of expired) await refreshApprovalMessage(deps, client, request.id);
    if (reminded.length + expired.length > 0) deps.logger.info({ reminded: reminded.length, expired: expired.length }, 'sweep: pending requests reminded or expired');
  };
  const tick = () => {
    running ??= runOnce()
      .catch((err: unknown) => deps.logger.error({ err }, 'sweep failed; it runs again at the next interval'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : undefined;
  timer?.unref();
  // A first pass at start: what fell due while no instance ran (a scheduled offboarding) is done now, not a minute later.
  if (timer) tick();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
