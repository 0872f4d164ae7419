import { and, asc, eq, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { preparedPerHandle } from '../prepared.js';
import { jobs } from '../schema/index.js';
import { enqueueJobs, SECRET_ERASED_KEY, type JobRow } from './jobs.js';

export { SECRET_ERASED_KEY } from './jobs.js';

/**
 * The notification outbox, as rows of the one job queue (`jobs`): a notification is a job of kind
 * `notify.<channel>`, written in the same transaction as the change it reports and delivered by the job
 * worker (src/notifications/worker.ts gives these kinds their policy) with retries and backoff. This
 * module maps between the jobs table and the notification the rest of the bot reads.
 */

export const NOTIFICATION_CHANNELS = ['email', 'slack_dm', 'slack_post'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** `skipped`: nothing to deliver to (no Slack member has the new user's email). `dead`: gave up after the last retry. */
export const NOTIFICATION_STATES = ['queued', 'sent', 'skipped', 'dead'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/** The job kind of a channel's notifications, e.g. `notify.email`. */
export const NOTIFY_KIND_PREFIX = 'notify.';
export const notifyKind = (channel: NotificationChannel): string => `${NOTIFY_KIND_PREFIX}${channel}`;
export const NOTIFY_KINDS = NOTIFICATION_CHANNELS.map(notifyKind);

export interface NewNotification {
  /** Unique per notification, e.g. `request:<id>:welcome_email`: enqueueing the same one twice is a no-op. */
  readonly dedupeKey: string;
  readonly channel: NotificationChannel;
  readonly topic: string;
  readonly requestId?: string;
  readonly payload: Record<string, unknown>;
}

/** A notification as stored: a `notify.*` job seen as the outbox row it replaced. */
export interface StoredNotification {
  id: string;
  dedupeKey: string;
  channel: NotificationChannel;
  topic: string;
  requestId: string | null;
  payload: unknown;
  state: NotificationState;
  attempts: number;
  runAfter: Date;
  leasedUntil: Date | null;
  /** The last failure, or for a skipped notification why there was nothing to deliver to. */
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

/** What a settled notification job holds in `result`. */
export type NotificationResult = { outcome: 'sent'; ref?: string } | { outcome: 'skipped'; reason: string };

export function isNotificationJob(job: Pick<JobRow, 'kind'>): boolean {
  return job.kind.startsWith(NOTIFY_KIND_PREFIX);
}

/** The notification a `notify.*` job is. */
export function toNotification(job: JobRow): StoredNotification {
  const result = (job.result ?? {}) as Partial<{ outcome: string; reason: string }>;
  const skipped = job.state === 'done' && result.outcome === 'skipped';
  const state: NotificationState = job.state === 'done' ? (skipped ? 'skipped' : 'sent') : job.state;
  return {
    id: job.id,
    dedupeKey: job.dedupeKey,
    channel: job.kind.slice(NOTIFY_KIND_PREFIX.length) as NotificationChannel,
    topic: job.topic ?? '',
    requestId: job.requestId,
    payload: job.payload,
    state,
    attempts: job.attempts,
    runAfter: job.runAfter,
    leasedUntil: job.leasedUntil,
    lastError: skipped ? (result.reason ?? job.lastError) : job.lastError,
    sentAt: state === 'sent' ? job.finishedAt : null,
    createdAt: job.createdAt,
  };
}

/**
 * Queues notifications in the caller's transaction, so they exist exactly when the change they report
 * is committed. Returns how many were new.
 */
export async function enqueueNotifications(db: Db, items: readonly NewNotification[]): Promise<number> {
  return enqueueJobs(
    db,
    items.map((n) => ({ kind: notifyKind(n.channel), dedupeKey: n.dedupeKey, topic: n.topic, payload: n.payload, ...(n.requestId ? { requestId: n.requestId } : {}) })),
  );
}

const isNotification = like(jobs.kind, `${NOTIFY_KIND_PREFIX}%`);

/** Stored notifications matching `where` (a condition on `jobs`), oldest first. */
export async function notificationRows(db: Db, where?: SQL): Promise<StoredNotification[]> {
  const rows = await db
    .select()
    .from(jobs)
    .where(where ? and(isNotification, where) : isNotification)
    .orderBy(asc(jobs.createdAt), asc(jobs.topic));
  return rows.map(toNotification);
}

// Read for every approval message rendered: built once per handle.
const notificationsByRequest = preparedPerHandle((db) =>
  db
    .select()
    .from(jobs)
    .where(and(isNotification, eq(jobs.requestId, sql.placeholder('requestId'))))
    .orderBy(asc(jobs.createdAt), asc(jobs.topic))
    .prepare('notifications_of_request'),
);

/** The notifications of one request, oldest first: for the approval message's delivery line and tests. */
export async function notificationsOfRequest(db: Db, requestId: string): Promise<StoredNotification[]> {
  return (await notificationsByRequest(db).execute({ requestId })).map(toNotification);
}

/**
 * Retry delivery: the request's dead notifications of these topics go back in the queue, due now, with
 * a fresh count of attempts, in ONE guarded statement (only rows still dead, and never one whose
 * secret was erased): of two clicks at once, the second finds nothing left to put back. Returns the
 * rows put back.
 */
export async function requeueDeadNotifications(db: Db, requestId: string, topics: readonly string[], now: Date): Promise<{ id: string; topic: string }[]> {
  if (topics.length === 0) return [];
  const rows = await db
    .update(jobs)
    .set({ state: 'queued', attempts: 0, runAfter: now, leasedUntil: null, lastError: null, finishedAt: null })
    .where(
      and(
        eq(jobs.requestId, requestId),
        inArray(jobs.kind, NOTIFY_KINDS),
        eq(jobs.state, 'dead'),
        inArray(jobs.topic, [...topics]),
        sql`not (${jobs.payload} ? ${SECRET_ERASED_KEY}::text)`,
      ),
    )
    .returning({ id: jobs.id, topic: jobs.topic });
  return rows.map((r) => ({ id: r.id, topic: r.topic ?? '' }));
}
