import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { requests } from './requests.js';

/** `done`: the handler finished (its outcome, success or a refusal, is in `result`). `dead`: gave up after the last attempt. */
export const JOB_STATES = ['queued', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const jobState = pgEnum('job_state', JOB_STATES);

/**
 * The one durable queue (db/repositories/jobs.ts, src/jobs/worker.ts): every piece of background work
 * is a row here — a notification to deliver (`notify.*`, the outbox: db/repositories/notifications.ts),
 * an import row, the recurring sweep. A row is written in the transaction that asks for it, claimed with
 * a lease under FOR UPDATE SKIP LOCKED so that several instances never run one row together, retried
 * with its kind's backoff, dead after its kind's last attempt. A handler that writes marks its row done
 * in its own transaction, so the work and the mark commit together.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Which handler runs it, e.g. `import_row`, `notify.email`, `sweep`. */
    kind: text('kind').notNull(),
    /** Makes enqueueing idempotent: e.g. `import:<request>:row:<n>`. */
    dedupeKey: text('dedupe_key').notNull(),
    requestId: uuid('request_id').references(() => requests.id),
    /**
     * What a notification is about (e.g. `welcome_email`): the approval message's delivery line and Retry
     * delivery select by it, so it is a column beside request_id rather than a key inside the payload the
     * sender reads. Null for other kinds.
     */
    topic: text('topic'),
    payload: jsonb('payload').notNull(),
    /** What the handler reported when it finished (a row's outcome; a notification's `{ outcome: 'sent' | 'skipped' }`). */
    result: jsonb('result'),
    state: jobState('state').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastError: text('last_error'),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('jobs_dedupe').on(t.dedupeKey),
    index('jobs_due').on(t.runAfter).where(sql`${t.state} = 'queued'`),
    index('jobs_request').on(t.requestId, t.kind),
  ],
);
