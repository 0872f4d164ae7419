import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { REQUEST_KINDS, REQUEST_STATES } from '../../domain/request-state.js';
import { extensions } from './extensions.js';
import { users } from './users.js';

export const requestKind = pgEnum('request_kind', REQUEST_KINDS);
export const requestState = pgEnum('request_state', REQUEST_STATES);

/** Every create, clone or extension request: pending → approved → completed, or rejected / failed / expired. */
export const requests = pgTable(
  'requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: requestKind('kind').notNull(),
    /** The validated use-case input. Never holds a typed password in clear: see services/submit. */
    payload: jsonb('payload').notNull(),
    requesterId: text('requester_id').notNull(),
    state: requestState('state').notNull().default('pending'),
    approverId: text('approver_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    resultUserId: integer('result_user_id').references(() => users.id),
    /** The user an edit, deactivation or reactivation changes (null for creations and extensions). */
    targetUserId: integer('target_user_id').references(() => users.id),
    /**
     * When an approved request is to be carried out; null means at approval. A scheduled offboarding is
     * approved ahead, stays `approved`, and the sweeper carries it out once this time has come.
     */
    /** The user whose access a reset or a resend of the welcome recovers (null otherwise). */
    recoveryUserId: integer('recovery_user_id').references(() => users.id),
    /** The extension a rotation, reassignment or unassignment changes (null otherwise). */
    targetExtensionId: integer('target_extension_id').references(() => extensions.id),
    effectiveAt: timestamp('effective_at', { withTimezone: true }),
    resultExtensionId: integer('result_extension_id').references(() => extensions.id),
    /** Where the approval message lives, so it can be updated in place. */
    approvalChannel: text('approval_channel'),
    approvalTs: text('approval_ts'),
    /** When an instance claimed the posting of the approval message: a claim left by a process that died mid-post is retaken once old. */
    approvalClaimedAt: timestamp('approval_claimed_at', { withTimezone: true }),
    /**
     * One refresher at a time per approval message (any instance): its lease, and whether another refresh
     * was asked for meanwhile, so the holder renders again and the newest state is the last chat.update.
     */
    approvalRefreshUntil: timestamp('approval_refresh_until', { withTimezone: true }),
    approvalRefreshPending: boolean('approval_refresh_pending').notNull().default(false),
    /** An import's progress was last shown on the approval message: refreshes for progress are at most one per 2 s, across instances. */
    progressPostedAt: timestamp('progress_posted_at', { withTimezone: true }),
    /** When approvers were last reminded of this pending request. */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('requests_state_created').on(t.state, t.createdAt),
    index('requests_requester').on(t.requesterId, t.createdAt),
    // Two identical submissions (a double click, two tabs, a retry) leave one open request per username.
    uniqueIndex('requests_open_username')
      .on(sql`lower(${t.payload} ->> 'username')`)
      .where(sql`${t.state} in ('pending', 'approved') and ${t.payload} ? 'username'`),
    // Likewise one open extension request per number. A request that leaves the number empty (the
    // next free one, drawn at approval) names no number and is not limited. Stored numbers are
    // normalised (services/submit-request writes the parsed number), so the text compares exactly.
    uniqueIndex('requests_open_extension_number')
      .on(sql`(${t.payload} ->> 'extensionNumber')`)
      .where(sql`${t.kind} = 'create_extension' and ${t.state} in ('pending', 'approved') and ${t.payload} ->> 'extensionNumber' <> ''`),
    // One open change per user at a time (an edit, a deactivation, a reactivation): a second is refused
    // by the database, so two submissions at once leave one request. Creations name no target.
    uniqueIndex('requests_open_change_per_user')
      .on(t.targetUserId)
      .where(sql`${t.targetUserId} is not null and ${t.state} in ('pending', 'approved')`),
    // One open recovery per user (a reset, a resend of the welcome), beside a change that may be open:
    // a locked-out person must not wait for an edit to be decided. Two resets at once leave one request.
    // A column of its own rather than a kind in the predicate: Postgres refuses, in an index predicate,
    // an enum value added in the same transaction, and a new database runs every migration in one.
    uniqueIndex('requests_open_recovery_per_user')
      .on(t.recoveryUserId)
      .where(sql`${t.recoveryUserId} is not null and ${t.state} in ('pending', 'approved')`),
    // One open change per extension (a rotation, a reassignment, an unassignment).
    uniqueIndex('requests_open_change_per_extension')
      .on(t.targetExtensionId)
      .where(sql`${t.targetExtensionId} is not null and ${t.state} in ('pending', 'approved')`),
    // Approvers' App Home lists the last decisions.
    index('requests_decided').on(t.decidedAt).where(sql`${t.decidedAt} is not null`),
    // The sweeper's scheduled work: approved requests whose time has come.
    index('requests_due').on(t.effectiveAt).where(sql`${t.state} = 'approved' and ${t.effectiveAt} is not null`),
  ],
);
