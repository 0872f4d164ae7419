import { asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { notifications, type NotificationChannel } from '../schema/index.js';

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
