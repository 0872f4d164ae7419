import type { Db } from '../db/client.js';
import { claimDueNotifications, retryNotificationLater, settleNotification, type Settlement } from '../db/repositories/notifications.js';
import { errorMessage, type Logger } from '../logger.js';
import { SECRET_PAYLOAD_KEY } from './payloads.js';
import { DeliveryError, type NotificationRow, type SendNotification, type SendOutcome } from './senders.js';

/**
 * The outbox worker. Any number of them (one per bot instance) may run against one database: all the
 * coordination is in the table, none in memory.
 *
 * One round (runOnce):
 * 1. Claim up to `batchSize` due rows in ONE statement (db/repositories/notifications.ts) — `UPDATE … SET leased_until = now + lease,
 *    attempts = attempts + 1 WHERE id IN (SELECT id … WHERE state = 'queued' AND run_after <= now AND
 *    (leased_until IS NULL OR leased_until < now) ORDER BY run_after LIMIT n FOR UPDATE SKIP LOCKED)
 *    RETURNING *` — so two workers never claim the same row, and the claim commits at once.
 * 2. Send each claimed row outside any transaction (in parallel within the batch).
 * 3. Record the outcome: `sent` / `skipped` (settled), or on failure `attempts` already counts this
 *    attempt: `run_after = now + backoff` with jitter and `last_error`, or `dead` when it was the last
 *    attempt or the error is permanent. A one-time password is erased from the payload whenever the
 *    row settles (sent, skipped or dead): the secret lives in the table only until then.
 *
 * A worker that dies mid-send leaves its rows leased; once the lease passes, another worker takes them
 * again. Delivery is therefore at-least-once: a crash after the SMTP server or Slack accepted a message
 * but before it was marked sent makes it go again (an email then carries the same Message-ID). The
 * lease (default 5 minutes) is far longer than any send may take (SMTP and Slack timeouts are 15–30 s),
 * so a live worker never loses its rows to another.
 *
 * Time comes from `now()` (the app's clock, injectable in tests), not from the database's now():
 * instances' clocks are expected to agree within seconds, which the lease length makes harmless.
 */
export interface NotificationWorkerOptions {
  db: Db;
  send: SendNotification;
  logger: Logger;
  now?: () => Date;
  /** Pause between rounds that found less than a full batch. Default 2000 ms. 0 = no background polling (call runOnce). */
  pollIntervalMs?: number;
  /** Rows claimed per round. Default 10. */
  batchSize?: number;
  /** Attempts before a row goes dead. Default 12 (about 5 hours of retries with the default backoff). */
  maxAttempts?: number;
  /** Delay in ms before the next attempt, given how many attempts were made (1, 2, …). Default defaultBackoff. */
  backoff?: (attempts: number) => number;
  /** How long a claim holds. Default 5 minutes. */
  leaseMs?: number;
  /** Called once a row has settled (sent, skipped or dead), with the row as stored (secret erased). Errors are logged. */
  onSettled?: (n: NotificationRow) => Promise<void>;
}

export interface NotificationWorker {
  /** Stops polling and waits for in-flight sends to be recorded. */
  stop(): Promise<void>;
  /** Claims and sends one batch; resolves with how many rows it claimed. For tests and draining. */
  runOnce(): Promise<number>;
}

export const DEFAULT_MAX_ATTEMPTS = 12;
export const DEFAULT_LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 60 * 60_000;
const MAX_ERROR_LENGTH = 500;

/**
 * Exponential backoff with "equal jitter": 30 s, 1 min, 2 min, … doubling up to 1 hour, each drawn
 * uniformly from [half, full] so that rows failed together (an SMTP outage) do not retry together.
 */
export function defaultBackoff(attempts: number, random: () => number = Math.random): number {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

export function startNotificationWorker(options: NotificationWorkerOptions): NotificationWorker {
  const { db, send, onSettled } = options;
  const logger = options.logger.child({ component: 'notifications' });
  const clock = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const batchSize = options.batchSize ?? 10;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = options.backoff ?? ((attempts: number) => defaultBackoff(attempts));
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function settle(n: NotificationRow, settlement: Settlement, fenced: boolean): Promise<void> {
    // A delivery is recorded even if the lease was lost (it did happen); a failure only while ours.
    const row = await settleNotification(db, n, settlement, { fenced, secretKey: SECRET_PAYLOAD_KEY });
    if (!row) {
      logger.warn({ notificationId: n.id, state: settlement.state }, 'notification outcome not recorded: another worker took the row over');
      return;
    }
    if (onSettled) {
      await onSettled(row).catch((err: unknown) => logger.warn({ notificationId: n.id, err: errorText(err) }, 'onSettled failed'));
    }
  }

  async function recorded(n: NotificationRow, outcome: SendOutcome): Promise<void> {
    const about = { notificationId: n.id, channel: n.channel, topic: n.topic, requestId: n.requestId, attempt: n.attempts };
    if (outcome.status === 'sent') {
      logger.info({ ...about, ref: outcome.ref }, 'notification sent');
      await settle(n, { state: 'sent', sentAt: clock(), lastError: null }, false);
    } else {
      logger.info({ ...about, reason: outcome.reason }, 'notification skipped');
      await settle(n, { state: 'skipped', lastError: outcome.reason }, false);
    }
  }

  async function failed(n: NotificationRow, err: unknown): Promise<void> {
    const about = { notificationId: n.id, channel: n.channel, topic: n.topic, requestId: n.requestId, attempt: n.attempts };
    const error = err instanceof DeliveryError ? err : new DeliveryError(errorText(err), true, undefined, { cause: err });
    const lastError = error.message.slice(0, MAX_ERROR_LENGTH);
    if (!error.retryable || n.attempts >= maxAttempts) {
      logger.error({ ...about, error: lastError, retryable: error.retryable }, error.retryable ? 'notification dead: no attempts left' : 'notification dead: permanent error');
      await settle(n, { state: 'dead', lastError }, true);
      return;
    }
    const delay = Math.max(backoff(n.attempts), error.retryAfterMs ?? 0);
    const runAfter = new Date(clock().getTime() + delay);
    logger.warn({ ...about, error: lastError, retryAt: runAfter.toISOString() }, 'notification failed, will retry');
    const kept = await retryNotificationLater(db, n, { runAfter, lastError });
    if (!kept) logger.warn({ ...about }, 'notification retry not recorded: another worker took the row over');
  }

  async function deliver(n: NotificationRow): Promise<void> {
    try {
      if (n.attempts > maxAttempts) {
        // Claimed again after a worker died during what was already the last attempt.
        await failed(n, new DeliveryError('gave up: the worker sending the last attempt stopped before recording it', true));
        return;
      }
      let outcome: SendOutcome;
      try {
        outcome = await send(n);
      } catch (err) {
        await failed(n, err);
        return;
      }
      await recorded(n, outcome);
    } catch (err) {
      // The database failed while recording: the lease runs out and the row is taken again.
      logger.error({ notificationId: n.id, err: errorText(err) }, 'could not record a notification outcome');
    }
  }

  function runOnce(): Promise<number> {
    const round = (async () => {
      const rows = await claimDueNotifications(db, { now: clock(), batchSize, leaseMs });
      await Promise.all(rows.map(deliver));
      return rows.length;
    })();
    inFlight.add(round);
    void round.finally(() => inFlight.delete(round)).catch(() => undefined);
    return round;
  }

  async function loop(): Promise<void> {
    timer = undefined;
    if (stopped) return;
    let claimed = 0;
    try {
      claimed = await runOnce();
    } catch (err) {
      logger.error({ err: errorText(err) }, 'notification round failed');
    }
    if (stopped) return;
    timer = setTimeout(() => void loop(), claimed >= batchSize ? 0 : pollIntervalMs);
    timer.unref();
  }

  if (pollIntervalMs > 0) {
    timer = setTimeout(() => void loop(), 0);
    timer.unref();
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Logged and stored as lastError: a database error by its code and table, never its parameters (the payload). */
function errorText(err: unknown): string {
  return errorMessage(err);
}
