import { isInvalidInput } from '../domain/errors.js';
import { enqueueNotifications } from '../db/repositories/notifications.js';
import { dueRequestIds, findRequestById, lockRequestUnlessBusy, type RequestRow } from '../db/repositories/requests.js';
import { requesterOutcomeNotice } from '../notifications/requester-notices.js';
import { SYSTEM_ACTOR, type ServiceDeps } from './context.js';
import { decide } from './decide-request.js';
import { executePlan, explainExecutionError, planRequest, type ExecutionPlan } from './request-execution.js';
import { failedFacts } from './request-notices.js';

/**
 * Carries out the approved requests whose effective time has come (scheduled offboardings), each
 * exactly once however many instances sweep at once: the request is locked with SKIP LOCKED and must
 * still be `approved` inside the transaction that does the work, so a second sweeper either skips the
 * row while the first holds it or finds it completed. Due ones left by a bot that was down run at the
 * first sweep after start. The carrying out is audited by `system`; the approver is named in the notices.
 */
export interface DueResult {
  completed: RequestRow[];
  failed: RequestRow[];
  /** Requests whose execution threw something that is not about the request (the database): tried again next sweep. */
  errors: { requestId: string; err: unknown }[];
}

const BATCH = 20;

export async function carryOutDueRequests(deps: ServiceDeps, options: { accountUrl: string }): Promise<DueResult> {
  const result: DueResult = { completed: [], failed: [], errors: [] };
  for (const id of await dueRequestIds(deps.db, deps.now(), BATCH)) {
    try {
      const done = await carryOut(deps, id, options);
      if (done?.state === 'completed') result.completed.push(done);
      if (done?.state === 'failed') result.failed.push(done);
    } catch (err) {
      result.errors.push({ requestId: id, err });
    }
  }
  return result;
}

async function carryOut(deps: ServiceDeps, id: string, options: { accountUrl: string }): Promise<RequestRow | undefined> {
  const current = await findRequestById(deps.db, id);
  if (current?.state !== 'approved') return undefined;
  let plan: ExecutionPlan;
  try {
    plan = await planRequest(deps, current);
  } catch (err) {
    if (isInvalidInput(err)) return fail(deps, id, err.issues.map((i) => i.message).join('; '));
    throw err;
  }
  const now = deps.now();
  try {
    return await deps.db.transaction(async (tx) => {
      const locked = await lockRequestUnlessBusy(tx, id);
      if (locked?.state !== 'approved' || !locked.effectiveAt || locked.effectiveAt.getTime() > now.getTime()) return undefined;
      const done = await executePlan(tx, SYSTEM_ACTOR, locked, plan, { now, tenantSuffix: deps.settings.tenantSuffix, accountUrl: options.accountUrl });
      const completed = await decide(tx, SYSTEM_ACTOR, locked, 'completed', now, { resultUserId: done.user?.id ?? null, resultExtensionId: done.extension?.id ?? null });
      await enqueueNotifications(tx, done.notifications);
      return completed;
    });
  } catch (err) {
    const explained = await explainExecutionError(deps.db, err, plan);
    if (isInvalidInput(explained)) return fail(deps, id, explained.issues.map((i) => i.message).join('; '));
    throw explained;
  }
}

/** It can no longer be done (the user changed meanwhile): failed with the reason, the requester told. */
async function fail(deps: ServiceDeps, id: string, reason: string): Promise<RequestRow | undefined> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const locked = await lockRequestUnlessBusy(tx, id);
    if (locked?.state !== 'approved') return undefined;
    const failed = await decide(tx, SYSTEM_ACTOR, locked, 'failed', now, { reason });
    await enqueueNotifications(tx, [
      requesterOutcomeNotice(failedFacts(failed, failed.approverId ?? SYSTEM_ACTOR.id, reason)),
    ]);
    return failed;
  });
}
