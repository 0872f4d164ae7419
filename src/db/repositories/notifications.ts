import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { notifications, type NotificationChannel } from '../schema/index.js';

/** The payload key marking a settled row whose secret was erased. */
export const SECRET_ERASED_KEY = 'secretErased';

export interface NewNotification {
  /** Unique per notification, e.g. `request:<id>:welcome_email`: enqueueing the same one twice is a no-op. */
  readonly dedupeKey: string;
  readonly channel: NotificationChannel;
  readonly topic: string;
  readonly requestId?: string;
  readonly payload: Record<string, unknown>;
}

/**
 * Queues notifications in the caller's transaction, so they exist exactly when the change they report
 * is committed. Returns how many were new.
 */
export async function enqueueNotifications(db: Db, items: readonly NewNotification[]): Promise<number> {
  if (items.length === 0) return 0;
  const inserted = await db
    .insert(notifications)
    .values(items.map((n) => ({ ...n, requestId: n.requestId ?? null })))
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return inserted.length;
}

/** The notifications of one request, oldest first: for the approval message's delivery line and tests. */
export async function notificationsOfRequest(db: Db, requestId: string) {
  return db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(asc(notifications.createdAt), asc(notifications.topic));
}

export type StoredNotification = typeof notifications.$inferSelect;

/**
 * Claims up to `batchSize` due rows in ONE statement (an UPDATE over a `FOR UPDATE SKIP LOCKED`
 * sub-select), so two workers never claim the same row and the claim commits at once. A claim leases
 * the row until `now + leaseMs` and counts the attempt. Oldest due first.
 */
export async function claimDueNotifications(db: Db, options: { now: Date; batchSize: number; leaseMs: number }): Promise<StoredNotification[]> {
  const { now, batchSize, leaseMs } = options;
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.state, 'queued'), lte(notifications.runAfter, now), or(isNull(notifications.leasedUntil), lt(notifications.leasedUntil, now))))
    .orderBy(asc(notifications.runAfter))
    .limit(batchSize)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(notifications)
    .set({ leasedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${notifications.attempts} + 1` })
    .where(inArray(notifications.id, due))
    .returning();
  return rows.sort((a, b) => a.runAfter.getTime() - b.runAfter.getTime());
}

/** The row is still the claimer's while its lease is the one the claim set: a stale worker must not overwrite a newer attempt. */
function stillClaimed(n: StoredNotification) {
  return and(eq(notifications.id, n.id), eq(notifications.state, 'queued'), n.leasedUntil ? eq(notifications.leasedUntil, n.leasedUntil) : isNull(notifications.leasedUntil));
}

export interface Settlement {
  readonly state: 'sent' | 'skipped' | 'dead';
  readonly lastError: string | null;
  readonly sentAt?: Date;
}

/**
 * Settles a claimed row (sent, skipped or dead), ends its lease and erases `secretKey` from its
 * payload: a secret lives in the table only until the row settles. With `fenced`, only while the
 * claim is still ours (a failure); without, as long as the row is queued (a delivery did happen, even
 * if the lease was lost). Returns the row as stored, or undefined when another worker took it over.
 */
export async function settleNotification(db: Db, n: StoredNotification, settlement: Settlement, options: { fenced: boolean; secretKey: string }): Promise<StoredNotification | undefined> {
  const [row] = await db
    .update(notifications)
    // A row that held a secret keeps a mark that it did (SECRET_ERASED_KEY): sent again without it, it
    // would promise a password that is not there, so Retry delivery leaves such a row alone.
    .set({
      ...settlement,
      leasedUntil: null,
      payload: sql`(${notifications.payload} - ${options.secretKey}::text) || case when ${notifications.payload} ? ${options.secretKey}::text then jsonb_build_object(${SECRET_ERASED_KEY}::text, true) else '{}'::jsonb end`,
    })
    .where(options.fenced ? stillClaimed(n) : and(eq(notifications.id, n.id), eq(notifications.state, 'queued')))
    .returning();
  return row;
}

/** Puts a claimed row back in the queue for `runAfter`, while the claim is still ours. False when another worker took it over. */
export async function retryNotificationLater(db: Db, n: StoredNotification, retry: { runAfter: Date; lastError: string }): Promise<boolean> {
  const [row] = await db
    .update(notifications)
    .set({ runAfter: retry.runAfter, leasedUntil: null, lastError: retry.lastError })
    .where(stillClaimed(n))
    .returning({ id: notifications.id });
  return row !== undefined;
}

/**
 * Retry delivery: the request's dead notifications of these topics go back in the queue, due now, with
 * a fresh count of attempts, in ONE guarded statement (only rows still dead, and never one whose
 * secret was erased): of two clicks at once, the second finds nothing left to put back. Returns the
 * rows put back.
 */
export async function requeueDeadNotifications(db: Db, requestId: string, topics: readonly string[], now: Date): Promise<{ id: string; topic: string }[]> {
  if (topics.length === 0) return [];
  return db
    .update(notifications)
    .set({ state: 'queued', attempts: 0, runAfter: now, leasedUntil: null, lastError: null })
    .where(and(eq(notifications.requestId, requestId), eq(notifications.state, 'dead'), inArray(notifications.topic, [...topics]), sql`not (${notifications.payload} ? ${SECRET_ERASED_KEY}::text)`))
    .returning({ id: notifications.id, topic: notifications.topic });
}
