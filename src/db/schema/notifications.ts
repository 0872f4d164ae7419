import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { requests } from './requests.js';

export const NOTIFICATION_CHANNELS = ['email', 'slack_dm', 'slack_post'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** `skipped`: nothing to deliver to (no Slack member has the new user's email). `dead`: gave up after the last retry. */
export const NOTIFICATION_STATES = ['queued', 'sent', 'skipped', 'dead'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export const notificationChannel = pgEnum('notification_channel', NOTIFICATION_CHANNELS);
export const notificationState = pgEnum('notification_state', NOTIFICATION_STATES);

/**
 * The durable outbox: a notification is written in the same transaction as the change it reports,
 * and a worker delivers it later with retries and backoff. A crash or an SMTP outage delays a row;
 * nothing drops it. The same table works on Postgres and on the embedded PGlite.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Makes enqueueing idempotent: one welcome email per request, however often it is retried. */
    dedupeKey: text('dedupe_key').notNull(),
    channel: notificationChannel('channel').notNull(),
    /** What it is about, for logs and the approval message's delivery line (e.g. `welcome_email`). */
    topic: text('topic').notNull(),
    requestId: uuid('request_id').references(() => requests.id),
    /** Everything the sender needs (rendered text, recipients). A one-time secret is erased once sent. */
    payload: jsonb('payload').notNull(),
    state: notificationState('state').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** Not before this time: the backoff after a failure. */
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    /** A worker's lease while it sends; another worker may take the row once it has passed. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe').on(t.dedupeKey),
    index('notifications_due').on(t.runAfter).where(sql`${t.state} = 'queued'`),
    index('notifications_request').on(t.requestId),
  ],
);
