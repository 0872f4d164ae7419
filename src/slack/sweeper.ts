import type { WebClient } from '@slack/web-api';
import { approvalRefreshesLeft, requestsToAnnounce } from '../services/approval-status.js';
import { remindAndExpire } from '../services/decide-request.js';
import { carryOutDueRequests } from '../services/scheduled-changes.js';
import { rescheduleSweep } from '../services/sweep-schedule.js';
import type { JobKind } from '../jobs/worker.js';
import type { SlackDeps } from './context.js';
import { announceRequest, refreshApprovalMessage } from './flows/approval.js';

export interface Sweeper {
  /** One pass now: post missing approval messages, carry out scheduled requests now due, remind approvers, expire old requests. */
  runOnce(): Promise<void>;
}

/** The job worker's lane for recurring work: one slot, so a long import never holds a sweep back. */
export const RECURRING_LANE = 'recurring';
/** A pass takes seconds; should one hold its claim longer (Slack hanging), another instance sweeps too, which the per-step claims make harmless. */
const SWEEP_LEASE_MS = 5 * 60_000;

/**
 * The periodic pass that keeps pending requests from rotting: approvers are reminded in the approval
 * message's thread (queued as a notification, so a failed post is retried; the message says so), requests nobody decided expire (the message and the
 * requester's App Home show it), and a request whose approval message could not be posted (Slack was
 * down) is posted now. Every step is claimed in the database, so a pass run beside another is harmless.
 */
export async function sweep(deps: SlackDeps, client: WebClient): Promise<void> {
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
  // The thread reminder itself was queued as a notification with the mark; the job worker posts it, with retries.
  for (const request of reminded) await refreshApprovalMessage(deps, client, request.id);
  for (const request of expired) await refreshApprovalMessage(deps, client, request.id);
  if (reminded.length + expired.length > 0) deps.logger.info({ reminded: reminded.length, expired: expired.length }, 'sweep: pending requests reminded or expired');
}

/**
 * The sweep as a recurring singleton job: every instance inserts the same row at start (services/sweep-schedule.ts,
 * a no-op when it exists), and whoever claims it runs a pass, then queues the same row again for
 * `intervalMs` later instead of finishing it. So a sweep runs once per interval across instances, and
 * what fell due while no instance ran is swept as soon as the first one starts (the row is overdue).
 * A failed pass is tried again after the interval; the row never goes dead.
 */
export function sweepJobKind(deps: SlackDeps, client: WebClient, options: { intervalMs: number }): JobKind {
  return {
    lane: RECURRING_LANE,
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: () => options.intervalMs,
    leaseMs: Math.max(SWEEP_LEASE_MS, options.intervalMs),
    async run(job) {
      const started = deps.services.now();
      await sweep(deps, client);
      deps.logger.debug({ jobId: job.id, startedAt: started.toISOString() }, 'sweep done');
      if (!(await rescheduleSweep(deps.services, job, options.intervalMs))) {
        deps.logger.warn({ jobId: job.id }, 'sweep not rescheduled: another instance took the row over');
      }
      return { finished: true };
    },
  };
}
