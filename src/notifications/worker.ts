import type { Db } from '../db/client.js';
import { NOTIFICATION_CHANNELS, notifyKind, toNotification } from '../db/repositories/notifications.js';
import { equalJitterBackoff, startJobWorker, type JobKind, type JobWorker } from '../jobs/worker.js';
import { errorMessage, type Logger } from '../logger.js';
import { SECRET_PAYLOAD_KEY } from './payloads.js';
import { DeliveryError, type NotificationRow, type SendNotification } from './senders.js';

/**
 * Notifications are jobs (`notify.email`, `notify.slack_dm`, `notify.slack_post`) of the one job worker
 * (src/jobs/worker.ts); this module gives those kinds their policy:
 *
 * - their own lane (NOTIFY_LANE), so an import's rows never hold a welcome email back;
 * - each claimed row is sent outside any transaction; `sent` / `skipped` settle it as done (the outcome
 *   in `result`), recorded even when the lease was lost meanwhile (the delivery did happen);
 * - a failure is retried after `run_after = now + backoff` with jitter (12 attempts, 30 s doubling up to
 *   1 h), never sooner than a server's Retry-After; it is dead after the last attempt, or at once when
 *   the error is permanent (`DeliveryError.retryable === false`);
 * - a one-time password is erased from the payload whenever the row settles (done or dead), leaving the
 *   `secretErased` mark: the secret lives in the table only until then.
 *
 * A worker that dies mid-send leaves its rows leased; once the lease passes, another worker takes them
 * again. Delivery is therefore at-least-once: a crash after the SMTP server or Slack accepted a message
 * but before it was marked sent makes it go again (an email then carries the same Message-ID, built
 * from the row's id). The lease (default 5 minutes) is far longer than any send may take (SMTP and
 * Slack timeouts are 15–30 s), so a live worker never loses its rows to another.
 */
export interface NotificationPolicyOptions {
  send: SendNotification;
  logger: Logger;
  /** Attempts before a row goes dead. Default 12 (about 5 hours of retries with the default backoff). */
  maxAttempts?: number;
  /** Delay in ms before the next attempt, given how many attempts were made (1, 2, …). Default defaultBackoff. */
  backoff?: (attempts: number) => number;
  /** How long a claim holds. Default 5 minutes. */
  leaseMs?: number;
  /** Called once a row has settled (sent, skipped or dead), with the row as stored (secret erased). Errors are logged. */
  onSettled?: (n: NotificationRow) => Promise<void>;
}

/** The job worker's lane for notifications. */
export const NOTIFY_LANE = 'notify';
/** Slots of the notification lane: sends run in parallel, each mostly waiting on SMTP or Slack. */
export const NOTIFY_LANE_SLOTS = 10;
export const DEFAULT_MAX_ATTEMPTS = 12;
export const DEFAULT_LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 60 * 60_000;

/** A notification's backoff (equalJitterBackoff): 30 s, 1 min, 2 min, … doubling up to 1 hour. */
export function defaultBackoff(attempts: number, random: () => number = Math.random): number {
  return equalJitterBackoff(attempts, { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_CAP_MS }, random);
}

/** The `notify.*` kinds for the job worker. */
export function notificationJobKinds(options: NotificationPolicyOptions): Record<string, JobKind> {
  const { send, onSettled } = options;
  const logger = options.logger.child({ component: 'notifications' });
  const backoff = options.backoff ?? ((attempts: number) => defaultBackoff(attempts));
  const kind: JobKind = {
    lane: NOTIFY_LANE,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoff,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    recordLateDone: true,
    secretKey: SECRET_PAYLOAD_KEY,
    permanent: (err) => err instanceof DeliveryError && !err.retryable,
    retryAfterMs: (err) => (err instanceof DeliveryError ? err.retryAfterMs : undefined),
    // A DeliveryError's message is already the one line worth keeping (its cause is the library's error).
    errorText: (err) => (err instanceof DeliveryError ? err.message : errorMessage(err)),
    logFields: (job) => ({ topic: job.topic }),
    ...(onSettled ? { onSettled: (job) => onSettled(toNotification(job)) } : {}),
    async run(job) {
      const n = toNotification(job);
      const about = { notificationId: n.id, channel: n.channel, topic: n.topic, requestId: n.requestId, attempt: n.attempts };
      const outcome = await send(n);
      if (outcome.status === 'sent') {
        logger.info({ ...about, ref: outcome.ref }, 'notification sent');
        return { result: { outcome: 'sent', ...(outcome.ref ? { ref: outcome.ref } : {}) } };
      }
      logger.info({ ...about, reason: outcome.reason }, 'notification skipped');
      return { result: { outcome: 'skipped', reason: outcome.reason } };
    },
  };
  return Object.fromEntries(NOTIFICATION_CHANNELS.map((channel) => [notifyKind(channel), kind]));
}

export interface NotificationWorkerOptions extends NotificationPolicyOptions {
  db: Db;
  now?: () => Date;
  /** Pause between polls. Default 2000 ms. 0 = no background polling (call runOnce). */
  pollIntervalMs?: number;
  /** Rows sent at once (the lane's slots). Default NOTIFY_LANE_SLOTS. */
  batchSize?: number;
}

export interface NotificationWorker {
  /** Stops polling and waits for in-flight sends to be recorded. */
  stop(): Promise<void>;
  /** Claims and sends what is due (up to the free slots); resolves with how many rows it claimed. */
  runOnce(): Promise<number>;
}

/** A job worker that runs notifications only (the bot runs them in its one worker: bot.ts). */
export function startNotificationWorker(options: NotificationWorkerOptions): NotificationWorker {
  const worker: JobWorker = startJobWorker({
    db: options.db,
    logger: options.logger,
    ...(options.now ? { now: options.now } : {}),
    pollIntervalMs: options.pollIntervalMs ?? 2000,
    kinds: notificationJobKinds(options),
    lanes: { [NOTIFY_LANE]: options.batchSize ?? NOTIFY_LANE_SLOTS },
  });
  return { runOnce: () => worker.runOnce(), stop: () => worker.stop() };
}
