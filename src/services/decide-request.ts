import { availableParallelism } from 'node:os';
import { issue, InvalidInput, isInvalidInput, reject } from '../domain/errors.js';
import { validateOptionalText } from '../domain/person.js';
import { isScheduledAfter } from '../domain/offboarding.js';
import { assertTransition, type RequestState } from '../domain/request-state.js';
import { audit, recordAudit, recordAudits, type AuditEntry, type AuditSink } from '../db/repositories/audit.js';
import { enqueueNotifications } from '../db/repositories/notifications.js';
import {
  expirePendingRequests,
  findRequestById,
  lockRequest,
  markPendingRequestsReminded,
  moveRequest,
  type RequestChanges,
  type RequestRow,
} from '../db/repositories/requests.js';
import type { Db } from '../db/client.js';
import { approvalReminder } from '../notifications/messages.js';
import { requesterOutcomeNotice } from '../notifications/requester-notices.js';
import { SYSTEM_ACTOR, type Actor, type ServiceDeps } from './context.js';
import { toExtensionView, type ExtensionView } from './create-extension.js';
import { fourEyesStep, type FourEyesStep } from './four-eyes.js';
import { startImport } from './import-execution.js';
import { hashSlots } from './sign-in-hash-slots.js';
import { DRAW_AGAIN, executePlan, explainExecutionError, planRequest, type ExecutionPlan } from './request-execution.js';
import { expiredFacts, failedFacts, rejectedFacts, requestSubject } from './request-notices.js';
import { scheduledNotice } from '../notifications/lifecycle-notices.js';
import { toPublicUser, type PublicUser } from './user-view.js';

/**
 * Approvers decide requests: approve (the request is carried out at once, in one transaction), reject
 * (with a reason), or nobody decides and the request expires. Whoever comes second — another approver,
 * a double click, a Slack retry, a replayed payload — finds it decided and changes nothing. Who may
 * approve at all (APPROVER_IDS) is the caller's check; self-approval is checked here.
 */

export interface ApproveOptions {
  /** ALLOW_SELF_APPROVAL: whether the requester may approve their own request. */
  allowSelfApproval: boolean;
  /** The /account sign-in page, linked from the welcome email and DM. */
  accountUrl: string;
}

export type ApproveResult =
  | { outcome: 'completed'; request: RequestRow; user?: PublicUser; extension?: ExtensionView }
  /** Approved ahead of its effective time (a scheduled offboarding): the sweeper carries it out then. */
  | { outcome: 'scheduled'; request: RequestRow }
  /** An import: approved, its rows queued; they are carried out in the background (services/import-execution.ts). */
  | { outcome: 'started'; request: RequestRow }
  | { outcome: 'failed'; request: RequestRow; reason: string }
  | { outcome: 'already_decided'; request: RequestRow }
  | { outcome: 'not_allowed'; reason: string }
  /** TWO_APPROVALS_FOR: this approval is recorded (or already was); another approver must approve too. */
  | Extract<FourEyesStep, { outcome: 'awaiting_second' }>;

export type RejectResult = { outcome: 'rejected'; request: RequestRow } | { outcome: 'already_decided'; request: RequestRow };

export interface RemindAndExpireResult {
  /** Pending requests approvers should be reminded of now (their remindedAt is set). */
  reminded: RequestRow[];
  /** Requests that expired now (their requesters are notified). */
  expired: RequestRow[];
}

export const REJECT_REASON_MAX_LENGTH = 500;
/** A drawn extension number taken by someone else between the check and the insert: draw again, a few times. */
const MAX_ATTEMPTS = 5;

export async function approveRequest(deps: ServiceDeps, actor: Actor, requestId: string, options: ApproveOptions): Promise<ApproveResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await attemptApproval(deps, actor, requestId, options, attempt < MAX_ATTEMPTS);
    if (result !== DRAW_AGAIN) return result;
  }
}

async function attemptApproval(deps: ServiceDeps, actor: Actor, requestId: string, options: ApproveOptions, mayDrawAgain: boolean): Promise<ApproveResult | typeof DRAW_AGAIN> {
  // A cheap read first: a late click on a decided request needs no checks and no password hash.
  const current = await findRequestById(deps.db, requestId);
  if (!current) return notFound();
  if (current.state !== 'pending') return { outcome: 'already_decided', request: current };
  if (current.requesterId === actor.id && !options.allowSelfApproval) {
    return { outcome: 'not_allowed', reason: 'You asked for this yourself, so another approver has to approve it' };
  }
  // Four eyes (services/four-eyes.ts): a first approval is recorded and the request waits for a second.
  const fourEyes = await fourEyesStep(deps, actor, current);
  if (fourEyes.outcome !== 'carry_out') return fourEyes;
  if (current.kind === 'import_batch') return approveImport(deps, actor, requestId);

  let plan: ExecutionPlan;
  try {
    plan = await sharedPlan(deps, current);
  } catch (err) {
    if (isInvalidInput(err)) return markFailed(deps, actor, requestId, reasonOf(err));
    throw err;
  }

  const now = deps.now();
  try {
    return await deps.db.transaction(async (tx): Promise<ApproveResult> => {
      const locked = await lockRequest(tx, requestId);
      if (!locked) return notFound();
      if (locked.state !== 'pending') return { outcome: 'already_decided', request: locked };
      // The audit rows of the whole approval are written together at the end: one INSERT, not four.
      const audits: AuditEntry[] = [];
      const approved = await decide(tx, actor, locked, 'approved', now, { approverId: actor.id, decidedAt: now }, audits);
      if (approved.effectiveAt && isScheduledAfter(approved.effectiveAt, now)) {
        await recordAudits(tx, audits);
        await enqueueNotifications(tx, [scheduledNotice(approved, requestSubject(approved), actor.id, approved.effectiveAt)]);
        return { outcome: 'scheduled', request: approved };
      }
      const done = await executePlan(tx, actor, approved, plan, { now, tenantSuffix: deps.settings.tenantSuffix, accountUrl: options.accountUrl }, audits);
      const completed = await decide(tx, actor, approved, 'completed', now, { resultUserId: done.user?.id ?? null, resultExtensionId: done.extension?.id ?? null }, audits);
      await recordAudits(tx, audits);
      await enqueueNotifications(tx, done.notifications);
      return {
        outcome: 'completed',
        request: completed,
        ...(done.user ? { user: toPublicUser(done.user) } : {}),
        ...(done.extension ? { extension: toExtensionView(done.extension) } : {}),
      };
    });
  } catch (err) {
    // The transaction is rolled back: nothing of the work is left. Say why, in a second one.
    const explained = await explainExecutionError(deps.db, err, plan);
    if (explained === DRAW_AGAIN) {
      if (mayDrawAgain) return DRAW_AGAIN;
      return markFailed(deps, actor, requestId, 'Every free extension number was taken by other requests while this one was carried out; try again');
    }
    if (isInvalidInput(explained)) return markFailed(deps, actor, requestId, reasonOf(explained));
    throw explained;
  }
}

/** An import is not carried out in the click: its approval queues its rows (services/import-execution.ts). */
async function approveImport(deps: ServiceDeps, actor: Actor, requestId: string): Promise<ApproveResult> {
  const outcome = await startImport(deps, actor, requestId);
  if (!outcome) return notFound();
  return 'started' in outcome ? { outcome: 'started', request: outcome.started } : { outcome: 'already_decided', request: outcome.alreadyDecided };
}

/**
 * Concurrent approvals of one request in this process (a double click, a Slack retry) share one plan,
 * so the slow password hash runs once. Only an optimisation: the row lock decides who carries it out,
 * also across instances. The entry is dropped once settled, so a later attempt plans afresh.
 */
const plansInFlight = new WeakMap<ServiceDeps, Map<string, Promise<ExecutionPlan>>>();

/**
 * How many approvals of this process plan (check, then hash) at once, as many as the import's rows
 * (bot.ts's default lane): enough hashes queued to keep every core hashing, and no more. A bulk of
 * clicks used to plan all at once: hundreds of directory reads in one burst on the event loop (the
 * clicks' acks waited behind it), and hundreds of hashes queued in libuv's pool, in front of every
 * file write and DNS lookup of the process (the welcome emails waited out the whole bulk). The rest
 * wait here, in click order. Per process, as the pool is; the transaction is outside it.
 */
export const APPROVAL_PLAN_CONCURRENCY = Math.max(4, availableParallelism() * 2);
const planSlots = hashSlots(APPROVAL_PLAN_CONCURRENCY, Number.POSITIVE_INFINITY);

function sharedPlan(deps: ServiceDeps, request: RequestRow): Promise<ExecutionPlan> {
  let plans = plansInFlight.get(deps);
  if (!plans) plansInFlight.set(deps, (plans = new Map<string, Promise<ExecutionPlan>>()));
  const running = plans.get(request.id);
  if (running) return running;
  const plan = planSlots.run(() => planRequest(deps, request)).finally(() => plans.delete(request.id));
  plans.set(request.id, plan);
  return plan;
}

/** The approval could not be carried out: approved, then failed with the reason; the requester is told. */
async function markFailed(deps: ServiceDeps, actor: Actor, requestId: string, reason: string): Promise<ApproveResult> {
  const now = deps.now();
  return deps.db.transaction(async (tx): Promise<ApproveResult> => {
    const locked = await lockRequest(tx, requestId);
    if (!locked) return notFound();
    if (locked.state !== 'pending') return { outcome: 'already_decided', request: locked };
    const approved = await decide(tx, actor, locked, 'approved', now, { approverId: actor.id, decidedAt: now });
    const failed = await decide(tx, actor, approved, 'failed', now, { reason });
    await enqueueNotifications(tx, [
      requesterOutcomeNotice(failedFacts(failed, actor.id, reason)),
    ]);
    return { outcome: 'failed', request: failed, reason };
  });
}

export async function rejectRequest(deps: ServiceDeps, actor: Actor, requestId: string, reason: string): Promise<RejectResult> {
  const why = validateReason(reason);
  const now = deps.now();
  return deps.db.transaction(async (tx): Promise<RejectResult> => {
    const locked = await lockRequest(tx, requestId);
    if (!locked) return notFound();
    if (locked.state !== 'pending') return { outcome: 'already_decided', request: locked };
    const rejected = await decide(tx, actor, locked, 'rejected', now, { approverId: actor.id, decidedAt: now, reason: why });
    await enqueueNotifications(tx, [
      requesterOutcomeNotice(rejectedFacts(rejected, actor.id, why)),
    ]);
    return { outcome: 'rejected', request: rejected };
  });
}

/**
 * The periodic sweep: pending requests older than `expireAfterHours` expire (requester told, audited);
 * pending ones older than `remindAfterHours` that nobody was reminded of in the last
 * `remindAfterHours` are marked reminded and returned, for the Slack layer to post the reminder.
 * Safe to run from several instances at once: each request is expired, or reminded, by one of them.
 */
export async function remindAndExpire(deps: ServiceDeps, hours: { remindAfterHours: number; expireAfterHours: number }): Promise<RemindAndExpireResult> {
  for (const [name, value] of Object.entries(hours)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of hours, got ${value}`);
  }
  assertTransition('pending', 'expired');
  const now = deps.now();
  const before = (h: number) => new Date(now.getTime() - h * 3_600_000);
  return deps.db.transaction(async (tx) => {
    const reason = `No approver decided within ${hours.expireAfterHours} hours`;
    const expired = await expirePendingRequests(tx, { createdBefore: before(hours.expireAfterHours), at: now, reason });
    for (const request of expired) {
      await recordAudit(tx, { actor: SYSTEM_ACTOR.id, action: 'request.expired', entityType: 'request', entityId: request.id, details: { from: 'pending', reason } });
    }
    await enqueueNotifications(
      tx,
      expired.map((r) => requesterOutcomeNotice(expiredFacts(r, hours.expireAfterHours))),
    );

    const cutoff = before(hours.remindAfterHours);
    const reminded = await markPendingRequestsReminded(tx, { createdBefore: cutoff, remindedBefore: cutoff, at: now });
    for (const request of reminded) {
      await recordAudit(tx, { actor: SYSTEM_ACTOR.id, action: 'request.reminded', entityType: 'request', entityId: request.id });
    }
    // The reminder goes in the approval message's thread through the outbox, queued with the mark: a
    // failed post is retried, and a request without a message yet (Slack was down) has no thread to remind in.
    await enqueueNotifications(
      tx,
      reminded.flatMap((r) =>
        r.approvalChannel && r.approvalTs ? [approvalReminder({ requestId: r.id, channel: r.approvalChannel, threadTs: r.approvalTs, remindedAt: now, remindAfterHours: hours.remindAfterHours })] : [],
      ),
    );
    return { reminded, expired };
  });
}

/**
 * One state move of a locked request, checked against the domain's transitions, with its audit row
 * (written now, or gathered in `sink` for the caller to write with the transaction's others).
 */
export async function decide(tx: Db, actor: Actor, request: RequestRow, to: RequestState, at: Date, changes: RequestChanges, sink?: AuditSink): Promise<RequestRow> {
  assertTransition(request.state, to);
  const moved = await moveRequest(tx, request.id, request.state, to, at, changes);
  if (!moved) throw new Error(`request ${request.id} left ${request.state} while locked`);
  const details: Record<string, unknown> = { from: request.state, kind: request.kind };
  if (changes.reason) details.reason = changes.reason;
  if (changes.resultUserId) details.userId = changes.resultUserId;
  if (changes.resultExtensionId) details.extensionId = changes.resultExtensionId;
  await audit(tx, sink, { actor: actor.id, action: `request.${to}`, entityType: 'request', entityId: request.id, details });
  return moved;
}

function validateReason(raw: string): string {
  const checked = validateOptionalText('reason', typeof raw === 'string' ? raw : '', REJECT_REASON_MAX_LENGTH);
  if (!checked.ok) {
    const message = checked.issue.code === 'too_long' ? `A reason can be at most ${REJECT_REASON_MAX_LENGTH} characters` : 'A reason cannot contain control characters';
    throw new InvalidInput([issue('reason', checked.issue.code, message)]);
  }
  if (checked.value === null) reject('reason', 'required', 'Say why the request is rejected: the requester will read it');
  return checked.value;
}

function reasonOf(err: InvalidInput): string {
  return err.issues.map((i) => i.message).join('; ');
}

function notFound(): never {
  return reject('requestId', 'not_found', 'There is no such request');
}
