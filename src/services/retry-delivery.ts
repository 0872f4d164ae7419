import { recordAudit } from '../db/repositories/audit.js';
import { requeueDeadNotifications } from '../db/repositories/notifications.js';
import { findRequestById } from '../db/repositories/requests.js';
import { reject } from '../domain/errors.js';
import type { AccessPolicy } from '../domain/access.js';
import { WELCOME_DM_TOPIC, WELCOME_EMAIL_TOPIC } from '../notifications/messages.js';
import { SIGN_IN_RESET_DM_TOPIC, SIGN_IN_RESET_EMAIL_TOPIC } from '../notifications/recovery-notices.js';
import type { Actor, ServiceDeps } from './context.js';

/** The notifications the approval message shows, and so the ones Retry delivery puts back. */
export const RETRYABLE_TOPICS = [WELCOME_EMAIL_TOPIC, WELCOME_DM_TOPIC, SIGN_IN_RESET_EMAIL_TOPIC, SIGN_IN_RESET_DM_TOPIC] as const;

export type RetryDeliveryResult = { outcome: 'requeued'; topics: string[] } | { outcome: 'nothing_to_retry' };

/**
 * Retry delivery, from the approval message: the request's notifications that used up their retries
 * go back to the queue (the `notify.*` jobs), due now, with a fresh count of attempts; the job worker sends them as any other.
 * Only approvers may, checked here. One guarded UPDATE puts them back (only rows still dead), with an
 * audit row per notification in the same transaction: two clicks at once requeue once, and the worker's
 * claim then sends each once. A welcome DM whose one-time password was erased when it gave up is not
 * put back: it would arrive without the password it announces.
 */
export async function retryDelivery(deps: ServiceDeps, access: AccessPolicy, actor: Actor, requestId: string): Promise<RetryDeliveryResult> {
  if (!access.isApprover(actor.id)) reject('requestId', 'not_allowed', 'Only approvers can retry a delivery');
  const request = await findRequestById(deps.db, requestId);
  if (!request) reject('requestId', 'not_found', 'There is no such request');
  const now = deps.now();
  return deps.db.transaction(async (tx): Promise<RetryDeliveryResult> => {
    const requeued = await requeueDeadNotifications(tx, requestId, RETRYABLE_TOPICS, now);
    for (const n of requeued) {
      await recordAudit(tx, { actor: actor.id, action: 'notification.retried', entityType: 'request', entityId: requestId, details: { notificationId: n.id, topic: n.topic } });
    }
    return requeued.length > 0 ? { outcome: 'requeued', topics: requeued.map((n) => n.topic) } : { outcome: 'nothing_to_retry' };
  });
}
